//! The attempts of an account as its *Historique des appels* shows them: "why could he not
//! call?" answered with the decision of every question the telephony server asked.

use super::{format_granted, Refusal};
use crate::calls::history::Period;
use crate::error::Result;
use crate::store::Store;
use rusqlite::params;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub id: i64,
    /// Seconds since 1970-01-01 UTC.
    pub at: i64,
    pub uniqueid: String,
    /// Key or number as asked.
    pub asked: String,
    /// International form, '' when the request named no number.
    pub number: String,
    pub key: Option<u8>,
    /// `ok` or the refusal's code.
    pub code: String,
    /// « Autorisé : 11 min 06 s accordées », « Refusé : solde insuffisant ».
    pub label: String,
    pub limit_ms: i64,
    pub reserved: i64,
    /// The hold still counts (authorized, not billed, not expired).
    pub open: bool,
    pub settled: bool,
}

/// How many attempts of an account a period holds, whatever page of them is shown: the window
/// says « 2 refusées » and « 1 en cours » before anyone scrolls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AttemptCounts {
    pub total: u64,
    pub refused: u64,
    /// Authorized, not billed, not expired: a call in progress.
    pub open: u64,
}

const ATTEMPTS_WHERE: &str =
    "account_id = ?1 AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)";

fn attempt(r: &rusqlite::Row<'_>, now: i64) -> rusqlite::Result<Attempt> {
    let code: String = r.get(6)?;
    let limit_ms: i64 = r.get(7)?;
    let settled: bool = r.get(9)?;
    let expires: i64 = r.get(10)?;
    let label = match Refusal::from_code(&code) {
        Some(refusal) => format!("Refusé : {}", refusal.label()),
        None => format!("Autorisé : {} accordées", format_granted(limit_ms / 1000)),
    };
    Ok(Attempt {
        id: r.get(0)?,
        at: r.get(1)?,
        uniqueid: r.get(2)?,
        asked: r.get(3)?,
        number: r.get(4)?,
        key: r.get(5)?,
        open: code == "ok" && !settled && expires > now,
        code,
        label,
        limit_ms,
        reserved: r.get(8)?,
        settled,
    })
}

impl Store {
    /// The newest attempts of an account first.
    pub fn attempts(&self, account_id: i64, limit: u32, now: i64) -> Result<Vec<Attempt>> {
        Ok(self
            .attempts_in(account_id, Period::default(), limit, 0, now)?
            .1)
    }

    /// The attempts of an account made in `period` (the same days as its calls' history),
    /// newest first, a page of them, with the counts of the whole period.
    pub fn attempts_in(
        &self,
        account_id: i64,
        period: Period,
        limit: u32,
        offset: u64,
        now: i64,
    ) -> Result<(AttemptCounts, Vec<Attempt>)> {
        let (total, refused, open): (i64, i64, i64) = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*), coalesce(sum(decision <> 'ok'), 0),
                    coalesce(sum(decision = 'ok' AND settled_at IS NULL AND expires_at > ?4), 0)
             FROM call_attempts WHERE {ATTEMPTS_WHERE}"
            ))?
            .query_row(
                params![account_id, period.depuis, period.jusqua, now],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, at, uniqueid, asked, number, key_index, decision, limit_ms, reserved,
                    settled_at IS NOT NULL, coalesce(expires_at, 0)
             FROM call_attempts WHERE {ATTEMPTS_WHERE}
             ORDER BY at DESC, id DESC LIMIT ?4 OFFSET ?5"
        ))?;
        let rows = stmt.query_map(
            params![
                account_id,
                period.depuis,
                period.jusqua,
                limit.min(crate::store::accounts::MAX_PAGE),
                offset.min(i64::MAX as u64) as i64
            ],
            |r| attempt(r, now),
        )?;
        let counts = AttemptCounts {
            total: total as u64,
            refused: refused as u64,
            open: open as u64,
        };
        Ok((counts, rows.collect::<rusqlite::Result<_>>()?))
    }

    /// What an account's calls in progress hold on its balance (minor units).
    pub fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(reserved), 0) FROM call_holds
                 WHERE account_id = ?1 AND expires_at > ?2",
            )?
            .query_row(params![account_id, now], |r| r.get(0))?)
    }
}
