//! What a decision reads and writes, written once per store: the decisions themselves
//! (`decide.rs`) are the same code on the desk's SQLite file and on a site's PostgreSQL
//! (`site/control.rs`). Every method runs inside the caller's transaction.

use super::{Authorized, FinishRequest, Refusal};
use crate::calls::db::CALL_ID_OF;
use crate::calls::rate::hash64;
use crate::calls::{CallRow, CallsTable};
use crate::domain::codes::IDENTIFIANT_DIGITS;
use crate::domain::Account;
use crate::error::{Error, Result};
use crate::rating::Tariff;
use crate::store::columns::ACCOUNT;
use crate::store::ledger::{self, MovementKind};
use crate::store::shared::{Get, Lite, Queries, Row};
use crate::store::Sql;
use rusqlite::OptionalExtension;
use std::sync::LazyLock;

/// An attempt to record (refused or authorized), with its hold when authorized.
pub(crate) struct NewAttempt<'a> {
    pub req: &'a super::AuthorizeRequest,
    pub account: Option<i64>,
    pub number: &'a str,
    pub key: Option<u8>,
    /// What an authorization holds; a refusal holds nothing.
    pub outcome: std::result::Result<Grant<'a>, Refusal>,
}

/// Held until hang-up, or until `expires_at`.
pub(crate) struct Grant<'a> {
    pub authorized: &'a Authorized,
    /// The tariff the limit was computed with: the hang-up bills with it, whatever the table
    /// says by then.
    pub tariff: Option<&'a Tariff>,
    pub expires_at: i64,
}

/// What an account's calls in progress hold ([`OPEN_RESERVATIONS`]), on either store.
pub(crate) fn reservations(
    q: &mut (impl Queries + ?Sized),
    account: i64,
    now: i64,
) -> Result<(i64, i64)> {
    q.row(&OPEN_RESERVATIONS, &[&account, &now])
}

// The texts both stores run (what the site adds: `site/control.rs`).

pub(crate) static ACCOUNT_BY_CODE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "SELECT {} FROM accounts WHERE identifiant = $1",
        *ACCOUNT
    ))
});

static CALLS_SINCE: Sql = Sql::new(
    "SELECT count(*) FROM call_attempts WHERE account_id = $1 AND at >= $2 AND decision = 'ok'",
);

/// What an account's calls in progress hold: money and seconds of allowance.
static OPEN_RESERVATIONS: Sql = Sql::new(
    "SELECT CAST(coalesce(sum(reserved), 0) AS bigint), CAST(coalesce(sum(limit_s), 0) AS bigint)
     FROM call_holds WHERE account_id = $1 AND expires_at > $2",
);

static INSERT_ATTEMPT: Sql = Sql::new(
    "INSERT INTO call_attempts (at, uniqueid, account_id, typed_code, asked, number, key_index,
        decision, limit_ms, reserved, record, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
);

/// The hold of an authorized attempt, with the tariff its limit was computed with.
static INSERT_HOLD: Sql = Sql::new(
    "INSERT INTO call_holds (attempt_id, account_id, uniqueid, reserved, limit_s, expires_at,
        tariff_prefix, tariff_label, price_per_min, initial_block_s, block_s, connection_fee)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
);

/// The call's hold and its attempt (the newest, should one channel have asked twice); a call
/// that costs nothing was held without a tariff (columns 5 to 10 are NULL).
pub(crate) static OPEN_HOLD: Sql = Sql::new(
    "SELECT h.attempt_id, a.at, h.account_id, a.number, a.key_index,
            h.tariff_prefix, h.tariff_label, h.price_per_min, h.initial_block_s,
            h.block_s, h.connection_fee, a.limit_ms
     FROM call_holds h JOIN call_attempts a ON a.id = h.attempt_id
     WHERE h.uniqueid = $1 ORDER BY h.attempt_id DESC LIMIT 1",
);

static BILLED_BEFORE: Sql = Sql::new("SELECT 1 FROM calls WHERE agi_uniqueid = $1 LIMIT 1");

pub(crate) static BILLING_AND_NAME: Sql =
    Sql::new("SELECT billing, name FROM accounts WHERE id = $1");

static ADD_USED_SECONDS: Sql =
    Sql::new("UPDATE accounts SET used_seconds = used_seconds + $2 WHERE id = $1");
pub(crate) static RELEASE_HOLD: Sql = Sql::new("DELETE FROM call_holds WHERE attempt_id = $1");
/// One statement for a new channel, which holds nothing: the holds released say which grants
/// to end.
static RELEASE_HOLDS_OF: Sql =
    Sql::new("DELETE FROM call_holds WHERE uniqueid = $1 RETURNING attempt_id");
/// Unsettled, since no call comes of it (`check` wants a call for every settled grant): the
/// grant just ends now.
static END_GRANT: Sql = Sql::new("UPDATE call_attempts SET expires_at = $2 WHERE id = $1");
pub(crate) static SETTLE_ATTEMPT: Sql =
    Sql::new("UPDATE call_attempts SET settled_at = $2, call_id = $3 WHERE id = $1");

/// The authorization a hang-up settles.
pub(crate) struct Open {
    pub id: i64,
    pub at: i64,
    pub account_id: i64,
    pub number: String,
    pub key: Option<u8>,
    pub tariff: Option<Tariff>,
    /// The longest answered duration granted (`FORFAITS_LIMITE_MS`).
    pub limit_ms: i64,
}

impl Open {
    /// The answered seconds the grant pays for, and what they cost with the grant's tariff
    /// (`None` past what Forfaits can count): `(counted, billed seconds, cost)`. Asterisk ends
    /// the call at the limit granted (`L()`); seconds past it (its rounding, a dial plan
    /// without `L()`) are neither billed nor counted: the grant is what the balance and the
    /// minutes left paid for, and nothing may take them below zero. The hang-up and a record
    /// loaded before it both bill so.
    pub fn rate(&self, answered: bool, billsec: i64) -> Option<(i64, i64, i64)> {
        let counted = billsec.min((self.limit_ms.max(0) + 999) / 1000);
        let (billed_s, cost) = crate::rating::rate_call(answered, counted, self.tariff.as_ref())?;
        Some((counted, billed_s, cost))
    }
}

/// A row of [`OPEN_HOLD`], on either store.
impl Row for Open {
    fn read<G: Get>(r: &G) -> std::result::Result<Self, G::Error> {
        let tariff = match r.col::<Option<String>>(5)? {
            Some(_) => Some(crate::tariffs::tariff_at(r, 5)?),
            None => None,
        };
        Ok(Open {
            id: r.col(0)?,
            at: r.col(1)?,
            account_id: r.col(2)?,
            number: r.col(3)?,
            key: r.col::<Option<i64>>(4)?.and_then(|k| u8::try_from(k).ok()),
            tariff,
            limit_ms: r.col(11)?,
        })
    }
}

/// A hang-up billed: the call written, its cost debited as a movement *Appel*, the answered
/// seconds counted, the hold released and the attempt settled.
pub(crate) struct Bill<'a> {
    pub open: &'a Open,
    /// The hang-up as reported: its disposition filled in and upper-cased, its seconds not
    /// below zero.
    pub ended: &'a FinishRequest,
    /// The answered seconds counted in *Durée totale*: `billsec`, up to the grant.
    pub counted: i64,
    pub billed_s: i64,
    pub debit: i64,
    pub answered: bool,
    pub operator: &'a str,
    pub now: i64,
}

impl Bill<'_> {
    /// The call's identity among loaded records (`calls.dedup_key`).
    pub fn dedup_key(&self) -> String {
        format!("a:{}|{}", self.ended.uniqueid, self.open.id)
    }

    /// The reason of the movement *Appel*.
    pub fn reason(&self) -> String {
        crate::calls::debit_reason(&self.open.number, self.ended.billsec)
    }
}

/// What each store does its own way (reading rows, locking, the debit); the rest is said once,
/// in the provided methods, over [`Queries`].
pub(crate) trait ControlDb: Queries {
    /// The account whose identifiant is `code` (7 digits), locked until the transaction ends
    /// where the store locks rows.
    fn account_by_code(&mut self, code: &str) -> Result<Option<Account>>;
    /// The call's hold ([`OPEN_HOLD`]).
    fn open_hold(&mut self, uniqueid: &str) -> Result<Option<Open>>;
    fn billing_and_name(&mut self, account: i64) -> Result<(bool, String)>;
    /// Debits the call's cost as a movement *Appel*: the balance after.
    fn debit(&mut self, b: &Bill<'_>) -> Result<i64>;

    /// Calls authorized for the account since `since`.
    fn calls_since(&mut self, account: i64, since: i64) -> Result<i64> {
        self.value(&CALLS_SINCE, &[&account, &since])
    }

    /// What the account's other calls hold: money and seconds of allowance.
    fn open_reservations(&mut self, account: i64, now: i64) -> Result<(i64, i64)> {
        reservations(self, account, now)
    }

    /// A channel that asks again has ended the dial it was granted before: that grant ends
    /// and its hold is released, so that the new question is decided
    /// without it and one hang-up bills the channel once.
    fn supersede(&mut self, uniqueid: &str, now: i64) -> Result<()> {
        if uniqueid.is_empty() {
            return Ok(());
        }
        let ended: Vec<(i64,)> = self.rows(&RELEASE_HOLDS_OF, &[&uniqueid])?;
        for (attempt,) in ended {
            self.execute(&END_GRANT, &[&attempt, &now])?;
        }
        Ok(())
    }

    fn record_attempt(&mut self, now: i64, a: &NewAttempt<'_>) -> Result<()> {
        let grant = a.outcome.as_ref().ok();
        let decision = match a.outcome {
            Ok(_) => "ok",
            Err(r) => r.code(),
        };
        let id: i64 = self.value(
            &INSERT_ATTEMPT,
            &[
                &now,
                &a.req.uniqueid,
                &a.account,
                &a.req.code.trim(),
                &a.req.asked.trim(),
                &a.number,
                &a.key.map(i64::from),
                &decision,
                &grant.map_or(0, |g| g.authorized.limit_ms),
                &grant.map_or(0, |g| g.authorized.reserved),
                &grant.is_some_and(|g| g.authorized.record),
                &grant.map(|g| g.expires_at),
            ],
        )?;
        // A refusal holds nothing, and an authorization always names its account.
        let (Some(account), Some(grant)) = (a.account, grant) else {
            return Ok(());
        };
        let t = grant.tariff;
        self.execute(
            &INSERT_HOLD,
            &[
                &id,
                &account,
                &a.req.uniqueid,
                &grant.authorized.reserved,
                &(grant.authorized.limit_ms / 1000),
                &grant.expires_at,
                &t.map(|t| t.prefixe.as_str()),
                &t.map(|t| t.libelle.as_str()),
                &t.map(|t| t.prix_minute),
                &t.map(|t| t.bloc_initial_s),
                &t.map(|t| t.bloc_s),
                &t.map(|t| t.frais_connexion),
            ],
        )?;
        Ok(())
    }

    /// Whether a call of this channel was already billed.
    fn billed_before(&mut self, uniqueid: &str) -> Result<bool> {
        self.exists(&BILLED_BEFORE, &[&uniqueid])
    }

    /// The debit first, so that the call is written with the balance after it (a site's
    /// telephony role writes calls, it does not rewrite them); then the answered seconds, the
    /// hold released and the attempt settled.
    fn bill(&mut self, b: &Bill<'_>) -> Result<()> {
        let open = b.open;
        let after = match b.debit > 0 {
            true => Some(self.debit(b)?),
            false => None,
        };
        let dedup_key = b.dedup_key();
        let mut row = CallRow {
            account_id: open.account_id,
            dedup_key: &dedup_key,
            dedup_hash: hash64(&dedup_key),
            started_at: open.at,
            dialed: &open.number,
            number: &open.number,
            key_index: open.key.map(i64::from),
            disposition: &b.ended.disposition,
            duration: b.ended.billsec,
            billsec: b.ended.billsec,
            billed_s: b.billed_s,
            cost: b.debit,
            tariff: open.tariff.as_ref(),
            balance_after: after,
            loaded_at: b.now,
            agi_uniqueid: Some(&b.ended.uniqueid),
        };
        if !self.write_call(&mut row)? {
            let why = format!("l'appel {} est déjà facturé", b.ended.uniqueid);
            return Err(Error::Rejected(why));
        }
        let call_id: i64 = self.value(&CALL_ID_OF, &[&row.dedup_hash])?;
        if b.answered {
            self.execute(&ADD_USED_SECONDS, &[&open.account_id, &b.counted])?;
        }
        self.execute(&RELEASE_HOLD, &[&open.id])?;
        self.execute(&SETTLE_ATTEMPT, &[&open.id, &b.now, &call_id])?;
        Ok(())
    }
}

/// Whether `code` can be an identifiant at all (7 digits): anything else matches no account.
pub(crate) fn is_code(code: &str) -> bool {
    code.len() == IDENTIFIANT_DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// SQLite: the savepoint of the batch's write transaction (the write lock is the account lock).
impl ControlDb for Lite<'_> {
    fn account_by_code(&mut self, code: &str) -> Result<Option<Account>> {
        if !is_code(code) {
            return Ok(None);
        }
        Ok(self
            .0
            .prepare_cached(ACCOUNT_BY_CODE.sqlite())?
            .query_row([code], crate::store::accounts::from_row)
            .optional()?)
    }

    fn open_hold(&mut self, uniqueid: &str) -> Result<Option<Open>> {
        self.first(&OPEN_HOLD, &[&uniqueid])
    }

    fn billing_and_name(&mut self, account: i64) -> Result<(bool, String)> {
        Ok(self
            .0
            .prepare_cached(BILLING_AND_NAME.sqlite())?
            .query_row([account], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn debit(&mut self, b: &Bill<'_>) -> Result<i64> {
        ledger::apply(
            self.0,
            b.open.account_id,
            MovementKind::Appel,
            -b.debit,
            &b.reason(),
            b.operator,
            b.now,
        )
    }
}
