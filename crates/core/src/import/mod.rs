//! Import of users (Ajouter plusieurs utilisateurs): all accepted lines in one transaction, or
//! nothing. The file is streamed; memory holds a few bytes per imported line (for duplicate
//! messages) and the pending search postings, flushed in batches.

pub mod line;
pub(crate) mod parse;
pub mod reader;
pub mod report;
pub mod sheet;
pub(crate) mod writer;

use crate::domain::{AccountDraft, CountryCode};
use crate::error::{Error, Result};
use crate::fr;
use crate::rules::NumberRules;
use crate::search::index::AheadIndex;
use crate::store::{audit, Store};
use line::LineError;
use parse::{parse_file, Msg};
use reader::{detect_encoding, open_text, sample, sniff_separator, Mixed, RecordReader};
use serde::Serialize;
use std::path::Path;
use std::sync::mpsc::SyncSender;
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
    /// Read from a workbook (`.xlsx`, `.ods`): columns, no encoding nor separator to tell.
    pub classeur: bool,
    /// What the person should know before importing: the columns of a *Complet* export that
    /// are not imported.
    pub avertissement: Option<String>,
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
        summary(n, self.rejetees)
    }
}

/// « 25 importés, 0 rejeté »: the last line `import` prints (SPEC §9), a file refused whole too.
pub fn summary(imported: u64, rejected: u64) -> String {
    format!(
        "{}, {}",
        fr::nombre(imported, "importé", "importés"),
        fr::nombre(rejected, "rejeté", "rejetés")
    )
}

/// Where the lines come from.
pub(crate) enum Source {
    Csv(
        reader::Encoding,
        u8,
        Box<RecordReader<reader::TextStream>>,
        reader::ByteCounter,
    ),
    Sheet(sheet::Kind, sheet::Workbook),
}

impl Source {
    /// A spreadsheet is opened (and refused if unreadable) before anything else; a text file is
    /// a CSV file whose encoding and separator are found from its bytes.
    pub(crate) fn open(path: &Path) -> Result<Source> {
        Ok(match sheet::kind(path)? {
            Some(kind) => Source::Sheet(kind, sheet::open(path, kind)?),
            None => {
                let enc = detect_encoding(path, Mixed::Refused)?;
                let sep = sniff_separator(&sample(path, enc)?, line::MIN_FIELDS..=line::MAX_FIELDS);
                let (text, bytes) = open_text(path, enc)?;
                Source::Csv(
                    enc,
                    sep,
                    Box::new(RecordReader::new(text, sep).resync_quotes()),
                    bytes,
                )
            }
        })
    }

    /// The separator the line checks name in their hints: a spreadsheet has columns, and its
    /// users know the French CSV one.
    fn separator(&self) -> u8 {
        match self {
            Source::Sheet(..) => b';',
            Source::Csv(_, sep, ..) => *sep,
        }
    }

    /// Bytes read so far, for the progress; a spreadsheet is read through its archive, and its
    /// lines stand for them.
    pub(crate) fn bytes(&self) -> Option<reader::ByteCounter> {
        match self {
            Source::Csv(.., bytes) => Some(bytes.clone()),
            Source::Sheet(..) => None,
        }
    }

    /// Runs on the reading thread: every line read, checked and sent to the writer.
    pub(crate) fn send_lines(
        self,
        cc: CountryCode,
        rules: &NumberRules,
        to_writer: SyncSender<Msg>,
        ahead: Option<AheadIndex>,
    ) {
        let sep = self.separator();
        match self {
            Source::Csv(_, _, mut records, _) => {
                parse_file(&mut *records, sep, cc, rules, to_writer, ahead)
            }
            Source::Sheet(_, wb) => sheet::with_rows(wb, |rows| match rows {
                Ok(rows) => parse_file(rows, sep, cc, rules, to_writer, ahead),
                Err(e) => {
                    let _ = to_writer.send(Msg::Failed(e));
                }
            }),
        }
    }
}

impl ImportReport {
    pub(crate) fn new(source: &Source) -> ImportReport {
        let (encodage, separateur) = match source {
            Source::Sheet(kind, _) => (kind.label(), "aucun (colonnes)".into()),
            Source::Csv(enc, b'\t', ..) => (enc.label(), "tabulation".into()),
            Source::Csv(enc, sep, ..) => (enc.label(), (*sep as char).to_string()),
        };
        ImportReport {
            lignes_lues: 0,
            valides: 0,
            rejetees: 0,
            crees: 0,
            mis_a_jour: 0,
            ecrit: false,
            erreurs: Vec::new(),
            erreurs_total: 0,
            encodage,
            separateur,
            classeur: matches!(source, Source::Sheet(..)),
            avertissement: None,
        }
    }

    /// The end of the lines: a *Complet* export (an account's whole row) imports its name,
    /// matricule, identifiant and keys only, which the person is told rather than left to
    /// find balances at zero and disabled accounts enabled.
    pub(crate) fn end_of_lines(&mut self, full_layout: bool) {
        if full_layout {
            self.avertissement = Some(
                "Fichier au format Complet : seuls le nom, le matricule, l'identifiant et les \
                 numéros sont importés ; le solde, les états, la durée d'appel et les dates du \
                 fichier ne le sont pas (un solde se crédite dans Gestion de solde)."
                    .into(),
            );
        }
    }

    /// One more line read: written, or refused with its errors.
    pub(crate) fn count(
        &mut self,
        written: std::result::Result<Written, Vec<LineError>>,
        on_error: &mut dyn FnMut(&LineError),
    ) {
        self.lignes_lues += 1;
        match written {
            Ok(Written::Created) => {
                self.valides += 1;
                self.crees += 1;
            }
            Ok(Written::Updated) => {
                self.valides += 1;
                self.mis_a_jour += 1;
            }
            Err(errs) => self.refuse(errs, on_error),
        }
    }

    /// A batch of checked lines: each valid one written by `write` (draft, key, line), every
    /// one counted, then the progress told (which may stop the import: [`Error::Cancelled`]).
    pub(crate) fn count_batch(
        &mut self,
        batch: Vec<parse::Parsed>,
        mut write: impl FnMut(AccountDraft, String, u64) -> Result<Checked>,
        events: &mut Events<'_>,
    ) -> Result<()> {
        for p in batch {
            let written = match p.result {
                Ok((draft, key)) => write(draft, key, p.line)?,
                Err(errs) => Err(errs),
            };
            self.count(written, events.on_error);
        }
        (events.progress)(Progress {
            lignes: self.lignes_lues,
            octets: events.bytes.as_ref().map_or(self.lignes_lues, |b| b.get()),
            octets_total: if events.bytes.is_some() {
                events.total
            } else {
                0
            },
        })
    }

    /// Every line read: the errors in line order; whether to write, a file without any line
    /// being refused.
    pub(crate) fn read_all(&mut self, opts: ImportOptions) -> Result<bool> {
        self.erreurs.sort_by_key(|e| e.line);
        if self.lignes_lues == 0 {
            return Err(Error::Rejected(
                "Le fichier ne contient aucune ligne.".into(),
            ));
        }
        Ok(self.commits(opts))
    }

    /// A refused line: each error told as it is found, and kept up to [`MAX_KEPT_ERRORS`].
    pub(crate) fn refuse(&mut self, errs: Vec<LineError>, on_error: &mut dyn FnMut(&LineError)) {
        self.rejetees += 1;
        for e in errs {
            on_error(&e);
            self.erreurs_total += 1;
            if self.erreurs.len() < MAX_KEPT_ERRORS {
                self.erreurs.push(e);
            }
        }
    }

    /// Whether the import is written: not a dry run, some line valid, and no line refused
    /// unless refused lines are skipped.
    pub(crate) fn commits(&self, opts: ImportOptions) -> bool {
        !opts.dry_run && self.valides > 0 && (self.rejetees == 0 || opts.skip_invalid)
    }

    /// The Journal's line of a written import.
    pub(crate) fn audit_details(&self, path: &Path) -> String {
        format!(
            "{} : {}, {}, {}",
            audit::file_name(path),
            fr::nombre(self.crees, "créé", "créés"),
            fr::nombre(self.mis_a_jour, "mis à jour", "mis à jour"),
            fr::nombre(self.rejetees, "ligne rejetée", "lignes rejetées")
        )
    }
}

/// A line written, or its errors.
pub(crate) type Checked = std::result::Result<Written, Vec<LineError>>;

/// What an import tells as it goes: each refused line's errors, and the progress through the
/// file (`bytes` read of `total`; lines only for a workbook).
pub(crate) struct Events<'a> {
    pub on_error: &'a mut dyn FnMut(&LineError),
    pub progress: &'a mut dyn FnMut(Progress) -> Result<()>,
    pub bytes: Option<reader::ByteCounter>,
    pub total: u64,
}

/// The file of an import opened: its lines, the report to fill, and what the import tells.
pub(crate) type Opened<'a> = (Source, ImportReport, Events<'a>);

/// Opens the file of an import (a folder or a missing file refused before any line is read).
pub(crate) fn open_import<'a>(
    path: &Path,
    on_error: &'a mut dyn FnMut(&LineError),
    progress: &'a mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Opened<'a>> {
    let total = file_size(path)?;
    let source = Source::open(path)?;
    let events = Events {
        on_error,
        progress,
        bytes: source.bytes(),
        total,
    };
    let report = ImportReport::new(&source);
    Ok((source, report, events))
}

/// The file's size, for the progress; a folder is refused before anything tries to read it.
pub(crate) fn file_size(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::file(format!("{} est un dossier.", path.display())));
    }
    Ok(meta.len())
}

/// Runs `f` with a larger page cache (32 MiB), the whole import sitting in one transaction;
/// the connection's own size comes back whatever `f` returns.
fn with_import_cache<T>(store: &mut Store, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
    let old: i64 = store
        .conn
        .pragma_query_value(None, "cache_size", |r| r.get(0))?;
    store.conn.pragma_update(None, "cache_size", -32768)?;
    let result = f(store);
    store.conn.pragma_update(None, "cache_size", old)?;
    result
}

/// Every line is in: the file's own duplicates (bulk mode) refused, then, if the import is to
/// be written, the indexes of a first import built.
fn end_of_lines(
    w: &mut Writer<'_>,
    report: &mut ImportReport,
    opts: ImportOptions,
    on_error: &mut dyn FnMut(&LineError),
) -> Result<()> {
    for (_, errs) in w.end_of_lines()? {
        report.valides -= 1;
        report.crees -= 1;
        report.refuse(errs, on_error);
    }
    if report.commits(opts) && w.is_bulk() {
        // The search postings are sorted on the other core while the name index is built here.
        let postings = w.take_postings();
        let sorted = std::thread::scope(|scope| {
            let sorter = scope.spawn(move || postings.into_sorted());
            w.rebuild_name_index()?;
            sorter
                .join()
                .map_err(|_| Error::database("Le tri de l'index de recherche a échoué."))
        })?;
        w.merge_postings(sorted)?;
    }
    Ok(())
}

pub fn import_users(
    store: &mut Store,
    path: &Path,
    opts: ImportOptions,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
    on_error: &mut dyn FnMut(&LineError),
) -> Result<ImportReport> {
    let settings = store.settings()?;
    let operator = store.operator().to_string();
    let (source, mut report, mut events) = open_import(path, on_error, progress)?;
    let cc = settings.country_code.clone();
    // A key of the file set to a blocked number (SPEC §12) is that line's error.
    let rules = store.number_rules()?;
    // Reading and checking lines runs on a second thread while this one writes: the two halves
    // of an import take about as long as each other.
    with_import_cache(store, |store| {
        std::thread::scope(|scope| -> Result<()> {
            let tx = store.write_tx()?;
            let mut w = Writer::new(&tx, &settings, &operator)?;
            let (to_writer, messages) = std::sync::mpsc::sync_channel(8);
            // A first import has its digit grams built on the reading thread (see `AheadIndex`).
            let ahead = w
                .is_bulk()
                .then(|| AheadIndex::new(w.first_new_id(), cc.clone()));
            scope.spawn(move || source.send_lines(cc, &rules, to_writer, ahead));
            for msg in messages {
                match msg {
                    Msg::Lines(batch) => report.count_batch(
                        batch,
                        |draft, key, line| w.write(draft, key, line, opts.update_existing),
                        &mut events,
                    )?,
                    Msg::Index(part) => w.write_ahead(part)?,
                    Msg::Failed(e) => return Err(sheet::read_failure(path, e)),
                    Msg::EndOfLines { full_layout } => {
                        report.end_of_lines(full_layout);
                        end_of_lines(&mut w, &mut report, opts, events.on_error)?
                    }
                }
            }
            if !report.read_all(opts)? {
                return Ok(()); // dropping the transaction rolls it back
            }
            w.finish()?;
            audit::record(
                &tx,
                &operator,
                "Import d'utilisateurs",
                None,
                &report.audit_details(path),
            )?;
            drop(w);
            tx.commit()?;
            report.ecrit = true;
            Ok(())
        })
    })?;
    Ok(report)
}

pub use report::write_error_report;
