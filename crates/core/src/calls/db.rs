//! What a load reads and writes: the texts and rules both stores share, and the desk's SQLite
//! side (the site's is `site/calls.rs`).

use super::rate::{hash64, Known, RatedCall};
use super::AccountCtx;
use crate::control::db::Open;
use crate::domain::phone::CountryCode;
use crate::domain::KEYS;
use crate::error::Result;
use crate::rating::Tariff;
use crate::store::columns::PHONE_LIST;
use crate::store::ledger::MovementKind;
use crate::store::shared::{self, Param, Queries};
use crate::store::Sql;
use rusqlite::{params, Connection, OptionalExtension};
use std::sync::LazyLock;

/// What a load needs of the account a record names.
pub(crate) static ACCOUNT_CTX: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "SELECT id, billing, balance, used_seconds, {} FROM accounts WHERE identifiant = $1",
        *PHONE_LIST
    ))
});

/// Settings key set by the schema migration that changed the records' identity, when the
/// database holds calls keyed by their uniqueid alone (Forfaits before schema 3).
pub(crate) const LEGACY_KEYS: &str = "cles_appels_uniqueid";

static SETTING_SET: Sql = Sql::new("SELECT 1 FROM settings WHERE key = $1");
static ANY_BILLED_AT_HANGUP: Sql =
    Sql::new("SELECT EXISTS (SELECT 1 FROM calls WHERE agi_uniqueid IS NOT NULL)");
static BILLED_AT_HANGUP: Sql =
    Sql::new("SELECT 1 FROM calls WHERE agi_uniqueid = $1 AND billsec = $2");
static LOADED_UNDER_UNIQUEID: Sql = Sql::new(
    "SELECT 1 FROM calls WHERE dedup_hash = $1 AND dedup_key = $2
        AND started_at = $3 AND dialed = $4 AND billsec = $5",
);
/// Every call, loaded from a file or billed at hang-up, is written by this one statement; nothing
/// when another call holds its `dedup_hash`. (`RETURNING id` would make SQLite's loads 60% slower:
/// the hang-up asks for its call's id afterwards, by hash.)
static INSERT_CALL: Sql = Sql::new(
    "INSERT INTO calls (account_id, dedup_key, dedup_hash, started_at, dialed, number,
        key_index, disposition, duration_s, billsec, billed_s, cost, tariff_prefix,
        tariff_label, balance_after, loaded_at, agi_uniqueid)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (dedup_hash) DO NOTHING",
);
/// An account's calls kept as identities a later load recognises, in the transaction that
/// deletes the account (and its calls with it).
pub(crate) static FORGET_CALLS_OF: Sql = Sql::new(
    "INSERT INTO forgotten_calls (dedup_hash, dedup_key, agi_uniqueid, billsec)
     SELECT dedup_hash, dedup_key, agi_uniqueid, billsec FROM calls WHERE account_id = $1
     ON CONFLICT (dedup_hash) DO NOTHING",
);
static ANY_FORGOTTEN: Sql = Sql::new("SELECT EXISTS (SELECT 1 FROM forgotten_calls)");
static ANY_HOLD: Sql = Sql::new("SELECT EXISTS (SELECT 1 FROM call_holds)");
static FORGOTTEN_KEY: Sql =
    Sql::new("SELECT 1 FROM forgotten_calls WHERE dedup_hash = $1 AND dedup_key = $2");
static FORGOTTEN_AT_HANGUP: Sql =
    Sql::new("SELECT 1 FROM forgotten_calls WHERE agi_uniqueid = $1 AND billsec = $2");
static DEDUP_KEY_OF: Sql = Sql::new("SELECT dedup_key FROM calls WHERE dedup_hash = $1");
pub(crate) static CALL_ID_OF: Sql = Sql::new("SELECT id FROM calls WHERE dedup_hash = $1");
static UPDATE_ACCOUNT: Sql =
    Sql::new("UPDATE accounts SET balance = $2, used_seconds = $3 WHERE id = $1");

/// Which earlier identities the load must also recognise, read in its transaction.
pub(crate) fn known(q: &mut impl Queries) -> Result<Known> {
    Ok(Known {
        legacy_keys: q.exists(&SETTING_SET, &[&LEGACY_KEYS])?,
        hangup_billed: q.value(&ANY_BILLED_AT_HANGUP, &[])?,
        forgotten: q.value(&ANY_FORGOTTEN, &[])?,
        holds: q.value(&ANY_HOLD, &[])?,
    })
}

/// One call as it is stored, from a loaded record or a hang-up.
pub(crate) struct CallRow<'a> {
    pub account_id: i64,
    pub dedup_key: &'a str,
    pub dedup_hash: i64,
    pub started_at: i64,
    pub dialed: &'a str,
    pub number: &'a str,
    pub key_index: Option<i64>,
    pub disposition: &'a str,
    pub duration: i64,
    pub billsec: i64,
    pub billed_s: i64,
    pub cost: i64,
    pub tariff: Option<&'a Tariff>,
    pub balance_after: Option<i64>,
    pub loaded_at: i64,
    /// The channel's uniqueid when the call was billed at hang-up (SPEC §11).
    pub agi_uniqueid: Option<&'a str>,
}

impl CallRow<'_> {
    /// Writes the row ([`INSERT_CALL`]) under its hash, or under the next free value when
    /// another call holds it (two keys with one 64-bit hash; lookups compare the keys, so this
    /// stays exact): true when written, under `self.dedup_hash`; false when this very call (same
    /// key) is already stored.
    fn write<D: CallsTable + ?Sized>(&mut self, db: &mut D) -> Result<bool> {
        loop {
            if db.insert_call(self)? {
                return Ok(true);
            }
            if db.dedup_key_of(self.dedup_hash)? == self.dedup_key {
                return Ok(false);
            }
            self.dedup_hash = self.dedup_hash.wrapping_add(1);
        }
    }

    /// [`INSERT_CALL`]'s parameters.
    fn params(&self) -> [&dyn Param; 17] {
        [
            &self.account_id,
            &self.dedup_key,
            &self.dedup_hash,
            &self.started_at,
            &self.dialed,
            &self.number,
            &self.key_index,
            &self.disposition,
            &self.duration,
            &self.billsec,
            &self.billed_s,
            &self.cost,
            self.tariff.map_or(&NO_TEXT as &dyn Param, |t| &t.prefixe),
            self.tariff.map_or(&NO_TEXT as &dyn Param, |t| &t.libelle),
            &self.balance_after,
            &self.loaded_at,
            &self.agi_uniqueid,
        ]
    }
}

/// NULL, for a call without tariff.
static NO_TEXT: Option<&str> = None;

/// Where calls are written: a load's transaction, or the call-control service's.
pub(crate) trait CallsTable {
    /// [`INSERT_CALL`]: false when its `dedup_hash` is taken.
    fn insert_call(&mut self, row: &CallRow<'_>) -> Result<bool>;

    /// The key of the call stored under `hash`.
    fn dedup_key_of(&mut self, hash: i64) -> Result<String>;

    /// Writes the call (see [`CallRow::write`]): false when it is already stored.
    fn write_call(&mut self, row: &mut CallRow<'_>) -> Result<bool> {
        row.write(self)
    }
}

impl<Q: Queries + ?Sized> CallsTable for Q {
    fn insert_call(&mut self, row: &CallRow<'_>) -> Result<bool> {
        Ok(self.execute(&INSERT_CALL, &row.params())? == 1)
    }

    fn dedup_key_of(&mut self, hash: i64) -> Result<String> {
        self.value(&DEDUP_KEY_OF, &[&hash])
    }
}

/// What a load reads and writes, once per store (SQLite here, a site in `site/calls.rs`); the
/// matching, rating and the report are the same code for both. Every method runs in the load's
/// transaction.
pub(crate) trait CallsDb: CallsTable {
    type Q: Queries;
    /// The load's transaction, for what both stores ask alike.
    fn q(&mut self) -> &mut Self::Q;
    /// The account whose identifiant is `code` ([`ACCOUNT_CTX`]), locked until the load ends
    /// where the store locks rows (its balance and minutes are written back at the end).
    fn account_ctx(&mut self, code: &str, cc: &CountryCode) -> Result<Option<AccountCtx>>;
    /// *Appel* movements, in order.
    fn insert_movements(&mut self, rows: &[AppelRow], at: i64, operator: &str) -> Result<()>;

    /// Whether a record with a uniqueid is a call the database already holds under another
    /// identity: billed at hang-up by the call-control service (same uniqueid and answered
    /// seconds, SPEC §11), or loaded by a Forfaits older than schema 3 under its uniqueid alone
    /// (same start, number and answered seconds; another record of that channel is not it).
    fn known_already(&mut self, known: Known, uniqueid: &str, c: &RatedCall) -> Result<bool> {
        if known.hangup_billed
            && self
                .q()
                .exists(&BILLED_AT_HANGUP, &[&uniqueid, &c.billsec])?
        {
            return Ok(true);
        }
        if known.legacy_keys {
            let key = format!("u:{uniqueid}");
            let p: [&dyn Param; 5] = [&hash64(&key), &key, &c.started_at, &c.dialed, &c.billsec];
            return self.q().exists(&LOADED_UNDER_UNIQUEID, &p);
        }
        Ok(false)
    }

    /// Whether the record is a call of an account deleted since it was loaded or billed at
    /// hang-up: its identity was kept ([`FORGET_CALLS_OF`]).
    fn forgotten(&mut self, c: &RatedCall) -> Result<bool> {
        if self
            .q()
            .exists(&FORGOTTEN_KEY, &[&c.dedup_hash, &c.dedup_key])?
        {
            return Ok(true);
        }
        match c.uniqueid.as_deref() {
            Some(uniqueid) => self
                .q()
                .exists(&FORGOTTEN_AT_HANGUP, &[&uniqueid, &c.billsec]),
            None => Ok(false),
        }
    }

    /// The authorization of the channel `uniqueid` for `account` still holding its
    /// reservation: the record is that call, ended and not billed at hang-up (a `terminer`
    /// that failed or has not come yet).
    fn hold_of(&mut self, uniqueid: &str, account: i64) -> Result<Option<Open>> {
        let open: Option<Open> = self
            .q()
            .first(&crate::control::db::OPEN_HOLD, &[&uniqueid])?;
        Ok(open.filter(|o| o.account_id == account))
    }

    /// Settles that authorization with the call just written under `hash`: its reservation
    /// released, the attempt pointing at the call, as a hang-up would have.
    fn settle_hold(&mut self, attempt: i64, hash: i64, at: i64) -> Result<()> {
        let q = self.q();
        let call: i64 = q.value(&CALL_ID_OF, &[&hash])?;
        q.execute(&crate::control::db::RELEASE_HOLD, &[&attempt])?;
        q.execute(&crate::control::db::SETTLE_ATTEMPT, &[&attempt, &at, &call])?;
        Ok(())
    }

    fn update_account(&mut self, id: i64, balance: i64, used: i64) -> Result<()> {
        self.q().execute(&UPDATE_ACCOUNT, &[&id, &balance, &used])?;
        Ok(())
    }
}

/// An *Appel* movement to write: account, amount, balance after, reason.
pub(crate) type AppelRow = (i64, i64, i64, String);

/// Movements written together (SQLite: one statement of this many rows).
pub(super) const MOVEMENTS_PER_INSERT: usize = 256;
const MOVEMENT_COLUMNS: &str =
    "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator) VALUES ";

/// SQLite: the load's immediate transaction, its statements prepared once.
pub(super) struct Lite<'c> {
    q: shared::Lite<'c>,
    insert_call: rusqlite::CachedStatement<'c>,
    insert_movement: rusqlite::CachedStatement<'c>,
    insert_movements: rusqlite::CachedStatement<'c>,
}

impl<'c> Lite<'c> {
    pub(super) fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Lite {
            q: shared::Lite(conn),
            insert_call: conn.prepare_cached(INSERT_CALL.sqlite())?,
            insert_movement: conn
                .prepare_cached(&format!("{MOVEMENT_COLUMNS}(?, ?, ?, ?, ?, ?, ?)"))?,
            insert_movements: conn.prepare_cached(&format!(
                "{MOVEMENT_COLUMNS}{}",
                vec!["(?, ?, ?, ?, ?, ?, ?)"; MOVEMENTS_PER_INSERT].join(", ")
            ))?,
        })
    }
}

/// Through the statement prepared once: one per record.
impl CallsTable for Lite<'_> {
    fn insert_call(&mut self, row: &CallRow<'_>) -> Result<bool> {
        Ok(self.insert_call.execute(shared::lite(&row.params()))? == 1)
    }

    fn dedup_key_of(&mut self, hash: i64) -> Result<String> {
        self.q.dedup_key_of(hash)
    }
}

impl<'c> CallsDb for Lite<'c> {
    type Q = shared::Lite<'c>;

    fn q(&mut self) -> &mut Self::Q {
        &mut self.q
    }

    fn account_ctx(&mut self, code: &str, cc: &CountryCode) -> Result<Option<AccountCtx>> {
        Ok(self
            .q
            .0
            .prepare_cached(ACCOUNT_CTX.sqlite())?
            .query_row([code], |r| {
                let keys = (4..4 + KEYS)
                    .map(|i| r.get(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(AccountCtx::new(
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    keys,
                    cc,
                ))
            })
            .optional()?)
    }

    /// By groups of [`MOVEMENTS_PER_INSERT`] rows per statement (SQLite's per-statement work,
    /// such as the table of allowed kinds its CHECK builds, is then paid once per group), the
    /// rest one by one.
    fn insert_movements(&mut self, rows: &[AppelRow], at: i64, operator: &str) -> Result<()> {
        let kind = MovementKind::Appel.code();
        let mut groups = rows.chunks_exact(MOVEMENTS_PER_INSERT);
        for group in groups.by_ref() {
            let stmt = &mut self.insert_movements;
            for (i, (account, amount, after, reason)) in group.iter().enumerate() {
                let p = i * 7;
                stmt.raw_bind_parameter(p + 1, account)?;
                stmt.raw_bind_parameter(p + 2, at)?;
                stmt.raw_bind_parameter(p + 3, kind)?;
                stmt.raw_bind_parameter(p + 4, amount)?;
                stmt.raw_bind_parameter(p + 5, after)?;
                stmt.raw_bind_parameter(p + 6, reason)?;
                stmt.raw_bind_parameter(p + 7, operator)?;
            }
            stmt.raw_execute()?;
        }
        for (account, amount, after, reason) in groups.remainder() {
            self.insert_movement
                .execute(params![account, at, kind, amount, after, reason, operator])?;
        }
        Ok(())
    }
}
