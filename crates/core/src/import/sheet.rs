//! Users read from a spreadsheet (`.xlsx` from Excel, `.ods` from LibreOffice): the first
//! sheet, one account a row, the same 13 columns as the CSV file (SPEC §5 and §14). Each row
//! becomes a [`Record`] of text fields, so the rules, the messages and the all-or-nothing are
//! those of the CSV import; the row number is the line number of the messages.
//!
//! A cell typed as a number is written back as the digits Excel shows without its formatting:
//! a 14-digit matricule stored as a number (`1,00000E+13` on screen) is read exactly (a double
//! holds 15 significant digits), and a matricule whose leading zero the spreadsheet dropped
//! arrives with 13 digits, which the line check names as such.
//!
//! `.xlsx` rows are streamed from the sheet's XML (the shared strings are read first, as
//! Excel stores names there); `.ods` sheets are read whole by the reader, which has no
//! streaming form.

use super::reader::{Record, Records};
use crate::error::{Error, Result};
use calamine::{Data, Ods, Reader, Xlsx};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// What a file holds, from its first bytes and then its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Ods,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Xlsx => "classeur Excel (.xlsx)",
            Kind::Ods => "classeur OpenDocument (.ods)",
        }
    }
}

/// A workbook opened and checked, ready to be read on another thread.
pub enum Workbook {
    Xlsx(Box<Xlsx<BufReader<File>>>, String),
    Ods(Box<Ods<BufReader<File>>>, String),
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// `Some` when `path` is a spreadsheet (a ZIP archive, or a name ending in `.xlsx`, `.xlsm` or
/// `.ods`); `None` for a text file, read as CSV. Old binary workbooks (`.xls`) are refused
/// with what to do.
pub fn kind(path: &Path) -> Result<Option<Kind>> {
    let mut head = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| {
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .map_err(|e| Error::io(path, e))?;
    let head = &head[..n];
    let ext = extension(path);
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || ext == "xls" {
        return Err(Error::Rejected(format!(
            "{} est un classeur Excel 97-2003 (.xls), que Forfaits ne lit pas : ouvrez-le dans \
             Excel ou LibreOffice et enregistrez-le au format .xlsx (ou .ods, ou CSV).",
            file_name(path)
        )));
    }
    let zip = head.starts_with(b"PK\x03\x04");
    Ok(match ext.as_str() {
        "ods" => Some(Kind::Ods),
        "xlsx" | "xlsm" => Some(Kind::Xlsx),
        // A ZIP archive under another name: an Excel workbook unless it says it is OpenDocument.
        _ if zip => Some(if is_opendocument(path) {
            Kind::Ods
        } else {
            Kind::Xlsx
        }),
        _ => None,
    })
}

/// An OpenDocument file starts with an uncompressed `mimetype` entry naming its type.
fn is_opendocument(path: &Path) -> bool {
    let mut buf = [0u8; 128];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    buf[..n]
        .windows(b"opendocument".len())
        .any(|w| w == b"opendocument")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The reader's own words (« Could not find EOCD ») help nobody at a desk: the file is
/// refused in French, for what it is.
fn broken(path: &Path, kind: Kind) -> Error {
    Error::Rejected(format!(
        "{} n'est pas un {} lisible : le fichier est peut-être abîmé ou d'un autre format. \
         Ouvrez-le dans le tableur et enregistrez-le de nouveau.",
        file_name(path),
        kind.label()
    ))
}

/// Opens the workbook and finds its first sheet; a file that is not a readable workbook of
/// that kind, or that has no sheet, is refused here, before anything is written.
pub fn open(path: &Path, kind: Kind) -> Result<Workbook> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = BufReader::with_capacity(256 * 1024, file);
    let no_sheet = || {
        Error::Rejected(format!(
            "{} ne contient aucune feuille de calcul.",
            file_name(path)
        ))
    };
    match kind {
        Kind::Xlsx => {
            let wb: Xlsx<_> = Xlsx::new(reader).map_err(|_| broken(path, kind))?;
            let first = wb.sheet_names().into_iter().next().ok_or_else(no_sheet)?;
            Ok(Workbook::Xlsx(Box::new(wb), first))
        }
        Kind::Ods => {
            let wb: Ods<_> = Ods::new(reader).map_err(|_| broken(path, kind))?;
            let first = wb.sheet_names().into_iter().next().ok_or_else(no_sheet)?;
            Ok(Workbook::Ods(Box::new(wb), first))
        }
    }
}

/// The text of a number cell: an integer as its digits (`10000000015838`, never
/// `1.0000000015838e13`), anything else with a decimal comma (`12,5`), as the clerk wrote it:
/// a dot would be a phone number's separator, and 99383470.0000001 the digits 993834700000001.
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}").replace('.', ",")
    }
}

fn bool_text(b: bool) -> String {
    if b { "VRAI" } else { "FAUX" }.to_string()
}

fn data_text(d: Data) -> String {
    match d {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(f),
        Data::String(s) => s,
        Data::Bool(b) => bool_text(b),
        // The serial day number a date cell holds is no code nor phone: said as what it is.
        Data::DateTime(d) => format!("{} (cellule au format date)", number_text(d.as_f64())),
        // OpenDocument keeps the date itself (`2023-03-15`), whose separators a phone would drop.
        Data::DateTimeIso(s) => format!("{s} (cellule au format date)"),
        Data::DurationIso(s) => format!("{s} (cellule au format durée)"),
        // Already `#N/A`, `#DIV/0!`.
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// Fields kept per row, as for CSV; further filled cells are counted.
const MAX_FIELDS: usize = super::reader::MAX_FIELDS;

/// One row being assembled: its cells by column, trailing empty ones dropped.
#[derive(Default)]
struct Row {
    line: u64,
    cells: Vec<String>,
    /// Columns beyond `MAX_FIELDS` holding something.
    last_col: usize,
}

impl Row {
    fn set(&mut self, col: usize, text: String) {
        if text.is_empty() {
            return;
        }
        self.last_col = self.last_col.max(col + 1);
        if col < MAX_FIELDS {
            if self.cells.len() <= col {
                self.cells.resize(col + 1, String::new());
            }
            self.cells[col] = text;
        }
    }

    fn record(&self) -> Record<'_> {
        Record {
            line: self.line,
            fields: self.cells.iter().map(String::as_str).collect(),
            field_count: self.last_col,
            too_long: false,
            open_quote: None,
        }
    }

    fn clear(&mut self, line: u64) {
        self.line = line;
        self.cells.clear();
        self.last_col = 0;
    }
}

/// A sheet that cannot be read to its end: the workbook is broken, which is the file's fault
/// (refused, exit 1), not the disk's.
#[derive(Debug)]
struct BrokenSheet;

impl std::fmt::Display for BrokenSheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "la feuille du classeur est abîmée et ne se lit pas jusqu'au bout : ouvrez-le dans \
             le tableur et enregistrez-le de nouveau",
        )
    }
}

impl std::error::Error for BrokenSheet {}

fn broken_sheet() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, BrokenSheet)
}

/// The error of a source that failed while its lines were read: a broken workbook is
/// refused as input, anything else is the file system's.
pub fn read_failure(path: &Path, e: io::Error) -> Error {
    match e.get_ref().is_some_and(|inner| inner.is::<BrokenSheet>()) {
        true => Error::Rejected(format!("{} : {e}.", file_name(path))),
        false => Error::io(path, e),
    }
}

/// The next cell of a sheet (row, column, text), in the order of the file.
type NextCell<'a> = Box<dyn FnMut() -> io::Result<Option<(u32, u32, String)>> + 'a>;

/// Rows of an `.xlsx` sheet, streamed cell by cell.
pub struct XlsxRows<'a> {
    cells: NextCell<'a>,
    row: Row,
    /// A cell read ahead: the first of the next row.
    next: Option<(u32, u32, String)>,
    done: bool,
}

impl Records for XlsxRows<'_> {
    fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        if self.done && self.next.is_none() {
            return Ok(None);
        }
        let Some((r, c, t)) = self
            .next
            .take()
            .map(Ok)
            .or_else(|| self.read())
            .transpose()?
        else {
            return Ok(None);
        };
        self.row.clear(u64::from(r) + 1);
        self.row.set(c as usize, t);
        loop {
            match self.read().transpose()? {
                Some((r2, c2, t2)) if r2 == r => self.row.set(c2 as usize, t2),
                Some(other) => {
                    self.next = Some(other);
                    break;
                }
                None => break,
            }
        }
        Ok(Some(self.row.record()))
    }
}

impl XlsxRows<'_> {
    fn read(&mut self) -> Option<io::Result<(u32, u32, String)>> {
        if self.done {
            return None;
        }
        match (self.cells)() {
            Ok(Some(cell)) => Some(Ok(cell)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Rows of an `.ods` sheet, read whole.
pub struct RangeRows {
    range: calamine::Range<Data>,
    at: usize,
    row: Row,
}

impl Records for RangeRows {
    fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        let Some(cells) = self.range.rows().nth(self.at) else {
            return Ok(None);
        };
        let (r0, c0) = self.range.start().unwrap_or((0, 0));
        self.row.clear(u64::from(r0) + self.at as u64 + 1);
        for (i, d) in cells.iter().enumerate() {
            self.row.set(c0 as usize + i, data_text(d.clone()));
        }
        self.at += 1;
        Ok(Some(self.row.record()))
    }
}

/// Reads the first sheet of `wb` and hands its rows to `f` (on the reading thread).
pub fn with_rows(wb: Workbook, f: impl FnOnce(io::Result<&mut dyn Records>)) {
    match wb {
        Workbook::Xlsx(mut wb, name) => match wb.worksheet_cells_reader(&name) {
            Ok(mut reader) => f(Ok(&mut XlsxRows {
                cells: Box::new(move || match reader.next_cell() {
                    Ok(Some(cell)) => {
                        let (r, c) = cell.get_position();
                        // A streamed cell's text: the same rules as a whole sheet's.
                        Ok(Some((r, c, data_text(cell.get_value().clone().into()))))
                    }
                    Ok(None) => Ok(None),
                    Err(_) => Err(broken_sheet()),
                }),
                row: Row::default(),
                next: None,
                done: false,
            })),
            Err(_) => f(Err(broken_sheet())),
        },
        Workbook::Ods(mut wb, name) => match wb.worksheet_range(&name) {
            Ok(range) => f(Ok(&mut RangeRows {
                range,
                at: 0,
                row: Row::default(),
            })),
            Err(_) => f(Err(broken_sheet())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_cells_read_as_the_spreadsheet_shows_them() {
        use calamine::CellErrorType;
        assert_eq!(data_text(Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(data_text(Data::Error(CellErrorType::Div0)), "#DIV/0!");
    }

    #[test]
    fn numbers_read_back_as_the_digits_shown() {
        assert_eq!(number_text(10000000015838.0), "10000000015838");
        assert_eq!(number_text(99999999999999.0), "99999999999999");
        assert_eq!(number_text(1000000001583.0), "1000000001583");
        assert_eq!(number_text(27468145.0), "27468145");
        assert_eq!(number_text(12.5), "12,5");
        assert_eq!(number_text(99383470.0000001), "99383470,0000001");
    }
}
