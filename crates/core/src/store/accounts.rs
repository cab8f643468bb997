//! Accounts: create, edit, delete, read, list with sort and paging, search.

use super::audit::{self, Subject};
use super::columns::{self, Col};
use super::ledger::{self, MovementKind};
use super::shared::{self, Get, Queries};
use super::Sql;
use super::{now, Store};
use crate::domain::{Account, AccountDraft, CountryCode, Field, FieldError, Money, KEYS};
use crate::error::{Error, Result};
use crate::rules::numbers::number_rules;
use crate::search::index::{name_key, IndexBatch, Indexed};
use rusqlite::{params, Row, Statement, ToSql};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use std::sync::LazyLock;

/// An account from a row of [`columns::ACCOUNT`], on either store.
impl shared::Row for Account {
    fn read<G: Get>(r: &G) -> std::result::Result<Account, G::Error> {
        // Whole numbers as both stores keep them; a value past `u32` (never written) reads as
        // no value.
        let small = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok());
        // Sized once: collecting `Result`s would grow the list twice per account (an export
        // reads a million).
        let mut phones = Vec::with_capacity(KEYS);
        for k in 0..KEYS {
            phones.push(r.col(Col::PHONE + k)?);
        }
        Ok(Account {
            id: r.col(Col::ID)?,
            name: r.col(Col::NAME)?,
            matricule: r.col(Col::MATRICULE)?,
            identifiant: r.col(Col::IDENTIFIANT)?,
            enabled: r.col(Col::ENABLED)?,
            billing: r.col(Col::BILLING)?,
            allowance_minutes: small(r.col(Col::ALLOWANCE)?),
            used_seconds: r.col(Col::USED)?,
            balance: r.col(Col::BALANCE)?,
            phones,
            created_at: r.col(Col::CREATED)?,
            updated_at: r.col(Col::UPDATED)?,
            max_call_minutes: small(r.col(Col::MAX_CALL)?),
            calls_per_day: small(r.col(Col::PER_DAY)?),
            suspended_until: r
                .col::<Option<String>>(Col::SUSPENDED)?
                .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            suspension_reason: r.col(Col::REASON)?,
        })
    }
}

/// Every account in id order (an export's order).
pub(crate) static ALL_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM accounts ORDER BY id", *columns::ACCOUNT));

/// The account's row gone (movements, calls and attempts with it: `ON DELETE CASCADE`; the
/// calls' identities are kept first where the account had any, `FORGET_CALLS_OF`).
pub(crate) const DELETE_ACCOUNT: &str = "DELETE FROM accounts WHERE id = ?1";

static BY_ID: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "SELECT {} FROM accounts WHERE id = $1",
        *columns::ACCOUNT
    ))
});

static BY_MATRICULE: LazyLock<Sql> = LazyLock::new(|| {
    Sql::made(format!(
        "SELECT {} FROM accounts WHERE matricule = $1",
        *columns::ACCOUNT
    ))
});

/// The account of internal id `id`, on either store.
pub(crate) fn account(q: &mut impl Queries, id: i64) -> Result<Account> {
    q.first(&BY_ID, &[&id])?
        .ok_or_else(|| Error::no_account(id))
}

/// The account with this matricule (trimmed), on either store.
pub(crate) fn by_matricule(q: &mut impl Queries, matricule: &str) -> Result<Option<Account>> {
    q.first(&BY_MATRICULE, &[&matricule.trim()])
}

/// [`Account`]'s [`shared::Row`] inside rusqlite's closures.
pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    <Account as shared::Row>::read(r)
}

/// Column the table is sorted by. Unknown names fall back to the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Nom,
    Matricule,
    Identifiant,
    Etat,
    Solde,
    Touche1,
    Touche2,
    Touche3,
    Touche4,
    Touche5,
    Touche6,
    Touche7,
    Touche8,
    Touche9,
    Touche10,
    Creation,
    Modification,
}

impl SortKey {
    /// Sort columns with an index of their own (rowid included): walking them reads no rows.
    pub(crate) fn indexed(self) -> bool {
        use SortKey::*;
        matches!(self, Nom | Matricule | Identifiant | Creation)
    }

    pub(crate) fn sql(self) -> &'static str {
        use SortKey::*;
        match self {
            Nom => "name_key",
            Matricule => "matricule",
            Identifiant => "identifiant",
            Etat => "enabled",
            Solde => "balance",
            Touche1 => &columns::PHONES[0],
            Touche2 => &columns::PHONES[1],
            Touche3 => &columns::PHONES[2],
            Touche4 => &columns::PHONES[3],
            Touche5 => &columns::PHONES[4],
            Touche6 => &columns::PHONES[5],
            Touche7 => &columns::PHONES[6],
            Touche8 => &columns::PHONES[7],
            Touche9 => &columns::PHONES[8],
            Touche10 => &columns::PHONES[9],
            // ids only grow: creation order is id order, and id is the table's own key.
            Creation => "id",
            Modification => "updated_at",
        }
    }
}

/// A page request of the table.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub recherche: String,
    #[serde(default)]
    pub tri: SortKey,
    #[serde(default)]
    pub desc: bool,
    #[serde(default)]
    pub decalage: u64,
    #[serde(default = "default_limit")]
    pub limite: u32,
}

fn default_limit() -> u32 {
    100
}

/// Largest page the store hands out: the window never holds more than a few hundred rows.
pub const MAX_PAGE: u32 = 1000;

#[derive(Debug, Clone)]
pub struct Page {
    /// Accounts matching the search (all accounts when there is none).
    pub total: u64,
    /// Position of the first row in the whole sorted list.
    pub offset: u64,
    pub rows: Vec<Account>,
}

/// What remains of a deleted account, for the confirmation and the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct Deleted {
    pub nom: String,
    pub matricule: String,
    pub solde: i64,
}

pub(crate) fn phones_of(d: &AccountDraft) -> [Option<&str>; KEYS] {
    let mut out = [None; KEYS];
    for (i, p) in d.phones.iter().enumerate() {
        out[i] = p.as_ref().map(|p| p.as_str());
    }
    out
}

pub(crate) fn indexed_draft<'a>(d: &'a AccountDraft, name_key: &'a str) -> Indexed<'a> {
    Indexed {
        name_key,
        matricule: d.matricule.as_str(),
        identifiant: d.identifiant.as_str(),
        phones: phones_of(d),
    }
}

fn indexed_account<'a>(a: &'a Account, name_key: &'a str) -> Indexed<'a> {
    Indexed {
        name_key,
        matricule: &a.matricule,
        identifiant: &a.identifiant,
        phones: std::array::from_fn(|i| a.phones.get(i).and_then(|p| p.as_deref())),
    }
}

/// Inserts an account: [`execute_draft`] with the time of creation. The import prepares it
/// once for all its lines, the form once per account.
pub(crate) static INSERT_DRAFT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO accounts (name, name_key, matricule, identifiant, enabled, billing,
                allowance_min, {}, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {}, ?18, ?18)",
        *columns::PHONE_LIST,
        columns::phone_params(8)
    )
});

/// Saves every field of an edited account: [`execute_draft`] with the time and the id.
static UPDATE_DRAFT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE accounts SET name = ?1, name_key = ?2, matricule = ?3, identifiant = ?4,
                enabled = ?5, billing = ?6, allowance_min = ?7, {}, updated_at = ?18
             WHERE id = ?19",
        columns::phone_assignments(8)
    )
});

/// Runs [`INSERT_DRAFT`] or [`UPDATE_DRAFT`], which number the draft alike: name, folded
/// name, matricule, identifiant, state, billing, allowance, the ten keys, then `rest`.
pub(crate) fn execute_draft(
    stmt: &mut Statement<'_>,
    d: &AccountDraft,
    name_key: &str,
    rest: &[&dyn ToSql],
) -> rusqlite::Result<usize> {
    stmt.execute(columns::around_phones(
        &[
            &d.name.as_str(),
            &name_key,
            &d.matricule.as_str(),
            &d.identifiant.as_str(),
            &d.enabled,
            &d.billing,
            &d.allowance_minutes,
        ],
        &phones_of(d),
        rest,
    ))
}

/// The two columns no two accounts share: the field, the column, and the field in a sentence.
pub(crate) const UNIQUE: [(Field, &str, &str); 2] = [
    (Field::Matricule, "matricule", "le matricule"),
    (Field::Identifiant, "identifiant", "l'identifiant"),
];

/// Who holds a value of each column of [`UNIQUE`]: id and name.
static HOLDERS: LazyLock<[Sql; 2]> = LazyLock::new(|| {
    UNIQUE.map(|(_, col, _)| Sql::made(format!("SELECT id, name FROM accounts WHERE {col} = $1")))
});

/// Id and name of the account whose unique column `which` (in [`UNIQUE`]) holds `value`.
pub(crate) fn holder(
    q: &mut impl Queries,
    which: usize,
    value: &str,
) -> Result<Option<(i64, String)>> {
    q.first(&HOLDERS[which], &[&value])
}

/// Field errors for a matricule or identifiant already held by another account (each checked
/// when given, whatever the other fields hold). On either store.
pub(crate) fn uniqueness_errors(
    q: &mut impl Queries,
    given: [Option<&str>; 2],
    except_id: Option<i64>,
) -> Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    for (which, ((field, _, what), value)) in UNIQUE.into_iter().zip(given).enumerate() {
        let Some(value) = value else { continue };
        let other = holder(q, which, value)?.filter(|(id, _)| Some(*id) != except_id);
        if let Some((_, name)) = other {
            errors.push(FieldError::new(
                field,
                format!("{what} {value} est déjà attribué à {name}"),
            ));
        }
    }
    Ok(errors)
}

/// What an edit of the account `before` may not do, on either store: set a key to a blocked
/// number (a key left as it was stays, SPEC §12), or take another account's matricule or
/// identifiant. Every such field's error; read in the caller's transaction.
pub(crate) fn refuse_edit(
    q: &mut impl Queries,
    before: &Account,
    d: &AccountDraft,
    cc: &CountryCode,
) -> Result<()> {
    let mut errors = number_rules(q)?.key_errors(&d.phones, Some(&before.phones), cc);
    errors.extend(uniqueness_errors(q, d.unique_keys(), Some(before.id))?);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Fields(errors)),
    }
}

impl Store {
    /// The account's row, its search entries, its opening movement and the Journal's line, in
    /// one transaction ([`crate::desk::Desk::create_account`] checks the rest).
    pub(crate) fn write_new_account(
        &mut self,
        d: &AccountDraft,
        opening: Money,
        journal: &str,
    ) -> Result<i64> {
        let cc = self.settings()?.country_code;
        let operator = self.operator().to_string();
        let tx = self.write_tx()?;
        let dup = uniqueness_errors(&mut shared::Lite(&tx), d.unique_keys(), None)?;
        if !dup.is_empty() {
            return Err(Error::Fields(dup));
        }
        let t = now();
        execute_draft(
            &mut *tx.prepare_cached(&INSERT_DRAFT)?,
            d,
            &name_key(d.name.as_str()),
            &[&t],
        )?;
        let id = tx.last_insert_rowid();
        if opening.0 > 0 {
            ledger::apply(&tx, id, MovementKind::Initial, opening.0, "", &operator, t)?;
        }
        let mut batch = IndexBatch::default();
        batch.add(id, &indexed_draft(d, &name_key(d.name.as_str())), &cc);
        batch.flush(&tx)?;
        let subject = Some(Subject::from(d));
        audit::record(&tx, &operator, "Création du compte", subject, journal)?;
        tx.commit()?;
        Ok(id)
    }

    /// Saves the edited fields of an account. Balance and call minutes are not touched here.
    pub fn update_account(&mut self, id: i64, d: &AccountDraft) -> Result<Account> {
        let cc = self.settings()?.country_code;
        let operator = self.operator().to_string();
        let before = self.get_account(id)?;
        let tx = self.write_tx()?;
        refuse_edit(&mut shared::Lite(&tx), &before, d, &cc)?;
        let changed = execute_draft(
            &mut *tx.prepare_cached(&UPDATE_DRAFT)?,
            d,
            &name_key(d.name.as_str()),
            &[&now(), &id],
        )?;
        if changed == 0 {
            return Err(Error::no_account(id));
        }
        let mut batch = IndexBatch::default();
        batch.remove(id, &indexed_account(&before, &name_key(&before.name)), &cc);
        batch.add(id, &indexed_draft(d, &name_key(d.name.as_str())), &cc);
        batch.flush(&tx)?;
        let details = describe_changes(&before, d);
        let subject = Some(Subject::from(d));
        audit::record(&tx, &operator, "Modification du compte", subject, &details)?;
        tx.commit()?;
        self.get_account(id)
    }

    /// Sets `assignments` (`column = ?2, …`, bound to `values`) on the account `a`, its time of
    /// change with them, and writes the change in the Journal under the account's name: one
    /// transaction. Returns the account as saved.
    pub(crate) fn change_account(
        &mut self,
        a: &Account,
        assignments: &str,
        values: &[&dyn ToSql],
        action: &str,
        details: &str,
    ) -> Result<Account> {
        let operator = self.operator().to_string();
        let tx = self.write_tx()?;
        let sql = format!(
            "UPDATE accounts SET {assignments}, updated_at = ?{} WHERE id = ?1",
            values.len() + 2
        );
        let at = now();
        let (id, at): (&dyn ToSql, &dyn ToSql) = (&a.id, &at);
        let all = std::iter::once(id)
            .chain(values.iter().copied())
            .chain([at]);
        tx.execute(&sql, rusqlite::params_from_iter(all))?;
        audit::record(&tx, &operator, action, Some(Subject::from(a)), details)?;
        tx.commit()?;
        self.get_account(a.id)
    }

    /// Deletes the account, its numbers, its movements and its calls for good; the audit log
    /// keeps who, when, the name, the matricule and the final balance, and the calls'
    /// identities stay known to later loads (`forgotten_calls`).
    pub fn delete_account(&mut self, id: i64) -> Result<Deleted> {
        let settings = self.settings()?;
        let (cc, currency) = (settings.country_code, settings.currency);
        let operator = self.operator().to_string();
        let a = self.get_account(id)?;
        let tx = self.write_tx()?;
        tx.execute(crate::calls::db::FORGET_CALLS_OF.sqlite(), [id])?;
        tx.execute(DELETE_ACCOUNT, [id])?;
        let mut batch = IndexBatch::default();
        batch.remove(id, &indexed_account(&a, &name_key(&a.name)), &cc);
        batch.flush(&tx)?;
        audit::record(
            &tx,
            &operator,
            "Suppression du compte",
            Some(Subject::from(&a)),
            &format!("solde final {}", currency.format_plain(Money(a.balance))),
        )?;
        tx.commit()?;
        Ok(Deleted {
            nom: a.name,
            matricule: a.matricule,
            solde: a.balance,
        })
    }

    pub fn get_account(&self, id: i64) -> Result<Account> {
        account(&mut shared::Lite(&self.conn), id)
    }

    pub fn find_by_matricule(&self, matricule: &str) -> Result<Option<Account>> {
        by_matricule(&mut shared::Lite(&self.conn), matricule)
    }

    /// The account with this matricule, or a French "not found" naming it.
    pub fn account_by_matricule(&self, matricule: &str) -> Result<Account> {
        self.find_by_matricule(matricule)?
            .ok_or_else(|| Error::NotFound(format!("le matricule {}", matricule.trim())))
    }

    /// Changes whenever this connection or another one writes: the key of what is cached.
    pub(crate) fn state_key(&self) -> Result<(i64, u64)> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok((version, self.conn.total_changes()))
    }

    /// Number of accounts. Counting a million rows takes tens of milliseconds, so the count is
    /// kept until this connection or another one writes (`PRAGMA data_version`).
    pub fn count_accounts(&self) -> Result<u64> {
        let key = self.state_key()?;
        if let Some(n) = self.kept_count(key) {
            return Ok(n);
        }
        let n = self
            .conn
            .query_row("SELECT count(*) FROM accounts", [], |r| r.get::<_, i64>(0))?
            as u64;
        self.count_cache.set(Some((key, n)));
        Ok(n)
    }

    fn kept_count(&self, key: (i64, u64)) -> Option<u64> {
        self.count_cache
            .get()
            .filter(|(k, _)| *k == key)
            .map(|(_, n)| n)
    }

    /// How many accounts there are at the most, for the listing's choices of a path: the count
    /// when this connection already knows it, else the largest id (one look-up, where counting
    /// reads every entry of an index: 2 ms of a 9 ms search from the command line).
    fn accounts_at_most(&self) -> Result<u64> {
        if let Some(n) = self.kept_count(self.state_key()?) {
            return Ok(n);
        }
        Ok(self.max_account_id()? as u64)
    }

    /// The highest account id (0 for none): ids are never reused, so it bounds the count.
    pub(crate) fn max_account_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM accounts", [], |r| {
                r.get(0)
            })?)
    }

    /// One page of the table, sorted, filtered by the search text.
    pub fn list_accounts(&self, q: &ListQuery) -> Result<Page> {
        let cc = self.settings()?.country_code;
        let limit = q.limite.clamp(1, MAX_PAGE);
        let dir = if q.desc { "DESC" } else { "ASC" };
        let order = format!("{} {dir}, id {dir}", q.tri.sql());
        let ids = crate::search::matching_ids(&self.conn, &q.recherche, &cc)?;
        let Some(ids) = ids else {
            let total = self.count_accounts()?;
            if let Some(page) = self.page_of_all(q.tri, q.desc, q.decalage, limit)? {
                let page = page.into_iter().map(rusqlite::types::Value::from).collect();
                return Ok(Page {
                    total,
                    offset: q.decalage,
                    rows: self.rows_by_id(page, &order, i64::MAX, 0)?,
                });
            }
            let rows = if q.tri.indexed() {
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT {} FROM accounts ORDER BY {order} LIMIT ?1 OFFSET ?2",
                    *columns::ACCOUNT
                ))?;
                let rows = stmt
                    .query_map(params![limit, q.decalage as i64], from_row)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            } else {
                // A full sort. SQLite's sorter copies what it sorts: the ids alone, then the
                // page's rows, cost a third to a sixth of sorting whole rows at 200,000
                // accounts (Etat descending 471 ms → 76 ms, Touche 1 at 100,000 1,138 → 251).
                // Among a search's matches it does not pay: each match is read by id anyway.
                // One snapshot for both reads, so that a call billed between them cannot
                // reorder the page.
                let _snapshot = self
                    .conn
                    .is_autocommit()
                    .then(|| self.conn.unchecked_transaction())
                    .transpose()?;
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT id FROM accounts ORDER BY {order} LIMIT ?1 OFFSET ?2"
                ))?;
                let page = stmt
                    .query_map(params![limit, q.decalage as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<rusqlite::types::Value>>>()?;
                self.rows_by_id(page, &order, i64::MAX, 0)?
            };
            return Ok(Page {
                total,
                offset: q.decalage,
                rows,
            });
        };
        let total = ids.len() as u64;
        if ids.len() > 1000 {
            if let Some(page) = self.page_by_rank(&ids, q.tri, q.desc, q.decalage, limit)? {
                let page = page.into_iter().map(rusqlite::types::Value::from).collect();
                return Ok(Page {
                    total,
                    offset: q.decalage,
                    rows: self.rows_by_id(page, &order, i64::MAX, 0)?,
                });
            }
        }
        let lignes = match self.walk_sort_order(&ids, &order, q, limit)? {
            Some(page) => self.rows_by_id(page, &order, i64::MAX, 0)?,
            None => {
                let all = ids.into_iter().map(rusqlite::types::Value::from).collect();
                self.rows_by_id(all, &order, i64::from(limit), q.decalage as i64)?
            }
        };
        Ok(Page {
            total,
            offset: q.decalage,
            rows: lignes,
        })
    }

    /// For a search with many matches, the page's ids found by walking the sort order (ids only,
    /// from the sort column's index when it has one) and keeping the matches, instead of handing
    /// SQLite thousands of ids to read and sort: the first matches of "m" in name order come
    /// after ~38,000 other names, which must not cost 38,000 row reads. `None` when the list of
    /// matches is the cheaper way: few matches, an unindexed sort column (the walk needs a full
    /// sort) unless matches are a large share of the table, or matches that sit far down the sort
    /// order ("mo": every Mohamed comes after 600,000 other names), found by a bounded walk.
    fn walk_sort_order(
        &self,
        ids: &[i64],
        order: &str,
        q: &ListQuery,
        limit: u32,
    ) -> Result<Option<Vec<rusqlite::types::Value>>> {
        if ids.len() <= 1000 {
            return Ok(None);
        }
        let accounts = self.accounts_at_most()?.max(1);
        let dense = ids.len() as u64 > accounts / 8;
        if !(dense || (q.tri.indexed() && ids.len() >= 4096)) {
            return Ok(None);
        }
        // Evenly spread matches fill the page within (offset + limit) × accounts / matches
        // entries; four times that, and clustered ones go back to the list of matches.
        let wanted = q.decalage + u64::from(limit);
        let budget = if dense {
            u64::MAX
        } else {
            (4 * wanted * accounts / ids.len() as u64).max(50_000)
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT id FROM accounts ORDER BY {order}"))?;
        let mut rows = stmt.query([])?;
        let (mut seen, mut skipped) = (0u64, 0u64);
        let mut page = Vec::with_capacity(limit as usize);
        while let Some(r) = rows.next()? {
            seen += 1;
            if seen > budget {
                return Ok(None);
            }
            let id: i64 = r.get(0)?;
            if ids.binary_search(&id).is_err() {
                continue;
            }
            if skipped < q.decalage {
                skipped += 1;
                continue;
            }
            page.push(rusqlite::types::Value::from(id));
            if page.len() == limit as usize {
                break;
            }
        }
        Ok(Some(page))
    }

    fn rows_by_id(
        &self,
        ids: Vec<rusqlite::types::Value>,
        order: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Account>> {
        rusqlite::vtab::array::load_module(&self.conn)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM accounts WHERE id IN rarray(?1)
             ORDER BY {order} LIMIT ?2 OFFSET ?3",
            *columns::ACCOUNT
        ))?;
        let rows = stmt
            .query_map(params![Rc::new(ids), limit, offset], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// Short French summary of what an edit changed, for the audit log.
pub(crate) fn describe_changes(before: &Account, d: &AccountDraft) -> String {
    let mut parts = Vec::new();
    if before.name != d.name.as_str() {
        parts.push(format!("nom « {} » → « {} »", before.name, d.name.as_str()));
    }
    if before.matricule != d.matricule.as_str() {
        parts.push(format!(
            "matricule {} → {}",
            before.matricule,
            d.matricule.as_str()
        ));
    }
    if before.identifiant != d.identifiant.as_str() {
        parts.push(format!(
            "identifiant {} → {}",
            before.identifiant,
            d.identifiant.as_str()
        ));
    }
    if before.enabled != d.enabled {
        parts.push(format!(
            "état du compte : {}",
            crate::domain::state::switch_label(d.enabled)
        ));
    }
    if before.billing != d.billing {
        parts.push(format!(
            "calcul billing : {}",
            crate::domain::state::switch_label(d.billing)
        ));
    }
    if before.allowance_minutes != d.allowance_minutes {
        parts.push(format!(
            "durée d'appel : {}",
            d.allowance_minutes
                .map_or("illimitée".to_string(), |m| format!("{m} min"))
        ));
    }
    for (i, p) in d.phones.iter().enumerate() {
        let new = p.as_ref().map(|p| p.as_str());
        if before.phones[i].as_deref() != new {
            parts.push(format!("touche {} : {}", i + 1, new.unwrap_or("(vide)")));
        }
    }
    parts.join(" ; ")
}
