//! The attempts of an account as its *Historique des appels* shows them: "why could he not
//! call?" answered with the decision of every question the telephony server asked.

use super::{format_granted, Refusal};
use crate::calls::history::Period;
use crate::error::Result;
use crate::page::Page;
use crate::store::shared::{in_period, Lite, Queries};
use crate::store::{Sql, Store};
use serde::Serialize;
use std::sync::LazyLock;

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

/// The attempts of an account in a period: `$1` the account, `$2`..`$3` the period. One text
/// for both stores.
const ATTEMPTS_WHERE: &str = concat!("account_id = $1 AND ", in_period!("at"));

/// An attempt's columns as both stores read them (see [`AttemptHistory::attempt_rows`]): id,
/// at, uniqueid, asked, number, key, decision, limit_ms, reserved, settled, expires_at.
pub type AttemptRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    String,
    i64,
    i64,
    bool,
    i64,
);

impl Attempt {
    fn from_row(r: AttemptRow, now: i64) -> Attempt {
        let (id, at, uniqueid, asked, number, key, code, limit_ms, reserved, settled, expires) = r;
        let label = match Refusal::from_code(&code) {
            Some(refusal) => format!("Refusé : {}", refusal.label()),
            None => format!("Autorisé : {} accordées", format_granted(limit_ms / 1000)),
        };
        Attempt {
            id,
            at,
            uniqueid,
            asked,
            number,
            key: key.and_then(|k| u8::try_from(k).ok()),
            open: code == "ok" && !settled && expires > now,
            code,
            label,
            limit_ms,
            reserved,
            settled,
        }
    }
}

/// How many attempts of the period, refused ones, calls in progress (`$4`: now).
static COUNTS: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "SELECT count(*), coalesce(sum(CASE WHEN decision <> 'ok' THEN 1 ELSE 0 END), 0),
            coalesce(sum(CASE WHEN decision = 'ok' AND settled_at IS NULL AND expires_at > $4
                         THEN 1 ELSE 0 END), 0)
         FROM call_attempts WHERE {ATTEMPTS_WHERE}"
    ))
});

/// A page of the period's attempts, newest first (`$4`: its size; `$5`: the last attempt shown,
/// below which it goes on, as the calls' history does).
static PAGE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "SELECT id, at, uniqueid, asked, number, key_index, decision, limit_ms, reserved,
                settled_at IS NOT NULL, coalesce(expires_at, 0)
         FROM call_attempts WHERE {ATTEMPTS_WHERE}
           AND NOT EXISTS (SELECT 1 FROM call_attempts shown WHERE shown.id = $5
                           AND (call_attempts.at, call_attempts.id) >= (shown.at, shown.id))
         ORDER BY at DESC, id DESC LIMIT $4"
    ))
});

/// The counts of [`COUNTS`], on either store.
pub(crate) fn attempt_counts(
    q: &mut impl Queries,
    account_id: i64,
    p: Period,
    now: i64,
) -> Result<[i64; 3]> {
    let (total, refused, open) = q.row(&COUNTS, &[&account_id, &p.depuis, &p.jusqua, &now])?;
    Ok([total, refused, open])
}

/// The rows of [`PAGE`], on either store.
pub(crate) fn attempt_rows(
    q: &mut impl Queries,
    id: i64,
    p: Period,
    page: Page,
) -> Result<Vec<AttemptRow>> {
    q.rows(
        &PAGE,
        &[&id, &p.depuis, &p.jusqua, &page.size(), &page.after],
    )
}

/// « Demandes d'appel »: what each store answers, and the page made of it once.
pub trait AttemptHistory {
    /// The counts of [`COUNTS`] for the account, the period and `now`.
    fn attempt_counts(&self, account_id: i64, period: Period, now: i64) -> Result<[i64; 3]>;

    /// The rows of [`PAGE`].
    fn attempt_rows(&self, id: i64, period: Period, page: Page) -> Result<Vec<AttemptRow>>;

    /// The newest attempts of an account first.
    fn attempts(&self, account_id: i64, limit: u32, now: i64) -> Result<Vec<Attempt>> {
        Ok(self
            .attempts_in(account_id, Period::default(), Page::first(limit), now)?
            .1)
    }

    /// The attempts of an account made in `period` (the same days as its calls' history),
    /// newest first, a page of them, with the counts of the whole period.
    fn attempts_in(
        &self,
        account_id: i64,
        period: Period,
        page: Page,
        now: i64,
    ) -> Result<(AttemptCounts, Vec<Attempt>)> {
        let [total, refused, open] = self.attempt_counts(account_id, period, now)?;
        let rows = self.attempt_rows(account_id, period, page)?;
        let counts = AttemptCounts {
            total: total as u64,
            refused: refused as u64,
            open: open as u64,
        };
        let attempts = rows.into_iter().map(|r| Attempt::from_row(r, now));
        Ok((counts, attempts.collect()))
    }
}

impl AttemptHistory for Store {
    fn attempt_counts(&self, account_id: i64, p: Period, now: i64) -> Result<[i64; 3]> {
        attempt_counts(&mut Lite(&self.conn), account_id, p, now)
    }

    fn attempt_rows(&self, id: i64, p: Period, page: Page) -> Result<Vec<AttemptRow>> {
        attempt_rows(&mut Lite(&self.conn), id, p, page)
    }
}

impl Store {
    /// What an account's calls in progress hold on its balance (minor units).
    pub fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64> {
        Ok(super::db::reservations(&mut Lite(&self.conn), account_id, now)?.0)
    }
}
