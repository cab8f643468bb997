//! The reading half of an import, on its own thread: lines are read, checked and sent to the
//! writing thread in batches.

use super::line::{parse_line, LineError};
use super::reader::{Record, Records};
use crate::domain::{AccountDraft, CountryCode, Field};
use crate::rules::NumberRules;
use crate::search::index::{name_key, AheadIndex, AheadPart, Indexed};
use std::sync::mpsc::SyncSender;

/// Lines travel to the writing thread in batches of this size.
const BATCH: usize = 1024;

/// One non-blank line, checked: the account and its folded name, or its errors.
pub struct Parsed {
    pub line: u64,
    pub result: std::result::Result<(AccountDraft, String), Vec<LineError>>,
}

pub enum Msg {
    Lines(Vec<Parsed>),
    /// Search index of lines already sent (a first import, see `AheadIndex`).
    Index(AheadPart),
    /// Every line has been sent; `full_layout`: the file is a *Complet* export (its header
    /// recognised), of which only some columns are imported.
    EndOfLines {
        full_layout: bool,
    },
    Failed(std::io::Error),
}

/// A key of the file set to a blocked number (SPEC §12) is that line's error, decided here so
/// that a refused line never reaches the writer (nor the search index built ahead).
fn blocked_keys(
    line: u64,
    d: AccountDraft,
    rules: &NumberRules,
    cc: &CountryCode,
) -> Result<AccountDraft, Vec<LineError>> {
    let errs = rules.key_errors(&d.phones, None, cc);
    if errs.is_empty() {
        return Ok(d);
    }
    Err(errs
        .into_iter()
        .map(|e| {
            let value = match e.field {
                Field::Phone(k) => d.phones[k as usize - 1].as_ref().map(|p| p.as_str()),
                _ => None,
            };
            LineError::at(line, e.field, value.unwrap_or_default(), e.message)
        })
        .collect())
}

/// Columns of a file exported by Forfaits in the *Complet* layout (CSV or `.xlsx`), which the
/// import recognises by its header row: name, matricule, identifiant, then the ten keys after
/// the state and balance columns. Any other header is refused as in SPEC §5.
struct FullLayout;

impl FullLayout {
    const NAME_TO_ID: [usize; 3] = [0, 1, 2];
    const FIRST_KEY: usize = 6;

    /// The column (1-based) of `field` in such a file: its errors name the file's columns.
    fn column(field: Field) -> Option<usize> {
        match field {
            Field::Phone(k) => Some(Self::FIRST_KEY + k as usize),
            f => f.csv_number().filter(|n| *n <= Self::NAME_TO_ID.len()),
        }
    }

    fn matches(fields: &[&str]) -> bool {
        let header = crate::export::full_header();
        fields.len() == header.len()
            && fields
                .iter()
                .zip(&header)
                .all(|(f, h)| f.trim().trim_start_matches('\u{feff}') == h)
    }

    /// The record in the import's 13 fields: empty keys at the end dropped, as a line may stop
    /// after any field.
    fn remap<'a>(rec: &Record<'a>) -> Record<'a> {
        let get = |i: usize| rec.fields.get(i).copied().unwrap_or("");
        let mut fields: Vec<&'a str> = Self::NAME_TO_ID.iter().map(|&i| get(i)).collect();
        fields.extend((0..crate::domain::KEYS).map(|k| get(Self::FIRST_KEY + k)));
        while fields.len() > 3 && fields.last().is_some_and(|f| f.trim().is_empty()) {
            fields.pop();
        }
        Record {
            line: rec.line,
            field_count: fields.len(),
            fields,
            too_long: rec.too_long,
            open_quote: rec.open_quote,
        }
    }
}

pub fn parse_file(
    records: &mut dyn Records,
    sep: u8,
    cc: CountryCode,
    rules: &NumberRules,
    to_writer: SyncSender<Msg>,
    mut ahead: Option<AheadIndex>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut first = true;
    let mut full_layout = false;
    loop {
        match records.next_record() {
            Ok(Some(rec)) => {
                if rec.is_blank() {
                    continue;
                }
                if first && FullLayout::matches(&rec.fields) {
                    full_layout = true;
                    first = false;
                    continue;
                }
                let rec = if full_layout {
                    FullLayout::remap(&rec)
                } else {
                    rec
                };
                let result = parse_line(&rec, first, sep, &cc)
                    .and_then(|d| blocked_keys(rec.line, d, rules, &cc))
                    .map_err(|mut errors| {
                        if full_layout {
                            for e in &mut errors {
                                e.column = e.field.and_then(FullLayout::column);
                            }
                        }
                        errors
                    })
                    .map(|d| {
                        let key = name_key(d.name.as_str());
                        if let Some(ix) = &mut ahead {
                            ix.add(&Indexed {
                                name_key: &key,
                                matricule: d.matricule.as_str(),
                                identifiant: d.identifiant.as_str(),
                                phones: std::array::from_fn(|i| {
                                    d.phones[i].as_ref().map(|p| p.as_str())
                                }),
                            });
                        }
                        (d, key)
                    });
                first = false;
                batch.push(Parsed {
                    line: rec.line,
                    result,
                });
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if to_writer.send(Msg::Lines(full)).is_err() {
                        return; // the writer stopped
                    }
                    if let Some(part) = ahead.as_mut().and_then(AheadIndex::take_large) {
                        if to_writer.send(Msg::Index(part)).is_err() {
                            return;
                        }
                    }
                }
            }
            Ok(None) => {
                if !batch.is_empty() && to_writer.send(Msg::Lines(batch)).is_err() {
                    return;
                }
                for part in ahead.into_iter().flat_map(AheadIndex::finish) {
                    if to_writer.send(Msg::Index(part)).is_err() {
                        return;
                    }
                }
                let _ = to_writer.send(Msg::EndOfLines { full_layout });
                return;
            }
            Err(e) => {
                let _ = to_writer.send(Msg::Failed(e));
                return;
            }
        }
    }
}
