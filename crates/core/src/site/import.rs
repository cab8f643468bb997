//! Import of users into a site: the same reading and line checks as on SQLite (`import`), the
//! same refusals said the same way, and the accepted accounts sent with `COPY`, all in one
//! transaction or nothing.

use super::accounts::search_text;
use super::SiteStore;
use crate::domain::{AccountDraft, Field};
use crate::error::{Error, Result};
use crate::import::parse::Msg;
use crate::import::writer::{earlier_line, in_base_error, Written};
use crate::import::{Checked, ImportOptions, ImportReport, Opened};
use crate::rules::NumberRules;
use crate::store::columns::PHONE_LIST;
use crate::store::now;
use postgres::Transaction;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// COPY rows are sent in parts of about this size, so that memory stays bounded.
const COPY_PART: usize = 8 << 20;

/// A value in COPY's text format.
fn copy_text(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(v) => copy_bytes(out, v.as_bytes()),
        None => out.extend_from_slice(b"\\N"),
    }
}

/// Bytes in COPY's text format: the backslash and the three separators escaped.
pub(super) fn copy_bytes(out: &mut Vec<u8>, v: &[u8]) {
    for &b in v {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b => out.push(b),
        }
    }
}

/// Who holds a matricule or an identifiant in the database: id and name.
type Holders = HashMap<String, (i64, String)>;

/// The batch's holders as the database has them when the batch starts: by matricule, by
/// identifiant, and the identifiant of each account found.
#[derive(Default)]
struct Held {
    by_matricule: Holders,
    by_identifiant: Holders,
    identifiant_of: HashMap<i64, String>,
}

struct SiteWriter<'a, 't> {
    tx: &'a mut Transaction<'t>,
    settings: &'a crate::store::Settings,
    at: i64,
    /// The accounts table was empty: nothing to look up.
    was_empty: bool,
    /// Accounts with a greater id are this import's own (sent by an earlier part of COPY).
    max_before: i64,
    /// Line of each matricule and identifiant accepted for a new account.
    new_matricules: HashMap<String, u64>,
    new_identifiants: HashMap<String, u64>,
    /// Line of each account updated (by id).
    updated: HashMap<i64, u64>,
    /// Identifiants an update of this import moved: to whom and on which line, or freed. The
    /// database's holders are read once per batch, before its updates.
    moved: HashMap<String, Option<(i64, String, u64)>>,
    rows: Vec<u8>,
}

impl SiteWriter<'_, '_> {
    /// Holders in the database of the batch's matricules and identifiants.
    fn holders(&mut self, drafts: &[&AccountDraft]) -> Result<Held> {
        if self.was_empty && self.updated.is_empty() {
            return Ok(Default::default());
        }
        let ms: Vec<&str> = drafts.iter().map(|d| d.matricule.as_str()).collect();
        let is: Vec<&str> = drafts.iter().map(|d| d.identifiant.as_str()).collect();
        let rows = self.tx.query(
            "SELECT id, name, matricule, identifiant FROM accounts
             WHERE matricule = ANY($1) OR identifiant = ANY($2)",
            &[&ms, &is],
        )?;
        let mut held = Held::default();
        for r in rows {
            let holder: (i64, String) = (r.get(0), r.get(1));
            held.identifiant_of.insert(holder.0, r.get(3));
            held.by_matricule.insert(r.get(2), holder.clone());
            held.by_identifiant.insert(r.get(3), holder);
        }
        Ok(held)
    }

    /// Who holds the identifiant `i` now, and the line of this import that gave it to them
    /// (an update that moved it, or any update of that account): `None` when it is free.
    fn identifiant_holder(&self, i: &str, held: &Holders) -> Option<(i64, String, Option<u64>)> {
        match self.moved.get(i) {
            Some(Some((id, name, line))) => Some((*id, name.clone(), Some(*line))),
            Some(None) => None,
            None => held
                .get(i)
                .map(|(id, name)| (*id, name.clone(), self.updated.get(id).copied())),
        }
    }

    fn write(
        &mut self,
        mut d: AccountDraft,
        key: String,
        line: u64,
        update_existing: bool,
        held: &Held,
    ) -> Result<Checked> {
        let (m, i) = (
            d.matricule.as_str().to_string(),
            d.identifiant.as_str().to_string(),
        );
        if update_existing && !self.new_matricules.contains_key(&m) {
            if let Some((id, _)) = held
                .by_matricule
                .get(&m)
                .filter(|(id, _)| *id <= self.max_before)
            {
                return self.update(*id, &d, &key, line, held);
            }
        }
        let mut errors = Vec::new();
        let m_holder = held
            .by_matricule
            .get(&m)
            .map(|(id, name)| (*id, name.clone(), self.updated.get(id).copied()));
        for (field, value, in_file, in_base) in [
            (Field::Matricule, &m, self.new_matricules.get(&m), m_holder),
            (
                Field::Identifiant,
                &i,
                self.new_identifiants.get(&i),
                self.identifiant_holder(&i, &held.by_identifiant),
            ),
        ] {
            if let Some(prev) = in_file {
                errors.push(earlier_line(line, field, value, *prev));
            } else if let Some((_, name, by_line)) = in_base {
                errors.push(match by_line {
                    Some(prev) => earlier_line(line, field, value, prev),
                    None => in_base_error(line, field, value, &name),
                });
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let s = self.settings;
        d.enabled = s.default_enabled;
        d.billing = s.default_billing;
        d.allowance_minutes = s.default_allowance_min;
        let r = &mut self.rows;
        for v in [d.name.as_str(), &key, &m, &i] {
            copy_text(r, Some(v));
            r.push(b'\t');
        }
        r.extend_from_slice(if d.enabled { b"t\t" } else { b"f\t" });
        r.extend_from_slice(if d.billing { b"t\t" } else { b"f\t" });
        copy_text(r, d.allowance_minutes.map(|a| a.to_string()).as_deref());
        for p in &d.phones {
            r.push(b'\t');
            copy_text(r, p.as_ref().map(|p| p.as_str()));
        }
        let _ = write!(
            r,
            "\t{at}\t{at}\t{}\t",
            s.default_opening_balance.0,
            at = self.at
        );
        let search = search_text(
            &key,
            &m,
            &i,
            d.phones.iter().map(|p| p.as_ref().map(|p| p.as_str())),
            &s.country_code,
        );
        copy_text(r, Some(&search));
        r.push(b'\n');
        self.new_matricules.insert(m, line);
        self.new_identifiants.insert(i, line);
        if self.rows.len() > COPY_PART {
            self.flush()?;
        }
        Ok(Ok(Written::Created))
    }

    fn update(
        &mut self,
        id: i64,
        d: &AccountDraft,
        key: &str,
        line: u64,
        held: &Held,
    ) -> Result<Checked> {
        let (m, i) = (d.matricule.as_str(), d.identifiant.as_str());
        if let Some(prev) = self.updated.get(&id) {
            return Ok(Err(vec![earlier_line(line, Field::Matricule, m, *prev)]));
        }
        if let Some(prev) = self.new_identifiants.get(i) {
            return Ok(Err(vec![earlier_line(line, Field::Identifiant, i, *prev)]));
        }
        let holder = self.identifiant_holder(i, &held.by_identifiant);
        if let Some((_, name, by_line)) = holder.as_ref().filter(|(other, ..)| *other != id) {
            return Ok(Err(vec![match by_line {
                Some(prev) => earlier_line(line, Field::Identifiant, i, *prev),
                None => in_base_error(line, Field::Identifiant, i, name),
            }]));
        }
        // An account is updated once per import: the database still has its identifiant.
        let old = held.identifiant_of.get(&id).cloned();
        // The matricule found the account; its state, billing and allowance stay as they are.
        let sql = format!(
            "UPDATE accounts SET name = $2, name_key = $3, identifiant = $4, {}, updated_at = $15,
                    search = $16
             WHERE id = $1",
            crate::store::columns::phone_assignments(5).replace('?', "$")
        );
        let name = d.name.as_str();
        let phones: Vec<Option<&str>> = d
            .phones
            .iter()
            .map(|p| p.as_ref().map(|p| p.as_str()))
            .collect();
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&id, &name, &key, &i];
        for p in &phones {
            params.push(p);
        }
        params.push(&self.at);
        let search = search_text(
            key,
            m,
            i,
            phones.iter().copied(),
            &self.settings.country_code,
        );
        params.push(&search);
        self.tx.execute(&sql, &params)?;
        self.updated.insert(id, line);
        if old.as_deref() != Some(i) {
            if let Some(old) = old {
                self.moved.insert(old, None);
            }
            self.moved
                .insert(i.to_string(), Some((id, name.to_string(), line)));
        }
        Ok(Ok(Written::Updated))
    }

    /// Sends the rows gathered so far.
    fn flush(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut w = self.tx.copy_in(&format!(
            "COPY accounts (name, name_key, matricule, identifiant, enabled, billing, \
             allowance_min, {}, created_at, updated_at, balance, search) FROM STDIN",
            *PHONE_LIST
        ))?;
        w.write_all(&self.rows).map_err(|e| {
            Error::database(format!("Envoi des comptes au serveur impossible : {e}.")).because(e)
        })?;
        w.finish()?;
        self.rows.clear();
        Ok(())
    }
}

impl SiteStore {
    pub fn number_rules(&self) -> Result<NumberRules> {
        crate::rules::numbers::number_rules(&mut *self.client.borrow_mut())
    }

    /// Imports users from a CSV or workbook file, as [`crate::import::import_users`] on SQLite.
    pub(crate) fn import_users(
        &mut self,
        path: &Path,
        opts: ImportOptions,
        (source, mut report, mut events): Opened<'_>,
    ) -> Result<ImportReport> {
        let rules = self.number_rules()?;
        let refused = self.refusal("importer des comptes");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        // The settings read under the account-writes lock: a new country code waits for the
        // import, which makes every search text with the one in force.
        let settings = super::settings::settings_held(&mut tx)?;
        let cc = settings.country_code.clone();
        // Other desks' writes to the accounts wait for the import (reads go on): the ids the
        // import creates follow each other, and no account appears between the checks and COPY.
        tx.batch_execute("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
            .map_err(&refused)?;
        // Only the tables' owner may drop and build their indexes: an administrator who is not
        // (a member of `forfaits_admin`) imports with the indexes in place.
        let (max_before, was_empty, owner): (i64, bool, bool) = {
            let r = tx.query_one(
                "SELECT coalesce(max(id), 0), NOT EXISTS (SELECT 1 FROM accounts),
                        (SELECT pg_has_role(relowner, 'USAGE') FROM pg_class
                         WHERE oid = 'accounts'::regclass)
                 FROM accounts",
                &[],
            )?;
            (r.get(0), r.get(1), r.get(2))
        };
        let at = now();
        let rebuild_indexes = was_empty && owner;
        if rebuild_indexes {
            // A first import builds the search and name indexes once at the end, sorted, rather
            // than inserting every account's trigrams one by one (as SQLite's bulk import does).
            tx.batch_execute(
                "SET LOCAL maintenance_work_mem = '256MB';
                 DROP INDEX accounts_search; DROP INDEX accounts_name;",
            )?;
        }
        std::thread::scope(|scope| -> Result<()> {
            let mut w = SiteWriter {
                tx: &mut tx,
                settings: &settings,
                at,
                was_empty,
                max_before,
                new_matricules: HashMap::new(),
                new_identifiants: HashMap::new(),
                updated: HashMap::new(),
                moved: HashMap::new(),
                rows: Vec::with_capacity(COPY_PART + 4096),
            };
            let (to_writer, messages) = std::sync::mpsc::sync_channel(8);
            scope.spawn(move || source.send_lines(cc, &rules, to_writer, None));
            for msg in messages {
                match msg {
                    Msg::Lines(batch) => {
                        let drafts: Vec<&AccountDraft> = batch
                            .iter()
                            .filter_map(|p| p.result.as_ref().ok().map(|(d, _)| d))
                            .collect();
                        let held = w.holders(&drafts)?;
                        report.count_batch(
                            batch,
                            |draft, key, line| {
                                w.write(draft, key, line, opts.update_existing, &held)
                            },
                            &mut events,
                        )?;
                    }
                    Msg::EndOfLines { full_layout } => report.end_of_lines(full_layout),
                    Msg::Index(_) => {}
                    Msg::Failed(e) => return Err(crate::import::sheet::read_failure(path, e)),
                }
            }
            if report.commits(opts) {
                w.flush()?;
            }
            Ok(())
        })?;
        if !report.read_all(opts)? {
            return Ok(report); // dropping the transaction rolls it back
        }
        if rebuild_indexes {
            tx.batch_execute(super::init::SEARCH_INDEXES)?;
        }
        if settings.default_opening_balance.0 > 0 {
            tx.execute(
                "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
                 SELECT id, $2, 'initial', balance, balance, '', session_user FROM accounts
                 WHERE id > $1 AND balance > 0",
                &[&max_before, &at],
            )?;
        }
        super::accounts::audit(
            &mut tx,
            "Import d'utilisateurs",
            None,
            &report.audit_details(path),
        )?;
        tx.commit()?;
        report.ecrit = true;
        Ok(report)
    }
}
