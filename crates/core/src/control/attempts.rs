//! The attempts of an account as its *Historique des appels* shows them: "why could he not
//! call?" answered with the decision of every question the telephony server asked.

use super::{format_granted, Refusal};
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

impl Store {
    /// The newest attempts of an account first.
    pub fn attempts(&self, account_id: i64, limit: u32, now: i64) -> Result<Vec<Attempt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, uniqueid, asked, number, key_index, decision, limit_ms, reserved,
                    settled_at IS NOT NULL, coalesce(expires_at, 0)
             FROM call_attempts WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![account_id, limit.min(crate::store::accounts::MAX_PAGE)],
            |r| {
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
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What an account's calls in progress hold on its balance (minor units).
    pub fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(reserved), 0) FROM call_attempts
             WHERE account_id = ?1 AND decision = 'ok' AND settled_at IS NULL AND expires_at > ?2",
            )?
            .query_row(params![account_id, now], |r| r.get(0))?)
    }
}
