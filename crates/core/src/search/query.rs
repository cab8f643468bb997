//! Evaluation of a search query: every term must match (AND). A term of 3 characters or more
//! matches anywhere inside a word of the name, the matricule, the identifiant, or a phone
//! number in any of its written forms (`27468145`, `21627468145`, `+21627468145`,
//! `0021627468145`); a shorter one matches the beginning of a word or number, as typed or as
//! its national part.

use super::grams::{self, IDENTIFIANT, IDENTIFIANT_LEN, MATRICULE, MATRICULE_LEN};
use super::index::{bucket_len, bucket_of, BUCKET_POSTINGS};
use super::{postings, words, INFIX_MIN};
use crate::domain::phone::{compact_number, international_parts, phone_digits, CountryCode};
use crate::error::Result;
use crate::text::{fold, words as text_words};
use rusqlite::Connection;
use std::rc::Rc;

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
pub(crate) fn terms(query: &str) -> Vec<String> {
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
    for w in text_words(&folded) {
        let ids = if w.bytes().all(|b| b.is_ascii_digit()) {
            number_ids(conn, w, cc)?
        } else {
            let mut ids = Vec::new();
            if w.chars().count() < INFIX_MIN {
                prefix_ids(conn, w, &mut ids)?;
            } else {
                name_part_ids(conn, w, &mut ids)?;
            }
            normalize(&mut ids);
            ids
        };
        result = Some(match result {
            None => ids,
            Some(prev) => intersect(&prev, &ids),
        });
        if result.as_ref().is_some_and(|r| r.is_empty()) {
            break;
        }
    }
    Ok(result.unwrap_or_default())
}

/// Accounts with a name word containing `part`: the words from the vocabulary, then their
/// postings from the buckets (words sharing a bucket read it once).
fn name_part_ids(conn: &Connection, part: &str, ids: &mut Vec<i64>) -> Result<()> {
    let found = words::containing(conn, part)?;
    let mut stmt = conn.prepare_cached(BUCKET_POSTINGS)?;
    let mut i = 0;
    while i < found.len() {
        let bucket = bucket_of(&found[i]);
        // Sorted words sharing their first characters are neighbours.
        let end = i + found[i..].partition_point(|w| bucket_of(w) == bucket);
        let group: Vec<&[u8]> = found[i..end].iter().map(|w| w.as_bytes()).collect();
        let mut rows = stmt.query([bucket])?;
        while let Some(r) = rows.next()? {
            postings::for_each(bucket.as_bytes(), r.get_ref(0)?.as_blob()?, |t, id| {
                if group.binary_search(&t).is_ok() {
                    ids.push(id);
                }
            });
        }
        i = end;
    }
    Ok(())
}

/// A term made of digits (with `+`, `00` or separators): matricule, identifiant or phone.
fn number_ids(conn: &Connection, number: &str, cc: &CountryCode) -> Result<Vec<i64>> {
    let digits = number.strip_prefix('+').unwrap_or(number);
    if digits.len() >= INFIX_MIN {
        return digit_run_ids(conn, digits, cc);
    }
    let mut ids = Vec::new();
    let plain = !number.starts_with('+');
    if plain {
        code_prefix(conn, "matricule", number, MATRICULE_LEN, &mut ids)?;
        code_prefix(conn, "identifiant", number, IDENTIFIANT_LEN, &mut ids)?;
    }
    if number == "00" {
        // Every number can be written with `00`: one list each for the numbers of the country
        // and the others, instead of every token of the buckets.
        grams::read_ids(conn, grams::HAS_DOMESTIC, &mut ids)?;
        grams::read_ids(conn, grams::HAS_FOREIGN, &mut ids)?;
        normalize(&mut ids);
        return Ok(ids);
    }
    // As typed, as its national part (`+216 2746…`, `00216 2746…`), and without the country code
    // when it was typed without `+` (`216 2746…`).
    let mut forms = vec![if plain && !number.starts_with("00") {
        number.to_string()
    } else {
        phone_digits(number, cc).digits().to_string()
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
        // Foreign numbers are indexed after a `+` (see `index::for_each_token`).
        if !f.is_empty() {
            prefix_ids(conn, &format!("+{f}"), &mut ids)?;
        }
    }
    normalize(&mut ids);
    Ok(ids)
}

/// Accounts where the digits `q` (3 or more) occur: inside the matricule, the identifiant, a
/// name word, or a written form of a phone number. Most of the answer comes exact from the
/// indexes; for 5 digits or more inside a phone number, the lists of its 4-digit windows give
/// candidates, and the few that are not already known matches are checked against their
/// numbers.
fn digit_run_ids(conn: &Connection, q: &str, cc: &CountryCode) -> Result<Vec<i64>> {
    let mut exact = Vec::new();
    let mut unsure = Vec::new();
    name_part_ids(conn, q, &mut exact)?;
    fixed_field_ids(conn, MATRICULE, MATRICULE_LEN, q, &mut exact)?;
    fixed_field_ids(conn, IDENTIFIANT, IDENTIFIANT_LEN, q, &mut exact)?;
    across_country_code(conn, q, cc, &mut exact, &mut unsure)?;
    // Numbers starting with the run, and foreign ones after their `00` or `0` (typed from
    // their beginning, the usual case for a long run; a whole 3-digit number has no window).
    prefix_ids(conn, q, &mut exact)?;
    for k in 0..=2 {
        if q.len() > k && q.starts_with(&"00"[2 - k..]) {
            prefix_ids(conn, &format!("+{}", &q[k..]), &mut exact)?;
        }
    }
    let b = q.as_bytes();
    match b.len() {
        // A 3-digit run begins or ends a 4-digit window, or is a whole number.
        3 => {
            let v = grams::value(b).unwrap_or_default();
            for d in 0..10 {
                grams::read_ids(conn, grams::PHONE4 + v * 10 + d, &mut exact)?;
                grams::read_ids(conn, grams::PHONE4 + d * 1000 + v, &mut exact)?;
            }
        }
        4 => grams::read_ids(
            conn,
            grams::PHONE4 + grams::value(b).unwrap_or_default(),
            &mut exact,
        )?,
        _ => phone_candidates(conn, q, &mut unsure)?,
    }
    normalize(&mut exact);
    normalize(&mut unsure);
    unsure.retain(|id| exact.binary_search(id).is_err());
    if !unsure.is_empty() {
        confirm_in_phones(conn, q, cc, &mut unsure)?;
        exact.extend(unsure);
        normalize(&mut exact);
    }
    Ok(exact)
}

/// Accounts whose matricule (or identifiant: `base`, `len`) holds `q`: for each place `q` can
/// sit, the intersection of the lists of its 3-digit windows at those positions, the smallest
/// list first. Exact: one field per account, and the windows cover `q`.
fn fixed_field_ids(
    conn: &Connection,
    base: u16,
    len: usize,
    q: &str,
    out: &mut Vec<i64>,
) -> Result<()> {
    let b = q.as_bytes();
    if b.len() > len {
        return Ok(());
    }
    let mut tiles: Vec<usize> = (0..=b.len() - 3).step_by(3).collect();
    if tiles.last() != Some(&(b.len() - 3)) {
        tiles.push(b.len() - 3);
    }
    let mut ids = Vec::new();
    for start in 0..=len - b.len() {
        let lists: Vec<u16> = tiles
            .iter()
            .map(|&t| base + 1000 * (start + t) as u16 + grams::value(&b[t..t + 3]).unwrap_or(0))
            .collect();
        if let [only] = lists[..] {
            grams::read_ids(conn, only, out)?;
            continue;
        }
        intersect_lists(conn, &lists, &mut ids)?;
        out.append(&mut ids);
    }
    Ok(())
}

/// Ids present in every list of `lists`: the smallest is read, the others only where they
/// could hold one of its ids.
fn intersect_lists(conn: &Connection, lists: &[u16], ids: &mut Vec<i64>) -> Result<()> {
    let mut sized = Vec::with_capacity(lists.len());
    for &g in lists {
        let n = grams::size(conn, g)?;
        if n == 0 {
            return Ok(());
        }
        sized.push((n, g));
    }
    sized.sort_unstable();
    sized.dedup_by_key(|s| s.1);
    grams::read_ids(conn, sized[0].1, ids)?;
    for &(_, g) in &sized[1..] {
        if ids.is_empty() {
            break;
        }
        grams::retain_present(conn, g, ids)?;
    }
    Ok(())
}

/// Accounts having every 4-digit window of `q` (5 digits or more) in their phone numbers.
fn phone_candidates(conn: &Connection, q: &str, out: &mut Vec<i64>) -> Result<()> {
    let lists: Vec<u16> = q
        .as_bytes()
        .windows(4)
        .filter_map(grams::value)
        .map(|v| grams::PHONE4 + v)
        .collect();
    let mut found = Vec::new();
    intersect_lists(conn, &lists, &mut found)?;
    out.append(&mut found);
    Ok(())
}

/// Numbers of the country are indexed by their national digits only; a run reaching into the
/// international prefix (`00216` for 216) is the prefix's end followed by the beginning of the
/// national digits (`16274` = `…16` + `274…`), or lies inside the prefix (`002`): every
/// account with a number of the country.
fn across_country_code(
    conn: &Connection,
    q: &str,
    cc: &CountryCode,
    exact: &mut Vec<i64>,
    unsure: &mut Vec<i64>,
) -> Result<()> {
    let intl = format!("00{}", cc.as_str());
    if intl.contains(q) {
        grams::read_ids(conn, grams::HAS_DOMESTIC, exact)?;
    }
    let mut digit_named: Option<Vec<i64>> = None;
    for k in 1..=intl.len() {
        if q.len() <= k || !q.starts_with(&intl[intl.len() - k..]) {
            continue;
        }
        // Digit prefixes in the buckets are national numbers, or (rarely) name words starting
        // with a digit: those accounts are checked.
        let mut found = Vec::new();
        prefix_ids(conn, &q[k..], &mut found)?;
        if digit_named.is_none() {
            let mut v = Vec::new();
            grams::read_ids(conn, grams::DIGIT_NAMED, &mut v)?;
            digit_named = Some(v);
        }
        let named = digit_named.as_deref().unwrap_or_default();
        if named.is_empty() {
            exact.append(&mut found);
        } else {
            for id in found {
                if named.binary_search(&id).is_ok() {
                    unsure.push(id);
                } else {
                    exact.push(id);
                }
            }
        }
    }
    Ok(())
}

/// Keeps the accounts (sorted ids) having a phone number in which `q` occurs, written with
/// `00` and its international digits: every written form of a number is inside that one.
fn confirm_in_phones(
    conn: &Connection,
    q: &str,
    cc: &CountryCode,
    ids: &mut Vec<i64>,
) -> Result<()> {
    rusqlite::vtab::array::load_module(conn)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, {} FROM accounts WHERE id IN rarray(?1)",
        *crate::store::columns::PHONE_LIST
    ))?;
    let list: Vec<rusqlite::types::Value> = ids.iter().map(|&id| id.into()).collect();
    let mut rows = stmt.query([Rc::new(list)])?;
    let mut kept = Vec::new();
    let mut written = String::new();
    while let Some(r) = rows.next()? {
        for i in 1..=10 {
            let Some(p) = r.get_ref(i)?.as_str_or_null()? else {
                continue;
            };
            let (a, b) = international_parts(p, cc);
            written.clear();
            written.push_str("00");
            written.push_str(a);
            written.push_str(b);
            if written.contains(q) {
                kept.push(r.get(0)?);
                break;
            }
        }
    }
    kept.sort_unstable();
    *ids = kept;
    Ok(())
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
        let mut stmt = conn.prepare_cached(BUCKET_POSTINGS)?;
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
