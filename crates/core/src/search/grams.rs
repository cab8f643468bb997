//! Digit grams: what lets a search find any part of a number, not only its beginning.
//!
//! Each list holds the ids (sorted) of the accounts having one gram:
//! - a 4-digit window of one of their phone numbers (national digits for numbers of the
//!   country, `00` and the international digits for the others): a 3-digit run is the start or
//!   the end of a window, or a whole 3-digit number (found by its beginning in the buckets);
//! - a 3-digit window of the matricule, or of the identifiant, at a given position. These have
//!   a fixed length and often a shared structure (`1000…` in every matricule of a site): with
//!   the position in the list's name, a longer run is the intersection of the lists of its
//!   windows at consecutive positions, exact without reading any account;
//! - "has a number of the country", for a query lying inside `00216`, and "has a number of
//!   another country" (with the former, every account with a number: `00`);
//! - "has a name word starting with a digit", the only tokens of the buckets other than
//!   national numbers that a digit prefix can reach.
//!
//! A list is cut by ranges of 65,536 ids, one row each, so that an edit rewrites a few small
//! rows instead of a list of a million ids; each row is delta- and varint-coded.

use super::blobs::BlobTable;
use super::postings::{push_varint, read_varint};
use crate::error::Result;
use rusqlite::{params, Connection};

/// 4-digit windows of phone numbers: `PHONE4 + value`.
pub const PHONE4: u16 = 0;
/// 3-digit windows of the matricule: `MATRICULE + position * 1000 + value`.
pub const MATRICULE: u16 = 10_000;
pub const MATRICULE_LEN: usize = crate::domain::codes::MATRICULE_DIGITS;
/// 3-digit windows of the identifiant: `IDENTIFIANT + position * 1000 + value`.
pub const IDENTIFIANT: u16 = MATRICULE + 1000 * (MATRICULE_LEN as u16 - 2);
pub const IDENTIFIANT_LEN: usize = crate::domain::codes::IDENTIFIANT_DIGITS;
/// Accounts with at least one number of the country.
pub const HAS_DOMESTIC: u16 = IDENTIFIANT + 1000 * (IDENTIFIANT_LEN as u16 - 2);
/// Accounts with a name word that starts with a digit.
pub const DIGIT_NAMED: u16 = HAS_DOMESTIC + 1;
/// Accounts with at least one number of another country.
pub const HAS_FOREIGN: u16 = DIGIT_NAMED + 1;
pub const NGRAMS: usize = HAS_FOREIGN as usize + 1;

/// Value of 3 or 4 ASCII digits; `None` if one is not a digit.
pub fn value(digits: &[u8]) -> Option<u16> {
    let mut v: u16 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u16::from(b - b'0');
    }
    Some(v)
}

/// Calls `f` with the 4-digit windows of a phone's digit token.
pub fn phone_grams(digits: impl Iterator<Item = u8>, mut f: impl FnMut(u16)) {
    let (mut run, mut v) = (0usize, 0u16);
    for b in digits {
        if !b.is_ascii_digit() {
            run = 0;
            continue;
        }
        v = (v % 1000) * 10 + u16::from(b - b'0');
        run += 1;
        if run >= 4 {
            f(PHONE4 + v);
        }
    }
}

/// Calls `f` with the positioned 3-digit windows of a matricule or identifiant.
pub fn fixed_grams(base: u16, len: usize, text: &str, mut f: impl FnMut(u16)) {
    let b = text.as_bytes();
    for pos in 0..len.saturating_sub(2) {
        if let Some(v) = b.get(pos..pos + 3).and_then(value) {
            f(base + 1000 * pos as u16 + v);
        }
    }
}

/// A list is stored in rows of about `ROW_BYTES`, each keyed by the list's number and the
/// row's last id: a rare list is one row, a list of a million ids a few hundred, and an edit
/// rewrites one small row of each list it touches. Four rows fill a page of 16 KiB.
const ROW_BYTES: usize = 4000;

/// Ids of a row are below 2^40.
const ID_BITS: u32 = 40;

fn key(gram: u16, last_id: i64) -> i64 {
    (i64::from(gram) << ID_BITS) | last_id
}

fn split_key(k: i64) -> (i64, i64) {
    (k >> ID_BITS, k & ((1 << ID_BITS) - 1))
}

/// Additions and removals of postings, merged into the lists by `flush`.
///
/// Ids given in increasing order (an import, a rebuild) are gathered by blocks of ids, sorted
/// by list with a counting sort (the postings of an account go to some 50 lists out of 28,000;
/// appending each to its list as it comes costs a cache miss apiece), then appended to one
/// open row per list, already encoded.
pub struct GramBatch {
    /// Postings of the current block: list number and offset of the id in the block.
    block: Vec<u32>,
    block_start: i64,
    last_id: i64,
    /// Room for the counting sort, kept from one block to the next.
    starts: Vec<u32>,
    next: Vec<u32>,
    sorted: Vec<u16>,
    open: Vec<Open>,
    /// Rows that are complete, with their keys.
    done: Vec<(i64, Vec<u8>)>,
    done_bytes: usize,
    open_bytes: usize,
    /// Additions below an id already added (an older account updated by an import).
    late: Vec<(u16, i64)>,
    removed: Vec<(u16, i64)>,
    /// No list holds ids from here on: rows of larger ids are written without reading back.
    stored_below: i64,
}

const BLOCK_IDS: i64 = 1 << 12;

/// Complete rows are handed over once they hold this much.
const DONE_BYTES: usize = 4 << 20;
/// Open rows are closed early once they hold this much (about a fifth of a million accounts).
const OPEN_BYTES: usize = 16 << 20;

#[derive(Clone, Default)]
struct Open {
    last: i64,
    buf: Vec<u8>,
}

impl Default for GramBatch {
    fn default() -> Self {
        GramBatch {
            block: Vec::new(),
            block_start: 0,
            last_id: i64::MIN,
            starts: Vec::new(),
            next: Vec::new(),
            sorted: Vec::new(),
            open: Vec::new(),
            done: Vec::new(),
            done_bytes: 0,
            open_bytes: 0,
            late: Vec::new(),
            removed: Vec::new(),
            stored_below: i64::MAX,
        }
    }
}

impl GramBatch {
    /// Declares that no stored list holds an id at or above `id` (a first import, a rebuild,
    /// new accounts of an import): their rows are then written without being looked up.
    pub fn nothing_stored_from(&mut self, id: i64) {
        self.stored_below = id;
    }

    pub fn add(&mut self, gram: u16, id: i64) {
        if id < self.last_id {
            self.late.push((gram, id));
            return;
        }
        if id - self.block_start >= BLOCK_IDS || self.block.is_empty() {
            self.sort_block();
            self.block_start = id;
        }
        self.last_id = id;
        self.block
            .push((u32::from(gram) << 16) | (id - self.block_start) as u32);
    }

    pub fn remove(&mut self, gram: u16, id: i64) {
        self.removed.push((gram, id));
    }

    /// Sorts the block's postings by list (counting sort, stable: ids stay in order) and
    /// appends them to the open rows.
    fn sort_block(&mut self) {
        if self.block.is_empty() {
            return;
        }
        if self.open.is_empty() {
            self.open = vec![Open::default(); NGRAMS];
        }
        let (starts, next, sorted) = (&mut self.starts, &mut self.next, &mut self.sorted);
        starts.clear();
        starts.resize(NGRAMS + 1, 0);
        for &p in &self.block {
            starts[(p >> 16) as usize + 1] += 1;
        }
        for g in 1..starts.len() {
            starts[g] += starts[g - 1];
        }
        sorted.resize(self.block.len(), 0);
        next.clear();
        next.extend_from_slice(starts);
        for &p in &self.block {
            let g = (p >> 16) as usize;
            sorted[next[g] as usize] = p as u16;
            next[g] += 1;
        }
        self.block.clear();
        let (starts, sorted) = (&self.starts, &self.sorted);
        for g in 0..NGRAMS {
            let run = &sorted[starts[g] as usize..starts[g + 1] as usize];
            if run.is_empty() {
                continue;
            }
            let o = &mut self.open[g];
            // Bytes of this row already counted as open.
            let mut counted = o.buf.len();
            // Gaps within a block take 2 bytes at most; room for them at once.
            o.buf.reserve(2 * run.len() + 8);
            for &off in run {
                let id = self.block_start + i64::from(off);
                if id == o.last && !o.buf.is_empty() {
                    continue;
                }
                if o.buf.len() >= ROW_BYTES {
                    self.open_bytes -= counted;
                    counted = 0;
                    self.done_bytes += o.buf.len();
                    let full = std::mem::replace(&mut o.buf, Vec::with_capacity(ROW_BYTES + 8));
                    self.done.push((key(g as u16, o.last), full));
                }
                let gap = if o.buf.is_empty() { id } else { id - o.last };
                push_varint(&mut o.buf, gap as u64);
                o.last = id;
            }
            self.open_bytes += o.buf.len() - counted;
        }
    }

    /// Closes every open row: what is pending is written now, in whatever size it has.
    fn close_rows(&mut self) {
        self.sort_block();
        for (g, o) in self.open.iter_mut().enumerate() {
            if !o.buf.is_empty() {
                self.done_bytes += o.buf.len();
                self.done
                    .push((key(g as u16, o.last), std::mem::take(&mut o.buf)));
            }
        }
        self.open_bytes = 0;
    }

    /// Writes the complete rows (during a long import, to bound its memory).
    pub fn flush_finished(&mut self, conn: &Connection) -> Result<()> {
        let rows = self.take_finished();
        self.write(conn, rows, Vec::new())
    }

    /// Whether complete rows, or rows still open, hold enough to be written now.
    pub fn has_much(&self) -> bool {
        self.done_bytes > DONE_BYTES || self.open_bytes > OPEN_BYTES
    }

    /// The complete rows, for another thread to write (see `write_new`). Open rows holding
    /// more than `OPEN_BYTES` are closed first: a large import has a few more, smaller rows
    /// instead of keeping a list's ids in memory to its end.
    pub fn take_finished(&mut self) -> Vec<(i64, Vec<u8>)> {
        self.take_rows(OPEN_BYTES)
    }

    fn take_rows(&mut self, close_open_above: usize) -> Vec<(i64, Vec<u8>)> {
        if self.open_bytes > close_open_above {
            self.close_rows();
        }
        self.done_bytes = 0;
        std::mem::take(&mut self.done)
    }

    /// Every row: the additions are over. Only for a batch of additions.
    pub fn take_all(&mut self) -> Vec<(i64, Vec<u8>)> {
        debug_assert!(self.late.is_empty() && self.removed.is_empty());
        self.close_rows();
        self.done_bytes = 0;
        std::mem::take(&mut self.done)
    }

    /// Writes rows of ids no stored list holds yet (from a batch of a first import).
    pub fn write_new(conn: &Connection, mut rows: Vec<(i64, Vec<u8>)>) -> Result<()> {
        // In key order, the table's pages fill one after the other instead of splitting.
        rows.sort_unstable_by_key(|r| r.0);
        let mut insert =
            conn.prepare_cached("INSERT INTO search_grams (key, ids) VALUES (?1, ?2)")?;
        for (k, blob) in rows {
            insert.execute(params![k, blob])?;
        }
        Ok(())
    }

    /// Writes everything pending.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        self.close_rows();
        let rows = std::mem::take(&mut self.done);
        self.done_bytes = 0;
        let mut changes: Vec<(u16, i64, bool)> = Vec::new();
        changes.extend(self.late.drain(..).map(|(g, id)| (g, id, true)));
        changes.extend(self.removed.drain(..).map(|(g, id)| (g, id, false)));
        self.write(conn, rows, changes)?;
        // What was just written may be added to again: read before writing from now on.
        self.stored_below = i64::MAX;
        self.last_id = i64::MIN;
        Ok(())
    }

    fn write(
        &mut self,
        conn: &Connection,
        rows: Vec<(i64, Vec<u8>)>,
        mut changes: Vec<(u16, i64, bool)>,
    ) -> Result<()> {
        let mut db = gram_rows(conn)?;
        // In key order, the table's pages fill one after the other instead of splitting.
        let mut rows = rows;
        rows.sort_unstable_by_key(|r| r.0);
        for (k, blob) in rows {
            let (gram, _) = split_key(k);
            let mut first = None;
            decode_first(&blob, &mut first);
            if first.is_some_and(|f| f >= self.stored_below) {
                db.put(k, &blob)?;
            } else {
                decode(&blob, |id| changes.push((gram as u16, id, true)));
            }
        }
        if changes.is_empty() {
            return Ok(());
        }
        // By list and id; for one id, a removal before an addition (an edit that keeps a gram
        // removes and adds the same posting).
        changes.sort_unstable();
        let mut ids: Vec<i64> = Vec::new();
        let mut i = 0;
        while i < changes.len() {
            let (gram, id, _) = changes[i];
            let row = first_at_or_after(&mut db, gram, id)?;
            let end = row.as_ref().map_or(i64::MAX, |(k, _)| split_key(*k).1);
            let mut j = i;
            while j < changes.len() && changes[j].0 == gram && changes[j].1 <= end {
                j += 1;
            }
            ids.clear();
            if let Some((k, blob)) = &row {
                decode(blob, |id| ids.push(id));
                db.delete(*k)?;
            }
            for &(_, id, add) in &changes[i..j] {
                if add {
                    ids.push(id);
                } else {
                    ids.retain(|x| *x != id);
                }
            }
            ids.sort_unstable();
            ids.dedup();
            let mut buf = Vec::new();
            let mut last = 0;
            for &id in &ids {
                if buf.len() >= ROW_BYTES {
                    db.put(key(gram, last), &buf)?;
                    buf.clear();
                }
                let gap = if buf.is_empty() { id } else { id - last };
                push_varint(&mut buf, gap as u64);
                last = id;
            }
            if !buf.is_empty() {
                db.put(key(gram, last), &buf)?;
            }
            i = j;
        }
        Ok(())
    }
}

fn decode_first(blob: &[u8], first: &mut Option<i64>) {
    let mut pos = 0;
    *first = read_varint(blob, &mut pos).map(|v| v as i64);
}

/// Calls `f` with each id of a row, in order: the first, then the gaps. False if the row is
/// damaged (a cut varint, an id not above the previous one or beyond 2^40).
fn decode(blob: &[u8], mut f: impl FnMut(i64)) -> bool {
    let (mut pos, mut prev) = (0, -1i64);
    while pos < blob.len() {
        let Some(v) = read_varint(blob, &mut pos) else {
            return false;
        };
        let id = if prev < 0 {
            v as i64
        } else {
            prev.wrapping_add(v as i64)
        };
        if id <= prev || id >= 1 << ID_BITS {
            return false;
        }
        f(id);
        prev = id;
    }
    true
}

/// The rows of the lists, written in place.
fn gram_rows(conn: &Connection) -> Result<BlobTable<'_>> {
    BlobTable::new(
        conn,
        ["search_grams", "key", "ids"],
        "SELECT key, ids FROM search_grams WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT 1",
    )
}

/// The row of `gram`'s list that holds `id` if any does: the first whose last id is not below
/// it.
fn first_at_or_after(db: &mut BlobTable<'_>, gram: u16, id: i64) -> Result<Option<(i64, Vec<u8>)>> {
    db.look_up([key(gram, id), key(gram + 1, 0)], |r| r.try_into())
}

/// Appends the ids of `gram`'s list, in order.
pub fn read_ids(conn: &Connection, gram: u16, out: &mut Vec<i64>) -> Result<()> {
    let mut stmt = conn
        .prepare_cached("SELECT ids FROM search_grams WHERE key >= ?1 AND key < ?2 ORDER BY key")?;
    let mut rows = stmt.query([key(gram, 0), key(gram + 1, 0)])?;
    while let Some(r) = rows.next()? {
        decode(r.get_ref(0)?.as_blob()?, |id| out.push(id));
    }
    Ok(())
}

/// Size in bytes of `gram`'s list (about one byte per id for a common gram, two for a rare
/// one): which list to read first. `length` of a blob reads no overflow page.
pub fn size(conn: &Connection, gram: u16) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(sum(length(ids)), 0) FROM search_grams WHERE key >= ?1 AND key < ?2",
    )?;
    Ok(stmt.query_row([key(gram, 0), key(gram + 1, 0)], |r| r.get(0))?)
}

/// Keeps the ids of `ids` (sorted) that are in `gram`'s list, decoding only the rows that
/// could hold them: a few candidates never decode a list of a million ids.
pub fn retain_present(conn: &Connection, gram: u16, ids: &mut Vec<i64>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, ids FROM search_grams WHERE key >= ?1 AND key < ?2 ORDER BY key",
    )?;
    let mut rows = stmt.query([key(gram, 0), key(gram + 1, 0)])?;
    let mut kept = Vec::with_capacity(ids.len());
    let mut row_ids = Vec::new();
    let mut i = 0;
    while let Some(r) = rows.next()? {
        if i == ids.len() {
            break;
        }
        let last = split_key(r.get(0)?).1;
        let end = i + ids[i..].partition_point(|&id| id <= last);
        if end > i {
            row_ids.clear();
            decode(r.get_ref(1)?.as_blob()?, |id| row_ids.push(id));
            kept.extend(
                ids[i..end]
                    .iter()
                    .filter(|id| row_ids.binary_search(id).is_ok()),
            );
            i = end;
        }
    }
    *ids = kept;
    Ok(())
}

/// Calls `f(gram, id)` for every stored posting; false if a row is damaged (`check`): ids
/// not in order within a row or from one row to the next, or a key that is not its row's last
/// id.
pub fn for_each_posting(conn: &Connection, mut f: impl FnMut(u16, i64)) -> Result<bool> {
    let mut stmt = conn.prepare("SELECT key, ids FROM search_grams ORDER BY key")?;
    let mut rows = stmt.query([])?;
    let (mut prev_gram, mut prev_last) = (-1, -1);
    while let Some(r) = rows.next()? {
        let (gram, last) = split_key(r.get(0)?);
        let blob = r.get_ref(1)?.as_blob()?;
        if !(0..NGRAMS as i64).contains(&gram) || blob.is_empty() {
            return Ok(false);
        }
        if gram != prev_gram {
            prev_last = -1;
        }
        let (mut first, mut end) = (None, -1);
        let intact = decode(blob, |id| {
            first.get_or_insert(id);
            end = id;
            f(gram as u16, id);
        });
        if !intact || end != last || first.is_some_and(|id| id <= prev_last) {
            return Ok(false);
        }
        (prev_gram, prev_last) = (gram, last);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams_of(digits: &str) -> Vec<u16> {
        let mut v = Vec::new();
        phone_grams(digits.bytes(), |g| v.push(g));
        v
    }

    #[test]
    fn a_phone_has_its_4_digit_windows() {
        assert_eq!(grams_of("2746814"), [2746, 7468, 4681, 6814]);
        assert!(grams_of("112").is_empty());
    }

    #[test]
    fn fixed_fields_have_positioned_windows() {
        let mut v = Vec::new();
        fixed_grams(IDENTIFIANT, IDENTIFIANT_LEN, "8812311", |g| v.push(g));
        let at = |pos: u16, val: u16| IDENTIFIANT + 1000 * pos + val;
        assert_eq!(
            v,
            [at(0, 881), at(1, 812), at(2, 123), at(3, 231), at(4, 311)]
        );
        assert!(usize::from(DIGIT_NAMED) < NGRAMS);
    }

    #[test]
    fn rows_decode_and_damage_is_detected() {
        let mut blob = Vec::new();
        for v in [5u64, 1, 700, 65_535] {
            push_varint(&mut blob, v);
        }
        let mut back = Vec::new();
        assert!(decode(&blob, |id| back.push(id)));
        assert_eq!(back, [5, 6, 706, 66_241]);
        assert!(!decode(&[5, 0], |_| {}), "a repeated id");
        assert!(!decode(&[0x80], |_| {}), "a cut varint");
    }

    fn lists(conn: &Connection) -> Vec<(u16, i64)> {
        let mut v = Vec::new();
        assert!(for_each_posting(conn, |g, id| v.push((g, id))).unwrap());
        v
    }

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(include_str!("../store/schema_search_grams.sql"))
            .unwrap();
        c
    }

    fn row_count(c: &Connection) -> i64 {
        c.query_row("SELECT count(*) FROM search_grams", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn appended_late_and_removed_postings_all_land() {
        let c = db();
        let mut b = GramBatch::default();
        b.nothing_stored_from(0);
        for id in [1, 2, 70_000, 70_001, 200_000] {
            b.add(7, id);
            b.add(7, id);
        }
        b.flush_finished(&c).unwrap();
        b.flush(&c).unwrap();
        let mut got = Vec::new();
        read_ids(&c, 7, &mut got).unwrap();
        assert_eq!(got, [1, 2, 70_000, 70_001, 200_000]);

        let mut b = GramBatch::default();
        b.add(7, 300_000);
        b.add(7, 3);
        b.remove(7, 70_000);
        b.remove(9, 5);
        b.flush(&c).unwrap();
        let want: Vec<(u16, i64)> = [1, 2, 3, 70_001, 200_000, 300_000]
            .iter()
            .map(|&id| (7, id))
            .collect();
        assert_eq!(lists(&c), want);

        let mut ids = vec![2, 4, 70_001, 250_000];
        retain_present(&c, 7, &mut ids).unwrap();
        assert_eq!(ids, [2, 70_001]);
        assert!(size(&c, 7).unwrap() > 0);
        assert_eq!(size(&c, 8).unwrap(), 0);

        let mut b = GramBatch::default();
        for id in [1, 2, 3, 70_001, 200_000, 300_000] {
            b.remove(7, id);
        }
        b.flush(&c).unwrap();
        assert_eq!(row_count(&c), 0, "an emptied list leaves no row");
    }

    #[test]
    fn long_lists_are_cut_into_rows_that_edits_keep_in_order() {
        let c = db();
        let mut b = GramBatch::default();
        b.nothing_stored_from(0);
        for id in (1..=40_000).map(|i| i * 3) {
            b.add(HAS_DOMESTIC, id);
            if id % 1000 == 0 {
                b.add(5, id);
            }
        }
        GramBatch::write_new(&c, b.take_all()).unwrap();
        assert!(row_count(&c) > 5, "a list of 40,000 ids is cut");
        // Edits in the middle of a row, at the border of two, and beyond the end.
        let mut b = GramBatch::default();
        for id in [4, 30_001, 120_003, 500_000] {
            b.add(HAS_DOMESTIC, id);
        }
        for id in [3, 60_000, 120_000] {
            b.remove(HAS_DOMESTIC, id);
        }
        b.flush(&c).unwrap();
        let mut want: Vec<i64> = (1..=40_000).map(|i| i * 3).collect();
        want.extend([4, 30_001, 120_003, 500_000]);
        want.retain(|id| ![3, 60_000, 120_000].contains(id));
        want.sort_unstable();
        let got: Vec<i64> = lists(&c)
            .into_iter()
            .filter(|(g, _)| *g == HAS_DOMESTIC)
            .map(|(_, id)| id)
            .collect();
        assert_eq!(got, want);
        let mut probe = vec![4, 5, 60_000, 60_003, 500_000];
        retain_present(&c, HAS_DOMESTIC, &mut probe).unwrap();
        assert_eq!(probe, [4, 60_003, 500_000]);
    }

    #[test]
    fn rows_closed_early_by_a_large_import_follow_each_other() {
        let c = db();
        let mut b = GramBatch::default();
        b.nothing_stored_from(0);
        let mut want = Vec::new();
        for part in 0..3 {
            for id in (1..=5_000).map(|i| part * 5_000 + i) {
                b.add(9, id);
                if id % 3 == 0 {
                    b.add(HAS_DOMESTIC, id);
                    want.push((HAS_DOMESTIC, id));
                }
                want.push((9, id));
            }
            GramBatch::write_new(&c, b.take_rows(0)).unwrap();
        }
        GramBatch::write_new(&c, b.take_all()).unwrap();
        want.sort_unstable();
        assert_eq!(lists(&c), want);
    }
}
