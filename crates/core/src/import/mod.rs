//! Import of users (Ajouter plusieurs utilisateurs): all accepted lines in one transaction, or
//! nothing. The file is streamed; memory holds a few bytes per imported line (for duplicate
//! messages) and the pending search postings, flushed in batches.

pub mod line;
mod parse;
pub mod reader;
pub mod report;
pub mod sheet;
mod writer;

use crate::error::{Error, Result};
use crate::fr;
use crate::search::index::AheadIndex;
use crate::store::{audit, Store};
use line::LineError;
use parse::{parse_file, Msg};
use reader::{detect_encoding, open_text, sample, sniff_separator, RecordReader};
use serde::Serialize;
use std::path::Path;
use writer::{Writer, Written};

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
    /// `N importés, M rejetés` (agreed: `1 importé, 0 rejeté`): the last line the command line
    /// prints.
    pub fn summary(&self) -> String {
        let n = if self.ecrit {
            self.crees + self.mis_a_jour
        } else {
            0
        };
        format!(
            "{}, {}",
            fr::nombre(n, "importé", "importés"),
            fr::nombre(self.rejetees, "rejeté", "rejetés")
        )
    }
}

/// Where the lines come from.
enum Source {
    Csv(
        reader::Encoding,
        u8,
        Box<RecordReader<reader::TextStream>>,
        reader::ByteCounter,
    ),
    Sheet(sheet::Kind, sheet::Workbook),
}

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
        .map_err(|e| Error::io(path, e))?
        .len();
    if std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::file(format!("{} est un dossier.", path.display())));
    }
    // A spreadsheet is opened (and refused if unreadable) before anything else; a text file is
    // a CSV file whose encoding and separator are found from its bytes.
    let source = match sheet::kind(path)? {
        Some(kind) => Source::Sheet(kind, sheet::open(path, kind)?),
        None => {
            let enc = detect_encoding(path)?;
            let sep = sniff_separator(&sample(path, enc)?, line::MIN_FIELDS..=line::MAX_FIELDS);
            let (text, bytes) = open_text(path, enc)?;
            Source::Csv(enc, sep, Box::new(RecordReader::new(text, sep)), bytes)
        }
    };
    let (encodage, sep) = match &source {
        Source::Sheet(kind, _) => (kind.label(), b';'),
        Source::Csv(enc, sep, ..) => (enc.label(), *sep),
    };
    let bytes = match &source {
        Source::Csv(.., bytes) => Some(bytes.clone()),
        Source::Sheet(..) => None,
    };

    let mut report = ImportReport {
        lignes_lues: 0,
        valides: 0,
        rejetees: 0,
        crees: 0,
        mis_a_jour: 0,
        ecrit: false,
        erreurs: Vec::new(),
        erreurs_total: 0,
        encodage,
        separateur: match (&source, sep) {
            (Source::Sheet(..), _) => "aucun (colonnes)".into(),
            (_, b'\t') => "tabulation".into(),
            (_, s) => (s as char).to_string(),
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
    // A larger page cache (32 MiB) while the whole import sits in one transaction.
    store.conn.pragma_update(None, "cache_size", -32768)?;
    // Reading and checking lines runs on a second thread while this one writes: the two halves
    // of an import take about as long as each other.
    let cc = settings.country_code.clone();
    // A key of the file set to a blocked number (SPEC §12) is that line's error.
    let rules = store.number_rules()?;
    let result = std::thread::scope(|scope| -> Result<()> {
        let tx = store.write_tx()?;
        let mut w = Writer::new(&tx, &settings, &operator)?;
        let (to_writer, messages) = std::sync::mpsc::sync_channel(8);
        // A first import has its digit grams built on the reading thread (see `AheadIndex`).
        let ahead = w
            .is_bulk()
            .then(|| AheadIndex::new(w.first_new_id(), cc.clone()));
        scope.spawn(move || match source {
            Source::Csv(_, _, mut records, _) => {
                parse_file(&mut *records, sep, cc, &rules, to_writer, ahead)
            }
            Source::Sheet(_, wb) => sheet::with_rows(wb, |rows| match rows {
                Ok(rows) => parse_file(rows, sep, cc, &rules, to_writer, ahead),
                Err(e) => {
                    let _ = to_writer.send(Msg::Failed(e));
                }
            }),
        });
        for msg in messages {
            let batch = match msg {
                Msg::Lines(batch) => batch,
                Msg::Index(part) => {
                    w.write_ahead(part)?;
                    continue;
                }
                Msg::Failed(e) => return Err(Error::io(path, e)),
                Msg::EndOfLines => {
                    for (_, errs) in w.end_of_lines()? {
                        report.valides -= 1;
                        report.crees -= 1;
                        keep(&mut report, errs);
                    }
                    let will_commit = !opts.dry_run
                        && report.valides > 0
                        && (report.rejetees == 0 || opts.skip_invalid);
                    if will_commit && w.is_bulk() {
                        // The search postings are sorted on the other core while the name index
                        // is built here.
                        let postings = w.take_postings();
                        let sorter = scope.spawn(move || postings.into_sorted());
                        w.rebuild_name_index()?;
                        let sorted = sorter.join().map_err(|_| {
                            Error::database("Le tri de l'index de recherche a échoué.")
                        })?;
                        w.merge_postings(sorted)?;
                    }
                    continue;
                }
            };
            for p in batch {
                report.lignes_lues += 1;
                match p.result {
                    Err(errs) => keep(&mut report, errs),
                    Ok((draft, key)) => match w.write(draft, key, p.line, opts.update_existing)? {
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
            }
            progress(Progress {
                lignes: report.lignes_lues,
                // A spreadsheet is read through its archive: its lines stand for the bytes.
                octets: bytes.as_ref().map_or(report.lignes_lues, |b| b.get()),
                octets_total: if bytes.is_some() { total } else { 0 },
            });
        }
        report.erreurs.sort_by_key(|e| e.line);
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
                "{} : {}, {}, {}",
                audit::file_name(path),
                fr::nombre(report.crees, "créé", "créés"),
                fr::nombre(report.mis_a_jour, "mis à jour", "mis à jour"),
                fr::nombre(report.rejetees, "ligne rejetée", "lignes rejetées")
            ),
        )?;
        drop(w);
        tx.commit()?;
        report.ecrit = true;
        Ok(())
    });
    store.conn.pragma_update(None, "cache_size", old_cache)?;
    result?;
    Ok(report)
}

pub use report::write_error_report;
