//! Inverted index of name words and phone numbers, stored in SQLite.
//!
//! Tokens (folded name words; national digits of each phone number) are grouped in buckets
//! named by their first 3 characters (4 for digits). A bucket row holds the sorted postings
//! `(token, account id)` of all its tokens as one blob. A prefix query reads one bucket (or a
//! range of buckets for a very short prefix) instead of scanning the accounts. Bulk writes
//! batch their postings in memory and merge each bucket once, which is what keeps an import of
//! hundreds of thousands of accounts fast: FTS5 or one index row per phone costs several times
//! more per account.

use crate::domain::phone::{national_digits, CountryCode};
use crate::error::Result;
use crate::text::{fold, words};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{HashMap, HashSet};

/// Longer tokens are cut: nobody types 64 characters to find a person.
const MAX_TOKEN_BYTES: usize = 64;

/// Pending postings above this size are merged into the database before more are collected,
/// which bounds the memory of a bulk import.
pub const FLUSH_BYTES: usize = 48 << 20;

/// Bucket of a token or of a query prefix long enough to name one.
pub fn bucket_len(token: &str) -> usize {
    if token.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        4
    } else {
        3
    }
}

pub fn bucket_of(token: &str) -> &str {
    match token.char_indices().nth(bucket_len(token)) {
        Some((i, _)) => &token[..i],
        None => token,
    }
}

fn clamp(token: &str) -> &str {
    if token.len() <= MAX_TOKEN_BYTES {
        return token;
    }
    let mut end = MAX_TOKEN_BYTES;
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    &token[..end]
}

/// Tokens of one account: the words of its folded name and the national digits of its numbers.
pub fn account_tokens<'a>(
    name_key: &str,
    phones: impl IntoIterator<Item = &'a str>,
    cc: &CountryCode,
) -> Vec<String> {
    let mut out: Vec<String> = words(name_key).map(|w| clamp(w).to_string()).collect();
    out.extend(phones.into_iter().map(|p| national_digits(p, cc)));
    out.sort_unstable();
    out.dedup();
    out
}

/// The folded form of a name, stored beside it for sorting.
pub fn name_key(name: &str) -> String {
    fold(name)
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn encode(out: &mut Vec<u8>, token: &[u8], id: i64) {
    out.push(token.len() as u8);
    out.extend_from_slice(token);
    push_varint(out, id as u64);
}

/// Postings of a bucket blob. A damaged blob ends the iteration instead of panicking; `check`
/// reports the damage.
pub fn decode(buf: &[u8]) -> Decoder<'_> {
    Decoder { buf, pos: 0 }
}

pub struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Decoder<'a> {
    type Item = (&'a [u8], i64);
    fn next(&mut self) -> Option<Self::Item> {
        let len = *self.buf.get(self.pos)? as usize;
        let start = self.pos + 1;
        let token = self.buf.get(start..start + len)?;
        let mut p = start + len;
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let b = *self.buf.get(p)?;
            p += 1;
            if shift > 63 {
                return None;
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        self.pos = p;
        Some((token, v as i64))
    }
}

/// Postings to add and remove, merged into the buckets by `flush`.
#[derive(Default)]
pub struct IndexBatch {
    adds: HashMap<Box<str>, Vec<u8>>,
    removes: HashMap<Box<str>, Vec<u8>>,
    bytes: usize,
}

impl IndexBatch {
    pub fn add(&mut self, id: i64, tokens: &[String]) {
        for t in tokens {
            let buf = self.adds.entry(bucket_of(t).into()).or_default();
            let before = buf.len();
            encode(buf, t.as_bytes(), id);
            self.bytes += buf.len() - before;
        }
    }

    pub fn remove(&mut self, id: i64, tokens: &[String]) {
        for t in tokens {
            let buf = self.removes.entry(bucket_of(t).into()).or_default();
            encode(buf, t.as_bytes(), id);
        }
    }

    pub fn pending_bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.adds.is_empty() && self.removes.is_empty()
    }

    /// Merges every touched bucket once: read, apply, sort, write.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        let mut buckets: Vec<Box<str>> = self.adds.keys().cloned().collect();
        buckets.extend(
            self.removes
                .keys()
                .filter(|k| !self.adds.contains_key(*k))
                .cloned(),
        );
        buckets.sort_unstable();
        let mut read =
            conn.prepare_cached("SELECT postings FROM search_buckets WHERE bucket = ?1")?;
        let mut write = conn.prepare_cached(
            "INSERT INTO search_buckets (bucket, postings) VALUES (?1, ?2)
             ON CONFLICT (bucket) DO UPDATE SET postings = excluded.postings",
        )?;
        let mut delete = conn.prepare_cached("DELETE FROM search_buckets WHERE bucket = ?1")?;
        let mut out = Vec::new();
        for b in buckets {
            let existing: Option<Vec<u8>> = read.query_row([&*b], |r| r.get(0)).optional()?;
            let added = self.adds.remove(&b).unwrap_or_default();
            let removed = self.removes.remove(&b).unwrap_or_default();
            let gone: HashSet<(&[u8], i64)> = decode(&removed).collect();
            // Removals apply to what was stored; additions come after (an edit that keeps a
            // word removes and adds the same posting).
            let mut entries: Vec<(&[u8], i64)> = existing
                .as_deref()
                .map(decode)
                .into_iter()
                .flatten()
                .filter(|e| !gone.contains(e))
                .chain(decode(&added))
                .collect();
            entries.sort_unstable();
            entries.dedup();
            if entries.is_empty() {
                delete.execute([&*b])?;
                continue;
            }
            out.clear();
            for (t, id) in entries {
                encode(&mut out, t, id);
            }
            write.execute(params![&*b, &out])?;
        }
        self.adds.clear();
        self.removes.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// Rebuilds the whole index from the accounts (after a change of country code, or on request).
pub fn rebuild(conn: &Connection, cc: &CountryCode) -> Result<()> {
    conn.execute("DELETE FROM search_buckets", [])?;
    let mut batch = IndexBatch::default();
    let mut stmt = conn.prepare(
        "SELECT id, name_key, phone1, phone2, phone3, phone4, phone5, phone6, phone7, phone8,
                phone9, phone10 FROM accounts",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let key: String = r.get(1)?;
        let mut phones = Vec::new();
        for i in 2..12 {
            if let Some(p) = r.get::<_, Option<String>>(i)? {
                phones.push(p);
            }
        }
        batch.add(
            id,
            &account_tokens(&key, phones.iter().map(|s| s.as_str()), cc),
        );
        if batch.pending_bytes() > FLUSH_BYTES {
            batch.flush(conn)?;
        }
    }
    batch.flush(conn)
}

/// Every posting, as a set, to compare the stored index with one rebuilt from the accounts.
pub fn all_postings(conn: &Connection) -> Result<HashSet<(Vec<u8>, i64)>> {
    let mut stmt = conn.prepare("SELECT postings FROM search_buckets")?;
    let mut rows = stmt.query([])?;
    let mut set = HashSet::new();
    while let Some(r) = rows.next()? {
        let blob: Vec<u8> = r.get(0)?;
        for (t, id) in decode(&blob) {
            set.insert((t.to_vec(), id));
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_three_letters_or_four_digits() {
        assert_eq!(bucket_of("trabelsi"), "tra");
        assert_eq!(bucket_of("27468145"), "2746");
        assert_eq!(bucket_of("al"), "al");
        assert_eq!(bucket_of("éééé"), "ééé");
    }

    #[test]
    fn postings_round_trip_and_damage_stops_decoding() {
        let mut buf = Vec::new();
        encode(&mut buf, b"ali", 1);
        encode(&mut buf, b"ali", 300_000);
        let v: Vec<_> = decode(&buf).collect();
        assert_eq!(v, [(&b"ali"[..], 1), (&b"ali"[..], 300_000)]);
        let cut = &buf[..buf.len() - 1];
        assert_eq!(decode(cut).count(), 1);
        assert_eq!(decode(&[200, 1, 2]).count(), 0);
    }

    #[test]
    fn account_tokens_hold_words_and_national_numbers() {
        let cc = CountryCode::default();
        let t = account_tokens("hedi ben ali", ["0021627468145", "+33612345678"], &cc);
        assert_eq!(t, ["27468145", "33612345678", "ali", "ben", "hedi"]);
    }
}
