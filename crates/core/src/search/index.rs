//! Inverted index of name words and phone numbers, stored in SQLite.
//!
//! Tokens (folded name words; national digits of each phone number) are grouped in buckets
//! named by their first 3 characters (4 for digits). A bucket row holds the sorted postings
//! `(token, account id)` of all its tokens as one blob. A prefix query reads one bucket (or a
//! range of buckets for a very short prefix) instead of scanning the accounts. Bulk writes
//! batch their postings in memory and merge each bucket once, which is what keeps an import of
//! hundreds of thousands of accounts fast: FTS5 or one index row per phone costs several times
//! more per account.

use super::blobs::BlobTable;
use super::grams::{self, GramBatch};
use super::postings::{self, for_each_pending, push_pending};
use super::words::WordBatch;
use crate::domain::phone::CountryCode;
use crate::domain::KEYS;
use crate::error::Result;
use crate::text::{fold, words};
use rusqlite::Connection;
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

pub fn clamp(token: &str) -> &str {
    if token.len() <= MAX_TOKEN_BYTES {
        return token;
    }
    let mut end = MAX_TOKEN_BYTES;
    while !token.is_char_boundary(end) {
        end -= 1;
    }
    &token[..end]
}

pub use crate::domain::phone::{phone_digits, PhoneDigits};

/// Calls `f` with each token of one account: the words of its folded name, the national
/// digits of its numbers of the country, and `+` and the international digits of the others
/// (a token may come twice; the buckets keep it once). The `+` keeps a foreign number out of
/// reach of a digit prefix: the prefixes a search reads there for a query running into the
/// country code (`21627…`) must be numbers of the country.
pub fn for_each_token<'a>(
    name_key: &str,
    phones: impl IntoIterator<Item = &'a str>,
    cc: &CountryCode,
    mut f: impl FnMut(&str),
) {
    for w in words(name_key) {
        f(clamp(w));
    }
    let mut foreign = String::new();
    for p in phones {
        match phone_digits(p, cc) {
            PhoneDigits::Domestic(n) => f(n),
            PhoneDigits::Foreign(d) => {
                foreign.clear();
                foreign.push('+');
                foreign.push_str(d);
                f(&foreign);
            }
        }
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

/// What the search indexes of one account.
#[derive(Debug, Clone, Copy)]
pub struct Indexed<'a> {
    pub name_key: &'a str,
    pub matricule: &'a str,
    pub identifiant: &'a str,
    pub phones: [Option<&'a str>; KEYS],
}

impl Indexed<'_> {
    fn phones(&self) -> impl Iterator<Item = &str> {
        self.phones.iter().flatten().copied()
    }
}

/// Calls `f` with the digit grams of one account (see `grams`); a gram may come twice.
pub fn for_each_gram(a: &Indexed<'_>, cc: &CountryCode, mut f: impl FnMut(u16)) {
    grams::fixed_grams(grams::MATRICULE, grams::MATRICULE_LEN, a.matricule, &mut f);
    grams::fixed_grams(
        grams::IDENTIFIANT,
        grams::IDENTIFIANT_LEN,
        a.identifiant,
        &mut f,
    );
    let (mut domestic, mut foreign) = (false, false);
    for p in a.phones() {
        match phone_digits(p, cc) {
            PhoneDigits::Domestic(n) => {
                domestic = true;
                grams::phone_grams(n.bytes(), &mut f);
            }
            PhoneDigits::Foreign(d) => {
                foreign = true;
                grams::phone_grams(b"00".iter().copied().chain(d.bytes()), &mut f)
            }
        }
    }
    if domestic {
        f(grams::HAS_DOMESTIC);
    }
    if foreign {
        f(grams::HAS_FOREIGN);
    }
    if a.name_key.bytes().any(|b| b.is_ascii_digit())
        && words(a.name_key).any(|w| w.as_bytes()[0].is_ascii_digit())
    {
        f(grams::DIGIT_NAMED);
    }
}

/// An account as read back for indexing (rebuild, check, an import's update).
pub struct StoredAccount {
    pub id: i64,
    name_key: String,
    matricule: String,
    identifiant: String,
    phones: [Option<String>; KEYS],
}

impl StoredAccount {
    /// The columns `from_row` reads, keys last.
    pub fn columns() -> String {
        format!(
            "id, name_key, matricule, identifiant, {}",
            *crate::store::columns::PHONE_LIST
        )
    }

    pub fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredAccount> {
        let mut phones: [Option<String>; KEYS] = Default::default();
        for (i, p) in phones.iter_mut().enumerate() {
            *p = r.get(4 + i)?;
        }
        Ok(StoredAccount {
            id: r.get(0)?,
            name_key: r.get(1)?,
            matricule: r.get(2)?,
            identifiant: r.get(3)?,
            phones,
        })
    }

    pub fn read(conn: &Connection, id: i64) -> Result<StoredAccount> {
        let sql = format!(
            "SELECT {stored} FROM accounts WHERE id = ?1",
            stored = Self::columns()
        );
        Ok(conn.prepare_cached(&sql)?.query_row([id], Self::from_row)?)
    }

    /// Every account, one at a time in id order: the order a rebuild writes digit lists in.
    pub fn each(conn: &Connection, mut f: impl FnMut(StoredAccount) -> Result<()>) -> Result<()> {
        let sql = format!(
            "SELECT {stored} FROM accounts ORDER BY id",
            stored = Self::columns()
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(Self::from_row(r)?)?;
        }
        Ok(())
    }

    pub fn indexed(&self) -> Indexed<'_> {
        Indexed {
            name_key: &self.name_key,
            matricule: &self.matricule,
            identifiant: &self.identifiant,
            phones: std::array::from_fn(|i| self.phones[i].as_deref()),
        }
    }
}

type Buckets = FxHashMap<Box<str>, Vec<u8>>;

/// Postings to add and remove, merged into the buckets by `flush`.
#[derive(Default)]
pub struct BucketBatch {
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

/// Everything a change of accounts changes in the search index: bucket postings, digit grams
/// and new name words, written together by `flush` in the caller's transaction.
#[derive(Default)]
pub struct IndexBatch {
    buckets: BucketBatch,
    grams: GramBatch,
    words: WordBatch,
}

impl IndexBatch {
    pub fn add(&mut self, id: i64, a: &Indexed<'_>, cc: &CountryCode) {
        self.add_tokens(id, a, cc);
        for w in words(a.name_key) {
            self.words.add(clamp(w));
        }
        let grams = &mut self.grams;
        for_each_gram(a, cc, |g| grams.add(g, id));
    }

    /// Adds the bucket postings only: the grams and words of this account come from an
    /// [`AheadIndex`].
    pub fn add_tokens(&mut self, id: i64, a: &Indexed<'_>, cc: &CountryCode) {
        let (adds, bytes) = (&mut self.buckets.adds, &mut self.buckets.bytes);
        for_each_token(a.name_key, a.phones(), cc, |t| *bytes += push(adds, t, id));
    }

    /// The bucket postings collected so far (additions only), to be sorted on another thread
    /// (see `BucketBatch::into_sorted`).
    pub fn take_buckets(&mut self) -> BucketBatch {
        std::mem::take(&mut self.buckets)
    }

    pub fn remove(&mut self, id: i64, a: &Indexed<'_>, cc: &CountryCode) {
        let removes = &mut self.buckets.removes;
        for_each_token(a.name_key, a.phones(), cc, |t| {
            push(removes, t, id);
        });
        let grams = &mut self.grams;
        for_each_gram(a, cc, |g| grams.remove(g, id));
    }

    /// Writes what an [`AheadIndex`] built; words wait for the next `flush`.
    pub fn write_ahead(&mut self, conn: &Connection, part: AheadPart) -> Result<()> {
        match part {
            AheadPart::Grams(rows) => GramBatch::write_new(conn, rows),
            AheadPart::Words(words) => {
                for w in words {
                    self.words.add(&w);
                }
                Ok(())
            }
        }
    }

    /// Declares that no account has an id at or above `id` in the stored index (a first
    /// import, a rebuild): its digit grams are then written without reading lists back.
    pub fn nothing_stored_from(&mut self, id: i64) {
        self.grams.nothing_stored_from(id);
    }

    /// During a long import: writes what has grown large, to bound memory.
    pub fn flush_if_large(&mut self, conn: &Connection) -> Result<()> {
        if self.buckets.bytes > FLUSH_BYTES {
            self.buckets.flush(conn)?;
        }
        if self.grams.has_much() {
            self.grams.flush_finished(conn)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        self.buckets.flush(conn)?;
        self.grams.flush(conn)?;
        self.words.flush(conn)
    }
}

/// The digit grams and name words of a first import, built on the reading thread, which has
/// time to spare while the writing one inserts rows: accounts get ids in line order from the
/// first free one (nothing can refuse a line in between; duplicates are removed afterwards,
/// postings with them). Rows of gram lists go to the writing thread as they fill, the new
/// name words at the end.
pub struct AheadIndex {
    next_id: i64,
    cc: CountryCode,
    grams: GramBatch,
    words: WordBatch,
}

pub enum AheadPart {
    Grams(Vec<(i64, Vec<u8>)>),
    Words(Vec<Box<str>>),
}

impl AheadIndex {
    pub fn new(first_id: i64, cc: CountryCode) -> AheadIndex {
        let mut grams = GramBatch::default();
        grams.nothing_stored_from(0);
        AheadIndex {
            next_id: first_id,
            cc,
            grams,
            words: WordBatch::default(),
        }
    }

    /// The next account written, which gets the next id.
    pub fn add(&mut self, a: &Indexed<'_>) {
        let id = self.next_id;
        self.next_id += 1;
        for w in words(a.name_key) {
            self.words.add(clamp(w));
        }
        let grams = &mut self.grams;
        for_each_gram(a, &self.cc, |g| grams.add(g, id));
    }

    /// Rows ready to be written, once they hold much.
    pub fn take_large(&mut self) -> Option<AheadPart> {
        self.grams
            .has_much()
            .then(|| AheadPart::Grams(self.grams.take_finished()))
    }

    pub fn finish(mut self) -> [AheadPart; 2] {
        [
            AheadPart::Grams(self.grams.take_all()),
            AheadPart::Words(self.words.take_pending()),
        ]
    }
}

impl BucketBatch {
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

/// The postings of one bucket (searches read them too).
pub(crate) const BUCKET_POSTINGS: &str = "SELECT postings FROM search_buckets WHERE bucket = ?1";

/// Reads and writes bucket rows; an empty blob deletes the bucket.
struct BucketStore<'c>(BlobTable<'c>);

impl<'c> BucketStore<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        Ok(BucketStore(BlobTable::new(
            conn,
            ["search_buckets", "bucket", "postings"],
            BUCKET_POSTINGS,
        )?))
    }

    fn read(&mut self, bucket: &str) -> Result<Option<Vec<u8>>> {
        self.0.look_up([bucket], |r| r.get(0))
    }

    fn write(&mut self, bucket: &str, blob: &[u8]) -> Result<()> {
        if blob.is_empty() {
            self.0.delete(bucket)
        } else {
            self.0.put(bucket, blob)
        }
    }
}

/// Rebuilds the whole index from the accounts (after a change of country code, when a database
/// of an older schema is opened, or on request).
pub fn rebuild(conn: &Connection, cc: &CountryCode) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM search_buckets; DELETE FROM search_grams; DELETE FROM search_words;",
    )?;
    let mut batch = IndexBatch::default();
    batch.nothing_stored_from(0);
    StoredAccount::each(conn, |a| {
        batch.add(a.id, &a.indexed(), cc);
        batch.flush_if_large(conn)
    })?;
    batch.flush(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_three_letters_or_four_digits() {
        for (word, want) in [
            ("trabelsi", "tra"),
            ("27468145", "2746"),
            ("al", "al"),
            ("éééé", "ééé"),
        ] {
            assert_eq!(bucket_of(word), want, "bucket_of({word:?})");
        }
    }

    #[test]
    fn account_tokens_hold_words_national_numbers_and_marked_foreign_ones() {
        let cc = CountryCode::default();
        let t = account_tokens(
            "hedi ben ali",
            ["0021627468145", "+33612345678", "0033145"],
            &cc,
        );
        assert_eq!(
            t,
            ["+33145", "+33612345678", "27468145", "ali", "ben", "hedi"]
        );
    }

    #[test]
    fn numbers_of_the_country_are_told_from_the_others() {
        let cc = CountryCode::default();
        let d = |p| phone_digits(p, &cc);
        assert_eq!(d("27468145"), PhoneDigits::Domestic("27468145"));
        assert_eq!(d("+21627468145"), PhoneDigits::Domestic("27468145"));
        assert_eq!(d("0021627468145"), PhoneDigits::Domestic("27468145"));
        assert_eq!(d("+33612345678"), PhoneDigits::Foreign("33612345678"));
        assert_eq!(d("+216"), PhoneDigits::Foreign("216"));
        assert_eq!(d("216"), PhoneDigits::Domestic("216"));
    }

    #[test]
    fn an_account_has_grams_of_every_number_it_holds() {
        let cc = CountryCode::default();
        let a = Indexed {
            name_key: "ali 2pac",
            matricule: "10000000000000",
            identifiant: "8589669",
            phones: [
                Some("+21699383470"),
                Some("+33612"),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        };
        let mut g = Vec::new();
        for_each_gram(&a, &cc, |x| g.push(x));
        assert!(g.contains(&3470), "window of the national digits");
        assert!(g.contains(&33), "0033: the foreign number with 00");
        assert!(!g.contains(&2169), "no window of the country code");
        assert!(g.contains(&grams::HAS_DOMESTIC));
        assert!(g.contains(&grams::HAS_FOREIGN));
        assert!(g.contains(&grams::DIGIT_NAMED));
        assert!(g.contains(&(grams::IDENTIFIANT + 4000 + 669)));
    }
}
