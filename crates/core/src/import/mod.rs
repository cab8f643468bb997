//! Import of users (Ajouter plusieurs utilisateurs): all accepted lines in one transaction, or
//! nothing. The file is streamed; memory holds a few bytes per imported line (for duplicate
//! messages) and the pending search postings, flushed in batches.

pub mod line;
pub mod reader;
pub mod report;

use crate::domain::{AccountDraft, Field, KEYS};
use crate::error::{Error, Result};
use crate::search::index::{account_tokens, name_key, IndexBatch, FLUSH_BYTES};
use crate::store::ledger::{self, MovementKind};
use crate::store::{audit, now, Store};
use line::{parse_line, LineError};
use reader::{detect_encoding, open_text, sample, sniff_separator, RecordReader};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Write the valid lines even if others are refused.
    #[serde(default)]
    pub skip_invalid: bool,
    /// A matricule already in the database updates that account instead of being refused.
    #[serde(default)]
    pub update_existing: bool,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub lignes: u64,
    pub octets: u64,
    pub octets_total: u64,
}

/// Errors kept for the preview and the error report; the count goes on beyond.
pub const MAX_KEPT_ERRORS: usize = 100_000;

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Non-blank lines read.
    pub lignes_lues: u64,
    /// Lines without error (would be or were written).
    pub valides: u64,
    /// Lines with at least one error.
    pub rejetees: u64,
    /// Accounts created (0 when nothing was written).
    pub crees: u64,
    /// Accounts updated (with `update_existing`).
    pub mis_a_jour: u64,
    /// True when the transaction was committed.
    pub ecrit: bool,
    pub erreurs: Vec<LineError>,
    pub erreurs_total: u64,
    pub encodage: &'static str,
    pub separateur: String,
}

impl ImportReport {
    /// `N importés, M rejetés`: the last line the command line prints.
    pub fn summary(&self) -> String {
        let n = if self.ecrit {
            self.crees + self.mis_a_jour
        } else {
            0
        };
        format!("{n} importés, {} rejetés", self.rejetees)
    }
}

/// Calls `progress` every this many lines.
const PROGRESS_EVERY: u64 = 2048;

pub fn import_users(
    store: &mut Store,
    path: &Path,
    opts: ImportOptions,
    progress: &mut dyn FnMut(Progress),
    on_error: &mut dyn FnMut(&LineError),
) -> Result<ImportReport> {
    let settings = store.settings()?;
    let operator = store.operator().to_string();
    let total = std::fs::metadata(path)
        .map_err(|e| Error::io(path, &e))?
        .len();
    if std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::Io(format!("{} est un dossier.", path.display())));
    }
    let enc = detect_encoding(path)?;
    let sep = sniff_separator(&sample(path, enc)?, line::MIN_FIELDS..=line::MAX_FIELDS);
    let (text, bytes) = open_text(path, enc)?;
    let mut records = RecordReader::new(text, sep);

    let mut report = ImportReport {
        lignes_lues: 0,
        valides: 0,
        rejetees: 0,
        crees: 0,
        mis_a_jour: 0,
        ecrit: false,
        erreurs: Vec::new(),
        erreurs_total: 0,
        encodage: enc.label(),
        separateur: match sep {
            b'\t' => "tabulation".into(),
            s => (s as char).to_string(),
        },
    };
    let mut keep = |report: &mut ImportReport, errs: Vec<LineError>| {
        report.rejetees += 1;
        for e in errs {
            on_error(&e);
            report.erreurs_total += 1;
            if report.erreurs.len() < MAX_KEPT_ERRORS {
                report.erreurs.push(e);
            }
        }
    };

    let old_cache: i64 = store
        .conn
        .pragma_query_value(None, "cache_size", |r| r.get(0))?;
    // A larger page cache while the whole import sits in one transaction.
    store.conn.pragma_update(None, "cache_size", -65536)?;
    let result = (|| -> Result<()> {
        let tx = store.write_tx()?;
        let mut w = Writer::new(&tx, &settings, &operator)?;
        let mut first = true;
        while let Some(rec) = records.next_record().map_err(|e| Error::io(path, &e))? {
            if rec.is_blank() {
                continue;
            }
            report.lignes_lues += 1;
            let parsed = parse_line(&rec, first, sep, &settings.country_code);
            first = false;
            match parsed {
                Err(errs) => keep(&mut report, errs),
                Ok(draft) => match w.write(&draft, rec.line, opts.update_existing)? {
                    Ok(Written::Created) => {
                        report.valides += 1;
                        report.crees += 1;
                    }
                    Ok(Written::Updated) => {
                        report.valides += 1;
                        report.mis_a_jour += 1;
                    }
                    Err(errs) => keep(&mut report, errs),
                },
            }
            if report.lignes_lues % PROGRESS_EVERY == 0 {
                progress(Progress {
                    lignes: report.lignes_lues,
                    octets: bytes.get(),
                    octets_total: total,
                });
            }
        }
        progress(Progress {
            lignes: report.lignes_lues,
            octets: bytes.get(),
            octets_total: total,
        });
        if report.lignes_lues == 0 {
            return Err(Error::Rejected(
                "Le fichier ne contient aucune ligne.".into(),
            ));
        }
        let refused = report.rejetees > 0 && !opts.skip_invalid;
        if opts.dry_run || refused || report.valides == 0 {
            return Ok(()); // dropping the transaction rolls it back
        }
        w.finish()?;
        audit::record(
            &tx,
            &operator,
            "Import d'utilisateurs",
            None,
            &format!(
                "{} : {} créés, {} mis à jour, {} lignes rejetées",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                report.crees,
                report.mis_a_jour,
                report.rejetees
            ),
        )?;
        drop(w);
        tx.commit()?;
        report.ecrit = true;
        Ok(())
    })();
    store.conn.pragma_update(None, "cache_size", old_cache)?;
    result?;
    Ok(report)
}

enum Written {
    Created,
    Updated,
}

/// Writes accounts inside the import transaction and explains refusals.
struct Writer<'c> {
    conn: &'c Connection,
    settings: &'c crate::store::Settings,
    operator: &'c str,
    at: i64,
    /// First id this import creates: ids below existed before.
    first_new_id: i64,
    /// Line of each created account, by `id - first_new_id`.
    new_lines: Vec<u64>,
    /// Line of each account updated by this import.
    updated_lines: HashMap<i64, u64>,
    index: IndexBatch,
    insert: rusqlite::CachedStatement<'c>,
}

const INSERT: &str = "INSERT INTO accounts (name, name_key, matricule, identifiant, enabled, billing,
    allowance_min, phone1, phone2, phone3, phone4, phone5, phone6, phone7, phone8, phone9, phone10,
    created_at, updated_at, balance)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, 0)";

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

impl<'c> Writer<'c> {
    fn new(
        conn: &'c Connection,
        settings: &'c crate::store::Settings,
        operator: &'c str,
    ) -> Result<Self> {
        let first_new_id: i64 =
            conn.query_row("SELECT ifnull(max(id), 0) + 1 FROM accounts", [], |r| {
                r.get(0)
            })?;
        Ok(Writer {
            conn,
            settings,
            operator,
            at: now(),
            first_new_id,
            new_lines: Vec::new(),
            updated_lines: HashMap::new(),
            index: IndexBatch::default(),
            insert: conn.prepare_cached(INSERT)?,
        })
    }

    fn line_of(&self, id: i64) -> Option<u64> {
        if id >= self.first_new_id {
            self.new_lines
                .get((id - self.first_new_id) as usize)
                .copied()
        } else {
            self.updated_lines.get(&id).copied()
        }
    }

    fn write(
        &mut self,
        d: &AccountDraft,
        line: u64,
        update_existing: bool,
    ) -> Result<std::result::Result<Written, Vec<LineError>>> {
        if update_existing {
            let existing: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM accounts WHERE matricule = ?1")?
                .query_row([d.matricule.as_str()], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing.filter(|id| *id < self.first_new_id) {
                return self.update(id, d, line);
            }
        }
        let s = self.settings;
        let p: Vec<Option<&str>> = d
            .phones
            .iter()
            .map(|p| p.as_ref().map(|p| p.as_str()))
            .collect();
        let key = name_key(d.name.as_str());
        let r = self.insert.execute(params![
            d.name.as_str(),
            key,
            d.matricule.as_str(),
            d.identifiant.as_str(),
            s.default_enabled,
            s.default_billing,
            s.default_allowance_min,
            p[0],
            p[1],
            p[2],
            p[3],
            p[4],
            p[5],
            p[6],
            p[7],
            p[8],
            p[9],
            self.at
        ]);
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Ok(Err(self.explain_duplicate(d, line, None)?))
            }
            Err(e) => return Err(e.into()),
        }
        let id = self.conn.last_insert_rowid();
        self.new_lines.push(line);
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
        self.index.add(
            id,
            &account_tokens(&key, p.iter().flatten().copied(), &s.country_code),
        );
        if self.index.pending_bytes() > FLUSH_BYTES {
            self.index.flush(self.conn)?;
        }
        Ok(Ok(Written::Created))
    }

    fn update(
        &mut self,
        id: i64,
        d: &AccountDraft,
        line: u64,
    ) -> Result<std::result::Result<Written, Vec<LineError>>> {
        if let Some(prev) = self.updated_lines.get(&id) {
            return Ok(Err(vec![LineError {
                line,
                field: Some(Field::Matricule),
                value: d.matricule.as_str().into(),
                message: format!(
                    "le matricule {} figure déjà à la ligne {prev}",
                    d.matricule.as_str()
                ),
            }]));
        }
        let (old_key, old_phones): (String, Vec<Option<String>>) = self.conn.query_row(
            "SELECT name_key, phone1, phone2, phone3, phone4, phone5, phone6, phone7, phone8,
                    phone9, phone10 FROM accounts WHERE id = ?1",
            [id],
            |r| {
                let mut v = Vec::with_capacity(KEYS);
                for i in 1..=KEYS {
                    v.push(r.get(i)?);
                }
                Ok((r.get(0)?, v))
            },
        )?;
        let p: Vec<Option<&str>> = d
            .phones
            .iter()
            .map(|p| p.as_ref().map(|p| p.as_str()))
            .collect();
        let key = name_key(d.name.as_str());
        let r = self
            .conn
            .prepare_cached(
                "UPDATE accounts SET name = ?2, name_key = ?3, identifiant = ?4, phone1 = ?5,
                    phone2 = ?6, phone3 = ?7, phone4 = ?8, phone5 = ?9, phone6 = ?10, phone7 = ?11,
                    phone8 = ?12, phone9 = ?13, phone10 = ?14, updated_at = ?15
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                d.name.as_str(),
                key,
                d.identifiant.as_str(),
                p[0],
                p[1],
                p[2],
                p[3],
                p[4],
                p[5],
                p[6],
                p[7],
                p[8],
                p[9],
                self.at
            ]);
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Ok(Err(self.explain_duplicate(d, line, Some(id))?))
            }
            Err(e) => return Err(e.into()),
        }
        self.updated_lines.insert(id, line);
        let cc = &self.settings.country_code;
        self.index.remove(
            id,
            &account_tokens(
                &old_key,
                old_phones.iter().flatten().map(|s| s.as_str()),
                cc,
            ),
        );
        self.index
            .add(id, &account_tokens(&key, p.iter().flatten().copied(), cc));
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
        for (field, col, value, what) in [
            (
                Field::Matricule,
                "matricule",
                d.matricule.as_str(),
                "le matricule",
            ),
            (
                Field::Identifiant,
                "identifiant",
                d.identifiant.as_str(),
                "l'identifiant",
            ),
        ] {
            let holder: Option<(i64, String)> = self
                .conn
                .prepare_cached(&format!("SELECT id, name FROM accounts WHERE {col} = ?1"))?
                .query_row([value], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((id, name)) = holder.filter(|(id, _)| Some(*id) != updating) else {
                continue;
            };
            let message = match self.line_of(id) {
                Some(prev) => format!("{what} {value} figure déjà à la ligne {prev}"),
                None if field == Field::Matricule => format!(
                    "{what} {value} existe déjà dans la base (compte de {name}) ; \
                     choisissez « mettre à jour les comptes existants » pour le modifier"
                ),
                None => format!("{what} {value} est déjà attribué à {name} dans la base"),
            };
            errors.push(LineError {
                line,
                field: Some(field),
                value: value.to_string(),
                message,
            });
        }
        if errors.is_empty() {
            errors.push(LineError {
                line,
                field: None,
                value: String::new(),
                message: "compte en double".into(),
            });
        }
        Ok(errors)
    }

    fn finish(&mut self) -> Result<()> {
        self.index.flush(self.conn)
    }
}

pub use report::write_error_report;
