//! Evaluation of a search query: every term must match (AND); a term matches the beginning of a
//! word of the name, of the matricule, of the identifiant, or of a phone number (national part,
//! or the whole number however it is written).

use super::index::{bucket_len, bucket_of};
use super::postings;
use crate::domain::phone::{compact_number, national_digits, CountryCode};
use crate::error::Result;
use crate::text::{fold, words};
use rusqlite::Connection;

/// Ids (sorted) of the accounts matching `query`; `None` when the query is blank (no filter).
/// A term every account matches ("1" when every matricule starts with 1) filters nothing, so
/// a query made only of such terms is answered like a blank one.
pub fn matching_ids(conn: &Connection, query: &str, cc: &CountryCode) -> Result<Option<Vec<i64>>> {
    let mut result: Option<Vec<i64>> = None;
    for term in terms(query) {
        if matches_every_account(conn, &term)? {
            continue;
        }
        let ids = term_ids(conn, &term, cc)?;
        result = Some(match result {
            None => ids,
            Some(prev) => intersect(&prev, &ids),
        });
        if result.as_ref().is_some_and(|r| r.is_empty()) {
            break;
        }
    }
    Ok(result)
}

/// Whitespace-separated terms, with adjacent number pieces joined: `+216 41 527 589` is one
/// phone number, not four terms.
fn terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev_number = false;
    for t in query.split_whitespace() {
        let number = compact_number(t).is_some();
        match out.last_mut() {
            Some(last) if number && prev_number => last.push_str(t),
            _ => out.push(t.to_string()),
        }
        prev_number = number;
    }
    out
}

fn term_ids(conn: &Connection, term: &str, cc: &CountryCode) -> Result<Vec<i64>> {
    if let Some(number) = compact_number(term) {
        return number_ids(conn, &number, cc);
    }
    let folded = fold(term);
    let mut result: Option<Vec<i64>> = None;
    for w in words(&folded) {
        let mut ids = Vec::new();
        prefix_ids(conn, w, &mut ids)?;
        normalize(&mut ids);
        result = Some(match result {
            None => ids,
            Some(prev) => intersect(&prev, &ids),
        });
    }
    Ok(result.unwrap_or_default())
}

/// A term made of digits (with `+`, `00` or separators): matricule, identifiant or phone.
fn number_ids(conn: &Connection, number: &str, cc: &CountryCode) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    let plain = !number.starts_with('+');
    if plain {
        code_prefix(conn, "matricule", number, 14, &mut ids)?;
        code_prefix(conn, "identifiant", number, 7, &mut ids)?;
    }
    // As typed, as its national part (`+216 2746…`, `00216 2746…`), and without the country code
    // when it was typed without `+` (`216 2746…`).
    let mut forms = vec![if plain && !number.starts_with("00") {
        number.to_string()
    } else {
        national_digits(number, cc).to_string()
    }];
    if let Some(rest) = number
        .strip_prefix(cc.as_str())
        .filter(|r| plain && !r.is_empty())
    {
        forms.push(rest.to_string());
    }
    if let Some(rest) = number.strip_prefix("00").filter(|r| !r.is_empty()) {
        forms.push(rest.to_string());
    }
    forms.sort();
    forms.dedup();
    for f in &forms {
        prefix_ids(conn, f, &mut ids)?;
    }
    normalize(&mut ids);
    Ok(ids)
}

/// Whether every account's matricule (or every identifiant) starts with `term`: the values
/// starting with a prefix are one interval of the sorted index, so the smallest and the largest
/// tell (two index look-ups instead of reading a million entries).
fn matches_every_account(conn: &Connection, term: &str) -> Result<bool> {
    if term.is_empty() || !term.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    for column in ["matricule", "identifiant"] {
        let end = |f: &str| -> Result<Option<String>> {
            let sql = format!("SELECT {f}({column}) FROM accounts");
            Ok(conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))?)
        };
        if let (Some(lo), Some(hi)) = (end("min")?, end("max")?) {
            if lo.starts_with(term) && hi.starts_with(term) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Accounts whose `column` (a UNIQUE text of `len` digits) starts with `prefix`.
fn code_prefix(
    conn: &Connection,
    column: &str,
    prefix: &str,
    len: usize,
    ids: &mut Vec<i64>,
) -> Result<()> {
    if prefix.len() > len {
        return Ok(());
    }
    // ':' sorts right after '9': [prefix, prefix:) is every text starting with prefix.
    let sql = format!("SELECT id FROM accounts WHERE {column} >= ?1 AND {column} < ?1 || ':'");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([prefix], |r| r.get::<_, i64>(0))?;
    for id in rows {
        ids.push(id?);
    }
    Ok(())
}

/// Accounts having an indexed token that starts with `prefix`.
pub fn prefix_ids(conn: &Connection, prefix: &str, ids: &mut Vec<i64>) -> Result<()> {
    let p = prefix.as_bytes();
    // Tokens start with their bucket's name: when the prefix is no longer than that name, every
    // token of the buckets read matches.
    let whole_buckets = prefix.chars().count() <= bucket_len(prefix);
    let mut scan = |bucket: &str, blob: &[u8]| {
        if whole_buckets {
            postings::for_each_id(bucket.as_bytes(), blob, |id| ids.push(id));
        } else {
            postings::for_each(bucket.as_bytes(), blob, |t, id| {
                if t.starts_with(p) {
                    ids.push(id);
                }
            });
        }
    };
    if prefix.chars().count() >= bucket_len(prefix) {
        let bucket = bucket_of(prefix);
        let mut stmt =
            conn.prepare_cached("SELECT postings FROM search_buckets WHERE bucket = ?1")?;
        let mut rows = stmt.query([bucket])?;
        while let Some(r) = rows.next()? {
            scan(bucket, r.get_ref(0)?.as_blob()?);
        }
    } else {
        let mut stmt = conn.prepare_cached(
            "SELECT bucket, postings FROM search_buckets WHERE bucket >= ?1 ORDER BY bucket",
        )?;
        let mut rows = stmt.query([prefix])?;
        while let Some(r) = rows.next()? {
            let bucket = r.get_ref(0)?.as_str()?;
            if !bucket.starts_with(prefix) {
                break;
            }
            scan(bucket, r.get_ref(1)?.as_blob()?);
        }
    }
    Ok(())
}

/// Sorts and dedups. A short prefix ("1") gathers a million ids or more: setting bits in a
/// bitmap of the id range and reading them back in order is several times cheaper than sorting.
fn normalize(ids: &mut Vec<i64>) {
    const BITMAP_FROM: usize = 1 << 16;
    let (min, max) = match (ids.iter().min(), ids.iter().max()) {
        (Some(&min), Some(&max)) => (min, max),
        _ => return,
    };
    let span = (max - min) as u64 + 1;
    // Rowids of one table are dense; fall back to sorting if they are not.
    if ids.len() < BITMAP_FROM || span > 64 * ids.len() as u64 {
        ids.sort_unstable();
        ids.dedup();
        return;
    }
    let mut bits = vec![0u64; span.div_ceil(64) as usize];
    for &id in ids.iter() {
        let i = (id - min) as usize;
        bits[i / 64] |= 1 << (i % 64);
    }
    ids.clear();
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let b = word.trailing_zeros() as i64;
            ids.push(min + w as i64 * 64 + b);
            word &= word - 1;
        }
    }
}

fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_pieces_are_one_term() {
        assert_eq!(terms("+216 41 527 589"), ["+21641527589"]);
        assert_eq!(terms("ben  ali 2746"), ["ben", "ali", "2746"]);
        assert_eq!(terms("27 46 hedi 12"), ["2746", "hedi", "12"]);
    }

    #[test]
    fn large_id_lists_come_out_sorted_and_unique_like_small_ones() {
        let mut big: Vec<i64> = (0..200_000i64).map(|i| (i * 7919) % 150_000 + 3).collect();
        let mut expected = big.clone();
        expected.sort_unstable();
        expected.dedup();
        normalize(&mut big);
        assert_eq!(big, expected);
        let mut sparse: Vec<i64> = (0..70_000i64).map(|i| i * 1_000 - 5).rev().collect();
        let mut expected = sparse.clone();
        expected.sort_unstable();
        normalize(&mut sparse);
        assert_eq!(sparse, expected);
        let mut empty = Vec::new();
        normalize(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn intersection_of_sorted_ids() {
        assert_eq!(intersect(&[1, 3, 5, 7], &[2, 3, 7, 9]), [3, 7]);
        assert!(intersect(&[], &[1]).is_empty());
    }
}
