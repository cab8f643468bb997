//! Vocabulary of name words, for a search by any part of a name.
//!
//! A site has a few tens of thousands of distinct words for a million accounts, so the table
//! holds each distinct (folded, clamped) word once with its endings of 3 characters or more;
//! a fragment finds the words containing it by one range read of the endings, then their
//! accounts from the buckets (exact postings). An import only collects the new distinct words
//! of its batch in memory. Words are never removed one by one (another account may still use
//! them): a stale word leads to no account, and a rebuild starts the table afresh.

use super::INFIX_MIN;
use crate::error::Result;
use rusqlite::{params, Connection};
use rustc_hash::FxHashSet;

/// Endings of `word` long enough to be searched for, the word itself first.
pub fn suffixes(word: &str) -> impl Iterator<Item = &str> {
    let n = word.chars().count();
    word.char_indices()
        .take(n.saturating_sub(INFIX_MIN - 1))
        .map(move |(i, _)| &word[i..])
}

/// New words to write into the vocabulary.
#[derive(Default)]
pub struct WordBatch {
    /// Every word added, written or not: most names repeat words already seen.
    seen: FxHashSet<Box<str>>,
    pending: Vec<Box<str>>,
}

impl WordBatch {
    pub fn add(&mut self, word: &str) {
        if word.chars().nth(INFIX_MIN - 1).is_none() || self.seen.contains(word) {
            return;
        }
        self.seen.insert(word.into());
        self.pending.push(word.into());
    }

    /// The words collected and not written yet, for another thread to write.
    pub fn take_pending(&mut self) -> Vec<Box<str>> {
        std::mem::take(&mut self.pending)
    }

    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let words = std::mem::take(&mut self.pending);
        let mut rows: Vec<(&str, &str)> = words
            .iter()
            .flat_map(|w| suffixes(w).map(move |s| (s, &**w)))
            .collect();
        // In key order: the B-tree fills at its right edge instead of at random places.
        rows.sort_unstable();
        let mut stmt = conn
            .prepare_cached("INSERT OR IGNORE INTO search_words (suffix, word) VALUES (?1, ?2)")?;
        for (s, w) in rows {
            stmt.execute(params![s, w])?;
        }
        Ok(())
    }
}

/// Distinct words of the vocabulary containing `fragment`, sorted.
pub fn containing(conn: &Connection, fragment: &str) -> Result<Vec<String>> {
    // Words are runs of letters and digits: none holds U+10FFFF, so every ending that starts
    // with the fragment sorts below the fragment followed by it.
    let end = format!("{fragment}\u{10FFFF}");
    let mut stmt =
        conn.prepare_cached("SELECT word FROM search_words WHERE suffix >= ?1 AND suffix < ?2")?;
    let mut out = stmt
        .query_map(params![fragment, end], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_of_three_characters_or_more() {
        assert_eq!(
            suffixes("hédia").collect::<Vec<_>>(),
            ["hédia", "édia", "dia"]
        );
        assert_eq!(suffixes("ali").collect::<Vec<_>>(), ["ali"]);
        assert_eq!(suffixes("al").count(), 0);
    }

    #[test]
    fn words_are_found_by_any_part_of_three_characters_or_more() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(include_str!("../store/schema_search_grams.sql"))
            .unwrap();
        let mut b = WordBatch::default();
        for w in ["mohamed", "hammami", "ahmed", "mohamed", "al"] {
            b.add(w);
        }
        b.flush(&c).unwrap();
        b.add("ahmed");
        b.flush(&c).unwrap();
        assert_eq!(containing(&c, "ham").unwrap(), ["hammami", "mohamed"]);
        assert_eq!(containing(&c, "med").unwrap(), ["ahmed", "mohamed"]);
        assert_eq!(containing(&c, "mohamed").unwrap(), ["mohamed"]);
        assert!(containing(&c, "xyz").unwrap().is_empty());
        let rows: i64 = c
            .query_row("SELECT count(*) FROM search_words", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 5 + 5 + 3, "each ending once, short words left out");
    }
}
