//! Position of every account in the order of an indexed sort column, kept in memory so that a
//! search with thousands of matches finds its page without reading the matching rows: "mo"
//! matches 50,000 "Mohamed" that all sit after 600,000 other names, and reading 50,000 rows to
//! sort them costs tens of milliseconds per keystroke, ranking them a fraction of one.

use super::accounts::SortKey;
use super::Store;
use crate::error::Result;
use std::sync::Arc;

/// The ranks of one sort column and the database state they were read at.
pub(crate) struct Ranks {
    key: (i64, u64),
    column: &'static str,
    /// `by_id[id]` is the position of account `id` in `ORDER BY column, id`; `u32::MAX` for an
    /// id no account has.
    by_id: Arc<Vec<u32>>,
    /// `by_rank[position]` is the id at that position: the same order read the other way.
    by_rank: Arc<Vec<u32>>,
}

/// What [`Store::ranks_state`] returns: a database state as one connection sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RanksState((i64, u64));

/// Ranks read by [`Store::read_default_ranks`], waiting for [`Store::adopt_ranks`].
pub struct PreparedRanks {
    column: &'static str,
    by_id: Vec<u32>,
    by_rank: Vec<u32>,
}

/// Both directions of one column's order.
pub(crate) struct Order {
    by_id: Arc<Vec<u32>>,
    by_rank: Arc<Vec<u32>>,
}

impl Store {
    /// Keeps sort ranks from now on. Worth it for a connection that serves many searches (the
    /// window); a one-shot command would spend more reading them than it saves.
    pub fn keep_sort_ranks(&self) {
        self.keep_ranks.set(true);
    }

    /// The ranks of `tri`'s column, read again after any write; `None` when the column has no
    /// index of its own or the ids are too sparse for a table indexed by id.
    fn ranks(&self, tri: SortKey) -> Result<Option<Order>> {
        if !self.keep_ranks.get() || !tri.indexed() {
            return Ok(None);
        }
        let column = tri.sql();
        let key = self.state_key()?;
        if let Some(r) = self.ranks_cache.borrow().as_ref() {
            if r.key == key && r.column == column {
                return Ok(Some(Order {
                    by_id: r.by_id.clone(),
                    by_rank: r.by_rank.clone(),
                }));
            }
        }
        let Some((by_id, by_rank)) = self.read_order(column)? else {
            return Ok(None);
        };
        let (by_id, by_rank) = (Arc::new(by_id), Arc::new(by_rank));
        *self.ranks_cache.borrow_mut() = Some(Ranks {
            key,
            column,
            by_id: by_id.clone(),
            by_rank: by_rank.clone(),
        });
        Ok(Some(Order { by_id, by_rank }))
    }

    /// Reads `column`'s order in both directions, from one snapshot of the table; `None` when
    /// the ids are too sparse for a table indexed by id.
    fn read_order(&self, column: &str) -> Result<Option<(Vec<u32>, Vec<u32>)>> {
        // One read transaction: an account added between the queries would not fit the arrays.
        let snapshot = if self.conn.is_autocommit() {
            Some(self.conn.unchecked_transaction()?)
        } else {
            None
        };
        // The kept count when it is current: after a write, the listing has just counted.
        let count = self.count_accounts()?;
        let max_id = self.max_account_id()?;
        if max_id as u64 > 4 * count + 1024 || max_id >= i64::from(u32::MAX) {
            return Ok(None);
        }
        let mut by_id = vec![u32::MAX; max_id as usize + 1];
        let mut by_rank = Vec::with_capacity(count as usize);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT id FROM accounts ORDER BY {column}, id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let Some(slot) = usize::try_from(id).ok().and_then(|i| by_id.get_mut(i)) else {
                return Ok(None);
            };
            *slot = by_rank.len() as u32;
            by_rank.push(id as u32);
        }
        drop(rows);
        drop(stmt);
        drop(snapshot);
        Ok(Some((by_id, by_rank)))
    }

    /// The state of this connection that ranks read on another one must match:
    /// take it before that read starts.
    pub fn ranks_state(&self) -> Result<RanksState> {
        Ok(RanksState(self.state_key()?))
    }

    /// Reads the ranks of the default sort, to hand them to another connection with
    /// [`Store::adopt_ranks`]: the window reads them on a connection of its own, so that its
    /// first keystrokes do not wait behind the read.
    pub fn read_default_ranks(&self) -> Result<Option<PreparedRanks>> {
        let column = SortKey::Nom.sql();
        Ok(self
            .read_order(column)?
            .map(|(by_id, by_rank)| PreparedRanks {
                column,
                by_id,
                by_rank,
            }))
    }

    /// Keeps ranks read on another connection if nothing was written, by any connection, since
    /// `state` was taken here; returns whether they were kept. Nothing written between `state`
    /// and now means the other connection read the same data.
    pub fn adopt_ranks(&self, ranks: PreparedRanks, state: RanksState) -> Result<bool> {
        if !self.keep_ranks.get() || self.state_key()? != state.0 {
            return Ok(false);
        }
        *self.ranks_cache.borrow_mut() = Some(Ranks {
            key: state.0,
            column: ranks.column,
            by_id: Arc::new(ranks.by_id),
            by_rank: Arc::new(ranks.by_rank),
        });
        Ok(true)
    }

    /// The ids of rows `offset..offset + limit` of the whole list in the order of `tri`, or
    /// `None` when `tri` has no ranks: a jump to the middle of a million accounts is a slice of
    /// the kept order instead of an OFFSET that steps over half a million index entries.
    pub(crate) fn page_of_all(
        &self,
        tri: SortKey,
        desc: bool,
        offset: u64,
        limit: u32,
    ) -> Result<Option<Vec<i64>>> {
        // Near the top, OFFSET is cheap and does not make a write's next listing read the ranks.
        if offset < 20_000 {
            return Ok(None);
        }
        let Some(order) = self.ranks(tri)? else {
            return Ok(None);
        };
        let n = order.by_rank.len();
        let start = offset.min(n as u64) as usize;
        let end = (start + limit as usize).min(n);
        let ids = if desc {
            order.by_rank[n - end..n - start]
                .iter()
                .rev()
                .map(|&id| i64::from(id))
                .collect()
        } else {
            order.by_rank[start..end]
                .iter()
                .map(|&id| i64::from(id))
                .collect()
        };
        Ok(Some(ids))
    }

    /// The ids of rows `offset..offset + limit` of `ids` in the order of `tri` (descending when
    /// `desc`), or `None` when `tri` has no ranks.
    pub(crate) fn page_by_rank(
        &self,
        ids: &[i64],
        tri: SortKey,
        desc: bool,
        offset: u64,
        limit: u32,
    ) -> Result<Option<Vec<i64>>> {
        let Some(order) = self.ranks(tri)? else {
            return Ok(None);
        };
        let wanted = offset.saturating_add(u64::from(limit));
        // Matches that are a large share of the accounts ("2": seven in ten) fill the page
        // within a few hundred positions of the order: walking it is cheaper than ranking them.
        if ids.len() as u64 * 8 >= order.by_rank.len() as u64 {
            return Ok(walk_order(&order, ids, desc, offset, wanted));
        }
        let ranks = &order.by_id;
        let mut keyed = Vec::with_capacity(ids.len());
        for &id in ids {
            match ranks.get(id as usize) {
                Some(&r) if r != u32::MAX => {
                    keyed.push((if desc { u32::MAX - 1 - r } else { r }, id))
                }
                _ => return Ok(None),
            }
        }
        let end = wanted.min(keyed.len() as u64) as usize;
        let start = (offset as usize).min(end);
        if end < keyed.len() {
            keyed.select_nth_unstable(end);
            keyed.truncate(end);
        }
        keyed.sort_unstable();
        Ok(Some(keyed[start..].iter().map(|&(_, id)| id).collect()))
    }
}

/// Positions `offset..wanted` of the matches `ids` (sorted), found by walking the order and
/// keeping the matches; `None` if a match is missing from the order (read before a write).
fn walk_order(
    order: &Order,
    ids: &[i64],
    desc: bool,
    offset: u64,
    wanted: u64,
) -> Option<Vec<i64>> {
    let mut member = vec![0u64; order.by_id.len().div_ceil(64)];
    for &id in ids {
        let i = usize::try_from(id)
            .ok()
            .filter(|&i| i < order.by_id.len())?;
        if order.by_id[i] == u32::MAX {
            return None;
        }
        member[i / 64] |= 1 << (i % 64);
    }
    let is_match = |id: &u32| member[*id as usize / 64] & (1 << (*id as usize % 64)) != 0;
    let take = wanted.saturating_sub(offset) as usize;
    let skip = offset.min(usize::MAX as u64) as usize;
    let page = if desc {
        let m = order.by_rank.iter().rev().filter(|id| is_match(id));
        m.skip(skip).take(take).map(|&id| i64::from(id)).collect()
    } else {
        let m = order.by_rank.iter().filter(|id| is_match(id));
        m.skip(skip).take(take).map(|&id| i64::from(id)).collect()
    };
    Some(page)
}
