//! Inverted index of name words and phone numbers, stored in SQLite.
//!
//! Tokens (folded name words; national digits of each phone number) are grouped in buckets
//! named by their first 3 characters (4 for digits). A bucket row holds the sorted postings
//! `(token, account id)` of all its tokens as one blob. A prefix query reads one bucket (or a
//! range of buckets for a very short prefix) instead of scanning the accounts. Bulk writes
//! batch their postings in memory and merge each bucket once, which is what keeps an import of
//! hundreds of thousands of accounts fast: FTS5 or one index row per phone costs several times
//! more per account.

use super::postings::{self, for_each_pending, push_pending};
use crate::domain::phone::{national_digits, CountryCode};
use crate::error::Result;
use crate::text::{fold, words};
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::FxHashMap;
use std::collections::HashSet;

/// Longer tokens are cut: nobody types 64 characters to find a person.
const MAX_TOKEN_BYTES: usize = 64;

/// Pending postings above this size are merged into the database before more are collected,
/// which bounds the memory of a bulk import.
pub const FLUSH_BYTES: usize = 24 << 20;

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

/// Calls `f` with each token of one account: the words of its folded name and the national
/// digits of its numbers (a token may come twice; the buckets keep it once).
pub fn for_each_token<'a>(
    name_key: &str,
    phones: impl IntoIterator<Item = &'a str>,
    cc: &CountryCode,
    mut f: impl FnMut(&str),
) {
    for w in words(name_key) {
        f(clamp(w));
    }
    for p in phones {
        f(national_digits(p, cc));
    }
}

/// Tokens of one account, sorted and without repeats.
pub fn account_tokens<'a>(
    name_key: &str,
    phones: impl IntoIterator<Item = &'a str>,
    cc: &CountryCode,
) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(name_key, phones, cc, |t| out.push(t.to_string()));
    out.sort_unstable();
    out.dedup();
    out
}

/// The folded form of a name, stored beside it for sorting.
pub fn name_key(name: &str) -> String {
    fold(name)
}

type Buckets = FxHashMap<Box<str>, Vec<u8>>;

/// Postings to add and remove, merged into the buckets by `flush`.
#[derive(Default)]
pub struct IndexBatch {
    adds: Buckets,
    removes: Buckets,
    bytes: usize,
}

/// Appends one posting to its bucket's buffer; returns the bytes added.
fn push(map: &mut Buckets, token: &str, id: i64) -> usize {
    let b = bucket_of(token);
    let buf = match map.get_mut(b) {
        Some(buf) => buf,
        None => map.entry(b.into()).or_default(),
    };
    let before = buf.len();
    push_pending(buf, token.as_bytes(), id);
    buf.len() - before
}

impl IndexBatch {
    pub fn add(&mut self, id: i64, tokens: &[String]) {
        for t in tokens {
            self.bytes += push(&mut self.adds, t, id);
        }
    }

    pub fn remove(&mut self, id: i64, tokens: &[String]) {
        for t in tokens {
            push(&mut self.removes, t, id);
        }
    }

    /// Adds the postings of one account without building its token list.
    pub fn add_account<'a>(
        &mut self,
        id: i64,
        name_key: &str,
        phones: impl IntoIterator<Item = &'a str>,
        cc: &CountryCode,
    ) {
        let (adds, bytes) = (&mut self.adds, &mut self.bytes);
        for_each_token(name_key, phones, cc, |t| *bytes += push(adds, t, id));
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
        let mut db = BucketStore::new(conn)?;
        let mut g = Gather::default();
        for b in buckets {
            let added = self.adds.remove(&b).unwrap_or_default();
            let removed = self.removes.remove(&b).unwrap_or_default();
            let mut gone: HashSet<(&[u8], i64)> = HashSet::new();
            for_each_pending(&removed, |t, id| {
                gone.insert((t, id));
            });
            g.clear();
            if let Some(blob) = db.read(&b)? {
                // Removals apply to what was stored; additions come after (an edit that keeps a
                // word removes and adds the same posting).
                postings::for_each(b.as_bytes(), &blob, |t, id| {
                    if !gone.contains(&(t, id)) {
                        g.keep(t, id);
                    }
                });
            }
            for_each_pending(&added, |t, id| g.keep(t, id));
            db.write(&b, &g.encode(&b))?;
        }
        self.adds.clear();
        self.removes.clear();
        self.bytes = 0;
        Ok(())
    }

    /// Sorts and encodes the additions bucket by bucket, away from the database (so that a
    /// reading thread can do it while another writes). Only for a batch of additions.
    pub fn into_sorted(self) -> SortedPostings {
        debug_assert!(self.removes.is_empty(), "removals would be lost");
        let mut g = Gather::default();
        let mut out: Vec<(Box<str>, Vec<u8>)> = self
            .adds
            .into_iter()
            .map(|(b, pending)| {
                g.clear();
                for_each_pending(&pending, |t, id| g.keep(t, id));
                let blob = g.encode(&b);
                (b, blob)
            })
            .collect();
        out.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        SortedPostings(out)
    }
}

/// Buckets of new postings, each already sorted and encoded.
pub struct SortedPostings(Vec<(Box<str>, Vec<u8>)>);

impl SortedPostings {
    /// Writes the buckets, merging with what is stored when a bucket already exists.
    pub fn merge_into(self, conn: &Connection) -> Result<()> {
        let mut db = BucketStore::new(conn)?;
        let mut g = Gather::default();
        for (b, blob) in self.0 {
            match db.read(&b)? {
                None => db.write(&b, &blob)?,
                Some(existing) => {
                    g.clear();
                    postings::for_each(b.as_bytes(), &existing, |t, id| g.keep(t, id));
                    postings::for_each(b.as_bytes(), &blob, |t, id| g.keep(t, id));
                    db.write(&b, &g.encode(&b))?;
                }
            }
        }
        Ok(())
    }
}

/// Postings of one bucket being merged: tokens in one arena, entries pointing into it.
#[derive(Default)]
struct Gather {
    arena: Vec<u8>,
    entries: Vec<(u32, u8, i64)>,
}

impl Gather {
    fn clear(&mut self) {
        self.arena.clear();
        self.entries.clear();
    }

    fn keep(&mut self, token: &[u8], id: i64) {
        self.entries
            .push((self.arena.len() as u32, token.len() as u8, id));
        self.arena.extend_from_slice(token);
    }

    /// Sorted, without repeats, encoded; empty when nothing is left.
    fn encode(&mut self, bucket: &str) -> Vec<u8> {
        let arena = &self.arena;
        let token = |e: &(u32, u8, i64)| &arena[e.0 as usize..e.0 as usize + e.1 as usize];
        self.entries
            .sort_unstable_by(|x, y| token(x).cmp(token(y)).then(x.2.cmp(&y.2)));
        self.entries
            .dedup_by(|x, y| x.2 == y.2 && token(x) == token(y));
        let mut out = Vec::new();
        postings::encode_sorted(
            bucket.as_bytes(),
            self.entries.iter().map(|e| (token(e), e.2)),
            &mut out,
        );
        out
    }
}

/// Reads and writes bucket rows; an empty blob deletes the bucket.
struct BucketStore<'c> {
    read: rusqlite::CachedStatement<'c>,
    write: rusqlite::CachedStatement<'c>,
    delete: rusqlite::CachedStatement<'c>,
}

impl<'c> BucketStore<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        Ok(BucketStore {
            read: conn.prepare_cached("SELECT postings FROM search_buckets WHERE bucket = ?1")?,
            write: conn.prepare_cached(
                "INSERT INTO search_buckets (bucket, postings) VALUES (?1, ?2)
                 ON CONFLICT (bucket) DO UPDATE SET postings = excluded.postings",
            )?,
            delete: conn.prepare_cached("DELETE FROM search_buckets WHERE bucket = ?1")?,
        })
    }

    fn read(&mut self, bucket: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.read.query_row([bucket], |r| r.get(0)).optional()?)
    }

    fn write(&mut self, bucket: &str, blob: &[u8]) -> Result<()> {
        if blob.is_empty() {
            self.delete.execute([bucket])?;
        } else {
            self.write.execute(params![bucket, blob])?;
        }
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
        batch.add_account(id, &key, phones.iter().map(|s| s.as_str()), cc);
        if batch.pending_bytes() > FLUSH_BYTES {
            batch.flush(conn)?;
        }
    }
    batch.flush(conn)
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
    fn account_tokens_hold_words_and_national_numbers() {
        let cc = CountryCode::default();
        let t = account_tokens("hedi ben ali", ["0021627468145", "+33612345678"], &cc);
        assert_eq!(t, ["27468145", "33612345678", "ali", "ben", "hedi"]);
    }
}
