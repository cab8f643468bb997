//! The error report of an import, as a CSV a clerk opens in Excel.

use super::line::LineError;
use crate::atomic_file::WholeFile;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Writes `ligne;champ;libellé;valeur;erreur` with a UTF-8 BOM and `;`, the way Excel in French
/// opens it directly. Cells are protected against formula injection like every export.
pub fn write_error_report(errors: &[LineError], path: &Path) -> Result<()> {
    let mut file = WholeFile::new(path, ".forfaits-rapport-")?;
    let io = |e: std::io::Error| Error::io(path, e);
    let mut out = std::io::BufWriter::new(&mut file);
    out.write_all("\u{feff}".as_bytes()).map_err(io)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let csv_err =
        |e: csv::Error| Error::file(format!("Écriture du rapport impossible : {e}")).because(e);
    w.write_record(["ligne", "champ", "libellé", "valeur", "erreur"])
        .map_err(csv_err)?;
    for e in errors {
        w.write_record([
            e.line.to_string(),
            e.column().map(|n| n.to_string()).unwrap_or_default(),
            e.field.map(|f| f.label()).unwrap_or_default(),
            crate::export::cell(&e.value),
            crate::export::cell(&e.message),
        ])
        .map_err(csv_err)?;
    }
    w.flush().map_err(io)?;
    drop(w);
    file.persist()
}
