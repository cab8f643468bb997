//! The writing half of an import: accounts inserted or updated in the import's transaction,
//! refusals explained (the earlier line, or the account already in the database).

use super::line::LineError;
use super::Checked;
use crate::domain::{AccountDraft, Field};
use crate::error::Result;
use crate::search::index::{AheadPart, BucketBatch, IndexBatch, SortedPostings, StoredAccount};
use crate::store::accounts::{self, indexed_draft, phones_of};
use crate::store::columns;
use crate::store::ledger::{self, MovementKind};
use crate::store::shared::Lite;
use crate::store::{now, ACCOUNT_INDEXES};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

pub enum Written {
    Created,
    Updated,
}

/// Writes accounts inside the import transaction and explains refusals.
pub struct Writer<'c> {
    conn: &'c Connection,
    settings: &'c crate::store::Settings,
    operator: &'c str,
    at: i64,
    /// First id this import creates: ids below existed before.
    first_new_id: i64,
    /// Line of each created account, by `id - first_new_id`.
    new_lines: Vec<u32>,
    /// Line of each account updated by this import.
    updated_lines: HashMap<i64, u64>,
    index: IndexBatch,
    insert: rusqlite::CachedStatement<'c>,
    /// First import into an empty table ("bulk" mode): the table's indexes are dropped, rows
    /// appended, and the indexes built once at the end (a sorted build instead of hundreds of
    /// thousands of random insertions). Duplicates within the file are then found when the
    /// unique indexes are built (see `end_of_lines`).
    bulk: bool,
    indexes_rebuilt: bool,
    unique_built: bool,
    removed_postings: Option<IndexBatch>,
}

/// A matricule or identifiant of line `line` that an account of the base already has (named).
pub(crate) fn in_base_error(line: u64, field: Field, value: &str, name: &str) -> LineError {
    let text = match field {
        Field::Matricule => format!(
            "le matricule {value} existe déjà dans la base (compte {}) ; \
             choisissez « mettre à jour les comptes existants » pour le modifier",
            crate::fr::de(name)
        ),
        _ => format!("l'identifiant {value} est déjà attribué à {name} dans la base"),
    };
    LineError::at(line, field, value, text)
}

/// A matricule or identifiant that an earlier line of the file already has: said alike whether
/// the line is refused as it is written or, in bulk mode, once every line is in.
pub(crate) fn earlier_line(line: u64, field: Field, value: &str, prev: u64) -> LineError {
    let what = match field {
        Field::Matricule => "le matricule",
        _ => "l'identifiant",
    };
    LineError::at(
        line,
        field,
        value,
        format!("{what} {value} figure déjà à la ligne {prev}"),
    )
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

impl<'c> Writer<'c> {
    pub fn new(
        conn: &'c Connection,
        settings: &'c crate::store::Settings,
        operator: &'c str,
    ) -> Result<Self> {
        let first_new_id: i64 =
            conn.query_row("SELECT ifnull(max(id), 0) + 1 FROM accounts", [], |r| {
                r.get(0)
            })?;
        let empty: bool =
            conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM accounts)", [], |r| {
                r.get(0)
            })?;
        if empty {
            for (name, _) in ACCOUNT_INDEXES {
                conn.execute_batch(&format!("DROP INDEX {name}"))?;
            }
        }
        let bulk = empty;
        let mut index = IndexBatch::default();
        // New accounts get ids above every existing one: their digit grams land in ranges of
        // ids no list holds yet, written without being read back.
        index.nothing_stored_from(if empty { 0 } else { first_new_id });
        Ok(Writer {
            bulk,
            indexes_rebuilt: false,
            unique_built: false,
            removed_postings: None,
            conn,
            settings,
            operator,
            at: now(),
            first_new_id,
            new_lines: Vec::new(),
            updated_lines: HashMap::new(),
            index,
            insert: conn.prepare_cached(&accounts::INSERT_DRAFT)?,
        })
    }

    fn line_of(&self, id: i64) -> Option<u64> {
        if id >= self.first_new_id {
            self.new_lines
                .get((id - self.first_new_id) as usize)
                .map(|l| *l as u64)
        } else {
            self.updated_lines.get(&id).copied()
        }
    }

    pub fn write(
        &mut self,
        mut d: AccountDraft,
        key: String,
        line: u64,
        update_existing: bool,
    ) -> Result<Checked> {
        // Into an empty base (`bulk`, its indexes dropped) there is nothing to update, and the
        // look-up would scan the table for every line.
        if update_existing && !self.bulk {
            let existing: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM accounts WHERE matricule = ?1")?
                .query_row([d.matricule.as_str()], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing.filter(|id| *id < self.first_new_id) {
                return self.update(id, &d, key, line);
            }
        }
        // A new account starts as the Settings say, whatever the line's draft holds.
        let s = self.settings;
        d.enabled = s.default_enabled;
        d.billing = s.default_billing;
        d.allowance_minutes = s.default_allowance_min;
        match accounts::execute_draft(&mut self.insert, &d, &key, &[&self.at]) {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Ok(Err(self.explain_duplicate(&d, line, None)?))
            }
            Err(e) => return Err(e.into()),
        }
        let id = self.conn.last_insert_rowid();
        self.new_lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        if s.default_opening_balance.0 > 0 {
            ledger::apply(
                self.conn,
                id,
                MovementKind::Initial,
                s.default_opening_balance.0,
                "",
                self.operator,
                self.at,
            )?;
        }
        let a = indexed_draft(&d, &key);
        if self.bulk {
            // Grams and words come from the reading thread (see `AheadIndex`), which counts
            // on this.
            debug_assert_eq!(id, self.first_new_id + self.new_lines.len() as i64 - 1);
            self.index.add_tokens(id, &a, &s.country_code);
        } else {
            self.index.add(id, &a, &s.country_code);
        }
        self.index.flush_if_large(self.conn)?;
        Ok(Ok(Written::Created))
    }

    fn update(&mut self, id: i64, d: &AccountDraft, key: String, line: u64) -> Result<Checked> {
        if let Some(prev) = self.updated_lines.get(&id) {
            let m = d.matricule.as_str();
            return Ok(Err(vec![earlier_line(line, Field::Matricule, m, *prev)]));
        }
        let before = StoredAccount::read(self.conn, id)?;
        // The matricule found the account; its state, billing and allowance stay as they are.
        let r = self
            .conn
            .prepare_cached(&format!(
                "UPDATE accounts SET name = ?2, name_key = ?3, identifiant = ?4, {}, updated_at = ?15
                 WHERE id = ?1",
                columns::phone_assignments(5)
            ))?
            .execute(columns::around_phones(
                &[&id, &d.name.as_str(), &key, &d.identifiant.as_str()],
                &phones_of(d),
                &[&self.at],
            ));
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Ok(Err(self.explain_duplicate(d, line, Some(id))?))
            }
            Err(e) => return Err(e.into()),
        }
        self.updated_lines.insert(id, line);
        let cc = &self.settings.country_code;
        self.index.remove(id, &before.indexed(), cc);
        self.index.add(id, &indexed_draft(d, &key), cc);
        self.index.flush_if_large(self.conn)?;
        Ok(Ok(Written::Updated))
    }

    /// Names the earlier line, or the account already in the database, for each of matricule
    /// and identifiant that is taken.
    fn explain_duplicate(
        &self,
        d: &AccountDraft,
        line: u64,
        updating: Option<i64>,
    ) -> Result<Vec<LineError>> {
        let mut errors = Vec::new();
        let values = [d.matricule.as_str(), d.identifiant.as_str()];
        for (which, ((field, _, _), value)) in accounts::UNIQUE.into_iter().zip(values).enumerate()
        {
            let holder = accounts::holder(&mut Lite(self.conn), which, value)?;
            let Some((id, name)) = holder.filter(|(id, _)| Some(*id) != updating) else {
                continue;
            };
            errors.push(match self.line_of(id) {
                Some(prev) => earlier_line(line, field, value, prev),
                None => in_base_error(line, field, value, &name),
            });
        }
        if errors.is_empty() {
            errors.push(LineError::whole(line, "compte en double"));
        }
        Ok(errors)
    }

    pub fn is_bulk(&self) -> bool {
        self.bulk
    }

    /// Id the first account this import creates gets.
    pub fn first_new_id(&self) -> i64 {
        self.first_new_id
    }

    /// Writes a part of the index built on the reading thread (bulk mode).
    pub fn write_ahead(&mut self, part: AheadPart) -> Result<()> {
        self.index.write_ahead(self.conn, part)
    }

    /// The bucket postings collected so far (bulk mode: additions only), to sort on another
    /// thread (see `merge_postings`).
    pub fn take_postings(&mut self) -> BucketBatch {
        self.index.take_buckets()
    }

    pub fn merge_postings(&mut self, postings: SortedPostings) -> Result<()> {
        postings.merge_into(self.conn)?;
        self.index.flush(self.conn)?;
        // Postings of lines removed as duplicates after they were collected.
        if let Some(mut gone) = self.removed_postings.take() {
            gone.flush(self.conn)?;
        }
        Ok(())
    }

    /// Bulk mode, once every line is in: builds the unique indexes. Should the file hold the same
    /// matricule or identifiant twice, the build fails; the later lines are then found (in line
    /// order, exactly as the line-by-line path would refuse them), removed, and returned with
    /// their errors, and the build is run again.
    pub fn end_of_lines(&mut self) -> Result<Vec<(u64, Vec<LineError>)>> {
        if !self.bulk || self.unique_built {
            return Ok(Vec::new());
        }
        self.unique_built = true;
        let unique = &ACCOUNT_INDEXES[..2];
        let build = |conn: &Connection| -> rusqlite::Result<()> {
            for (_, create) in unique {
                conn.execute_batch(create)?;
            }
            Ok(())
        };
        match build(self.conn) {
            Ok(()) => return Ok(Vec::new()),
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
        for (name, _) in unique {
            self.conn
                .execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
        }
        let rejected = self.duplicates_in_file()?;
        let cc = self.settings.country_code.clone();
        let mut gone = IndexBatch::default();
        for (id, _, _) in &rejected {
            let a = StoredAccount::read(self.conn, *id)?;
            gone.remove(*id, &a.indexed(), &cc);
            self.conn.execute(accounts::DELETE_ACCOUNT, [id])?;
        }
        self.removed_postings = Some(gone);
        build(self.conn)?;
        Ok(rejected
            .into_iter()
            .map(|(_, line, errs)| (line, errs))
            .collect())
    }

    /// Rows whose matricule or identifiant an earlier accepted row already has.
    fn duplicates_in_file(&self) -> Result<Vec<(i64, u64, Vec<LineError>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, matricule, identifiant FROM accounts
             WHERE matricule IN (SELECT matricule FROM accounts GROUP BY matricule HAVING count(*) > 1)
                OR identifiant IN (SELECT identifiant FROM accounts GROUP BY identifiant HAVING count(*) > 1)
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<Vec<(i64, String, String)>>>()?;
        let mut matricules: HashMap<String, u64> = HashMap::new();
        let mut identifiants: HashMap<String, u64> = HashMap::new();
        let mut rejected = Vec::new();
        for (id, m, i) in rows {
            let line = self.line_of(id).unwrap_or_default();
            let errors: Vec<LineError> = [
                (Field::Matricule, &m, matricules.get(&m)),
                (Field::Identifiant, &i, identifiants.get(&i)),
            ]
            .into_iter()
            .filter_map(|(field, value, prev)| Some(earlier_line(line, field, value, *prev?)))
            .collect();
            if errors.is_empty() {
                matricules.insert(m, line);
                identifiants.insert(i, line);
            } else {
                rejected.push((id, line, errors));
            }
        }
        Ok(rejected)
    }

    /// Bulk mode: builds the name index, once every row is in (after `end_of_lines`).
    pub fn rebuild_name_index(&mut self) -> Result<()> {
        if self.bulk && !self.indexes_rebuilt {
            debug_assert!(self.unique_built);
            self.conn.execute_batch(ACCOUNT_INDEXES[2].1)?;
            self.indexes_rebuilt = true;
        }
        Ok(())
    }

    /// Completes the writes before commit.
    pub fn finish(&mut self) -> Result<()> {
        self.index.flush(self.conn)?;
        if let Some(mut gone) = self.removed_postings.take() {
            gone.flush(self.conn)?;
        }
        self.rebuild_name_index()
    }
}
