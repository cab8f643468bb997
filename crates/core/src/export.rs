//! Export of users (Exporter les utilisateurs): *Complet* (every column, French header, `;` and a
//! UTF-8 BOM by default, for Excel in French) or *Format d'import* (the 13 header-less fields,
//! which import back to the same file), or *Complet* as an Excel workbook with typed cells
//! (`xlsx`). Streamed row by row; written to a temporary file renamed into place, so a failure
//! never leaves half a file.

pub mod xlsx;

use crate::atomic_file::WholeFile;
use crate::dates::LocalCache;
use crate::domain::state::switch_label;
use crate::domain::Account;
use crate::domain::{format_duration, Money, KEYS};
use crate::error::{Error, Result};
use crate::store::accounts::from_row;
use crate::store::audit::JournalLine;
use crate::store::shared::{Lite, Queries};
use crate::store::{Settings, Sql, Store};
use serde::Deserialize;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Complet,
    Import,
    /// The *Complet* columns in an `.xlsx` workbook (see [`xlsx`]).
    Xlsx,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ExportOptions {
    pub format: ExportFormat,
    /// `;` by default.
    pub separator: u8,
    /// A UTF-8 BOM so that Excel recognises the encoding.
    pub bom: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            format: ExportFormat::Complet,
            separator: b';',
            bom: true,
        }
    }
}

/// What an export reads, from either store (SQLite or a site's PostgreSQL): the same rows give
/// the same file, byte for byte.
pub trait AccountSource: crate::base::Basics {
    /// Characters of the longest name (the workbook's column width).
    fn longest_name(&self) -> Result<usize>;
    /// Every account, in creation order.
    fn each_account(&self, f: &mut dyn FnMut(Account) -> Result<()>) -> Result<()>;
    /// The Journal's line of an export written to a file.
    fn record_export(&self, details: &str) -> Result<()> {
        let action = "Export des utilisateurs";
        self.journal_export(None, JournalLine { action, details })
    }
}

/// Characters of the longest name, integer on both stores (PostgreSQL's `length` is 32-bit).
static LONGEST_NAME: Sql =
    Sql::new("SELECT CAST(coalesce(max(length(name)), 0) AS bigint) FROM accounts");

/// The longest name's length, on either store: the xlsx export sizes its column by it.
pub(crate) fn longest_name(q: &mut impl Queries) -> Result<usize> {
    Ok(q.value::<i64>(&LONGEST_NAME, &[])?.max(0) as usize)
}

impl AccountSource for Store {
    fn longest_name(&self) -> Result<usize> {
        longest_name(&mut Lite(&self.conn))
    }

    fn each_account(&self, f: &mut dyn FnMut(Account) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(&crate::store::accounts::ALL_BY_ID)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(from_row(r)?)?;
        }
        Ok(())
    }
}

/// A cell that a spreadsheet would run as a formula gets a leading apostrophe, which Excel and
/// LibreOffice show as text. Phone numbers (`+216…`) are written as they are: they are digits.
pub fn cell(s: &str) -> String {
    protect(s).into_owned()
}

fn protect(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// A number called, as [`cell`] writes text, except that `+` then digits only is a phone in
/// international form and keeps its `+` (SPEC §6).
pub fn phone_cell(s: &str) -> String {
    match s.strip_prefix('+') {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => s.to_string(),
        _ => cell(s),
    }
}

/// Header of the *Complet* format: the table's labels, then what the table does not show.
pub fn full_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "Nom utilisateur",
        "Matricule",
        "Identifiant",
        "Etat du compte",
        "Etat général",
        "Solde",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for k in 1..=KEYS {
        h.push(format!("N° téléphone touche {k}"));
    }
    h.extend(
        [
            "Date de création",
            "Date de modification",
            "Durée d'appel (minutes)",
            "Durée totale des appels",
            "Activation calcul billing",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

/// Writes every account to `out`, in creation order; returns the number of accounts.
pub fn export_users<W: Write>(
    store: &(impl AccountSource + ?Sized),
    out: W,
    opts: ExportOptions,
    progress: &mut dyn FnMut(u64, u64) -> Result<()>,
) -> Result<u64> {
    if opts.format == ExportFormat::Xlsx {
        // A workbook is a ZIP archive, written with seeks: built in memory, then copied out.
        let mut buf = std::io::Cursor::new(Vec::new());
        let n = xlsx::write(store, &mut buf, progress)?;
        let mut out = out;
        out.write_all(buf.get_ref())
            .and_then(|_| out.flush())
            .map_err(|e| Error::writing(EXPORT, e))?;
        return Ok(n);
    }
    let settings = store.settings()?;
    let total = store.count_accounts()?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, out);
    let io = |e: std::io::Error| Error::writing(EXPORT, e);
    if opts.bom {
        out.write_all("\u{feff}".as_bytes()).map_err(io)?;
    }
    if opts.format == ExportFormat::Complet {
        let mut w = csv_writer(opts, Vec::new());
        w.write_record(full_header()).map_err(csv_err)?;
        out.write_all(&w.into_inner().map_err(|e| io(e.into_error()))?)
            .map_err(io)?;
    }
    // Two threads, as the machine has two cores: this one steps through the rows, the other
    // turns them into CSV text (about half the time each); the text comes back in order.
    let mut n = 0u64;
    std::thread::scope(|scope| -> Result<()> {
        let (to_format, batches) = std::sync::mpsc::sync_channel::<Vec<Account>>(4);
        let (to_write, texts) = std::sync::mpsc::channel::<Result<Vec<u8>>>();
        let settings = &settings;
        scope.spawn(move || {
            let mut rows = RowFormatter::new(opts, settings);
            for batch in batches {
                if to_write.send(rows.format(&batch)).is_err() {
                    return;
                }
            }
        });
        let mut write = |text: Result<Vec<u8>>| -> Result<()> { out.write_all(&text?).map_err(io) };
        let mut batch = Vec::with_capacity(EXPORT_BATCH);
        store.each_account(&mut |a| {
            batch.push(a);
            n += 1;
            if batch.len() == EXPORT_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(EXPORT_BATCH));
                // Only fails if the formatting thread ended, which it does on error only.
                let _ = to_format.send(full);
                while let Ok(text) = texts.try_recv() {
                    write(text)?;
                }
                progress(n, total)?;
            }
            Ok(())
        })?;
        if !batch.is_empty() {
            let _ = to_format.send(batch);
        }
        drop(to_format);
        for text in texts {
            write(text)?;
        }
        Ok(())
    })?;
    progress(n, total)?;
    out.flush().map_err(io)?;
    Ok(n)
}

/// Accounts handed to the formatting thread at a time.
const EXPORT_BATCH: usize = 4096;

/// What a failed write names.
const EXPORT: &str = "l'export";

fn csv_err(e: csv::Error) -> Error {
    Error::writing(EXPORT, e)
}

fn csv_writer(opts: ExportOptions, buf: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(opts.separator)
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(buf)
}

/// Accounts to CSV lines, in the chosen format.
struct RowFormatter<'s> {
    opts: ExportOptions,
    settings: &'s Settings,
    dates: LocalCache,
    dates2: LocalCache,
    /// The day every *Etat général* of the file is judged on.
    today: chrono::NaiveDate,
}

impl<'s> RowFormatter<'s> {
    fn new(opts: ExportOptions, settings: &'s Settings) -> Self {
        RowFormatter {
            opts,
            settings,
            dates: LocalCache::default(),
            dates2: LocalCache::default(),
            today: chrono::Local::now().date_naive(),
        }
    }

    fn format(&mut self, batch: &[Account]) -> Result<Vec<u8>> {
        let mut w = csv_writer(self.opts, Vec::with_capacity(batch.len() * 200));
        for a in batch {
            match self.opts.format {
                ExportFormat::Xlsx => unreachable!("written by xlsx::write"),
                ExportFormat::Import => {
                    let last = a
                        .phones
                        .iter()
                        .rposition(|p| p.is_some())
                        .map_or(0, |i| i + 1);
                    w.write_field(protect(&a.name).as_bytes())
                        .and_then(|_| w.write_field(&a.matricule))
                        .and_then(|_| w.write_field(&a.identifiant))
                        .and_then(|_| {
                            a.phones[..last]
                                .iter()
                                .try_for_each(|p| w.write_field(p.as_deref().unwrap_or("")))
                        })
                        .and_then(|_| w.write_record(None::<&[u8]>))
                        .map_err(csv_err)?;
                }
                ExportFormat::Complet => {
                    let money = self.settings.currency.format_plain(Money(a.balance));
                    let allowance = a.allowance_minutes.map(|m| m.to_string());
                    w.write_field(protect(&a.name).as_bytes())
                        .and_then(|_| w.write_field(&a.matricule))
                        .and_then(|_| w.write_field(&a.identifiant))
                        .and_then(|_| w.write_field(switch_label(a.enabled)))
                        .and_then(|_| w.write_field(a.etat_on(self.today).label()))
                        .and_then(|_| w.write_field(&money))
                        .and_then(|_| {
                            a.phones
                                .iter()
                                .try_for_each(|p| w.write_field(p.as_deref().unwrap_or("")))
                        })
                        .and_then(|_| w.write_field(self.dates.get(a.created_at)))
                        .and_then(|_| w.write_field(self.dates2.get(a.updated_at)))
                        .and_then(|_| w.write_field(allowance.as_deref().unwrap_or("")))
                        .and_then(|_| w.write_field(format_duration(a.used_seconds)))
                        .and_then(|_| w.write_field(switch_label(a.billing)))
                        .and_then(|_| w.write_record(None::<&[u8]>))
                        .map_err(csv_err)?;
                }
            }
        }
        let text = w
            .into_inner()
            .map_err(|e| Error::writing(EXPORT, e.into_error()))?;
        Ok(text)
    }
}

/// Exports to a file: written under a temporary name beside it, renamed when complete.
pub fn export_users_to_file(
    store: &(impl AccountSource + ?Sized),
    path: &Path,
    opts: ExportOptions,
    progress: &mut dyn FnMut(u64, u64) -> Result<()>,
) -> Result<u64> {
    let tmp = WholeFile::new(path, ".forfaits-export-")?;
    let n = match opts.format {
        ExportFormat::Xlsx => xlsx::write(store, tmp.as_file(), progress)?,
        _ => export_users(store, tmp.as_file(), opts, progress)?,
    };
    // The Journal's line first: a role the site refuses it gets no file either.
    store.record_export(&format!(
        "{} vers {} ({})",
        crate::fr::nombre(n, "compte", "comptes"),
        path.display(),
        match opts.format {
            ExportFormat::Complet => "complet",
            ExportFormat::Import => "format d'import",
            ExportFormat::Xlsx => "classeur Excel",
        }
    ))?;
    tmp.persist()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_get_an_apostrophe() {
        for text in ["=1+1", "@SUM", "-2"] {
            assert_eq!(cell(text), format!("'{text}"), "cell({text:?})");
        }
        assert_eq!(cell("Ali"), "Ali");
        assert_eq!(phone_cell("+21627468145"), "+21627468145");
        assert_eq!(phone_cell("+2162=1"), "'+2162=1");
        assert_eq!(phone_cell("=1+1"), "'=1+1");
    }
}
