//! Tariffs (Tarifs, SPEC §8): a file with one header row then
//! `prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion`; an import replaces the
//! whole table in one transaction, or changes nothing.

use crate::domain::field::{shown, TARIFF_COLUMNS};
use crate::domain::Field;
use crate::error::{Error, Result};
use crate::import::line::LineError;
use crate::import::reader::{
    detect_encoding, open_text, sample, sniff_separator, Mixed, Record, RecordReader,
};
use crate::rating::{normalize_prefix, Tariff};
use crate::store::shared::{Get, Lite, Queries};
use crate::store::{audit, Sql, Store};
use crate::text::fold;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct TariffsReport {
    pub lignes_lues: u64,
    pub tarifs: u64,
    pub erreurs: Vec<LineError>,
    pub ecrit: bool,
    /// The valid tariffs read (for the preview of a dry run, see `tariff_diff`).
    #[serde(skip)]
    pub lus: Vec<Tariff>,
}

const MAX_SECONDS: i64 = 86_400;
const MAX_LABEL: usize = 80;

/// Ceiling of a price per minute and of a connection fee, in currency units: far above any real
/// tariff (a satellite call costs a few dinars a minute), low enough that no call of 31 days can
/// overflow its cost. A typo such as 1000000000000 is refused instead of billed.
pub const MAX_TARIFF_UNITS: i64 = 1_000;

fn err(line: u64, col: u8, value: &str, message: String) -> LineError {
    LineError::at(line, Field::Tariff(col), value, message)
}

fn is_header(fields: &[&str]) -> bool {
    fields.len() == TARIFF_COLUMNS.len()
        && fields
            .iter()
            .zip(TARIFF_COLUMNS)
            .all(|(f, expected)| fold(f.trim()).replace([' ', '-'], "_") == expected)
}

fn seconds(line: u64, col: u8, raw: &str, min: i64, errors: &mut Vec<LineError>) -> i64 {
    let v = raw.trim();
    match v.parse::<i64>() {
        Ok(n) if (min..=MAX_SECONDS).contains(&n) && v.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => {
            errors.push(err(
                line,
                col,
                v,
                format!(
                    "nombre entier de secondes attendu, de {min} à {MAX_SECONDS} (reçu : {})",
                    shown(v)
                ),
            ));
            0
        }
    }
}

/// A prefix written without `+` or `00` that starts with the country code itself: Excel and
/// LibreOffice read `+2162` as the number 2162, which would be the national prefix `+2162162`,
/// match no call, and make every call free.
fn lost_plus(raw: &str, cc: &crate::domain::CountryCode) -> bool {
    let Some(compact) = crate::domain::phone::compact_number(raw) else {
        return false;
    };
    let (country, national) = crate::domain::phone::international_parts(&compact, cc);
    !country.is_empty() && national.starts_with(country)
}

/// One data line of the tariffs file.
fn parse_tariff(
    line: u64,
    fields: &[&str],
    sep: u8,
    store_settings: &crate::store::Settings,
) -> std::result::Result<Tariff, Vec<LineError>> {
    let mut errors = Vec::new();
    if fields.len() != TARIFF_COLUMNS.len() {
        // A decimal comma splits a price in two only where the comma separates the fields.
        let comma = match sep {
            b',' => {
                " — avec le séparateur « , », écrivez les décimales avec un point ou \
                      mettez-les entre guillemets"
            }
            _ => "",
        };
        return Err(vec![LineError::whole(
            line,
            format!(
                "la ligne contient {} ; 6 sont attendus ({}){comma}",
                crate::fr::nombre(fields.len() as u64, "champ", "champs"),
                TARIFF_COLUMNS.join(";")
            ),
        )]);
    }
    let prefix = fields[0].trim();
    let cc = &store_settings.country_code;
    let prefixe = match normalize_prefix(prefix, cc) {
        Some(p) if lost_plus(prefix, cc) => {
            errors.push(err(
                line,
                1,
                prefix,
                format!(
                    "le préfixe {prefix} commence par l'indicatif {cc} sans + ni 00 : le tableur a \
                     sans doute supprimé le + ; écrivez +{prefix} (ou {p} si ce sont des numéros \
                     nationaux qui commencent par {prefix})",
                    cc = cc.as_str(),
                ),
            ));
            String::new()
        }
        Some(p) => p,
        None => {
            errors.push(err(
                line,
                1,
                prefix,
                if prefix.is_empty() {
                    "le préfixe est obligatoire (par exemple +2162)".into()
                } else {
                    format!(
                        "préfixe invalide (reçu : {}) : des chiffres, avec + ou 00 pour l'international",
                        shown(prefix)
                    )
                },
            ));
            String::new()
        }
    };
    let label = fields[1].split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() {
        errors.push(err(line, 2, fields[1], "le libellé est obligatoire".into()));
    } else if label.chars().count() > MAX_LABEL {
        errors.push(err(
            line,
            2,
            fields[1],
            format!("le libellé est trop long ({MAX_LABEL} caractères au maximum)"),
        ));
    } else if label.chars().any(crate::domain::name::invisible) {
        errors.push(err(
            line,
            2,
            fields[1],
            "le libellé contient un caractère de contrôle invisible".into(),
        ));
    }
    let currency = &store_settings.currency;
    let ceiling = crate::domain::Money(MAX_TARIFF_UNITS * currency.scale());
    let mut money = |col: u8, raw: &str, empty_ok: bool| -> i64 {
        if empty_ok && raw.trim().is_empty() {
            return 0;
        }
        match currency.parse(raw, false) {
            Ok(m) if m > ceiling => {
                errors.push(err(
                    line,
                    col,
                    raw.trim(),
                    format!(
                        "montant trop élevé pour un tarif (reçu : {}) : {} au maximum",
                        shown(raw.trim()),
                        currency.format(ceiling)
                    ),
                ));
                0
            }
            Ok(m) => m.0,
            Err(m) => {
                errors.push(err(line, col, raw.trim(), m));
                0
            }
        }
    };
    let prix_minute = money(3, fields[2], false);
    let frais_connexion = money(6, fields[5], true);
    let bloc_initial_s = seconds(line, 4, fields[3], 0, &mut errors);
    let bloc_s = seconds(line, 5, fields[4], 1, &mut errors);
    errors.sort_by_key(|e| e.field.and_then(|f| f.csv_number()));
    if errors.is_empty() {
        Ok(Tariff {
            prefixe,
            libelle: label,
            prix_minute,
            bloc_initial_s,
            bloc_s,
            frais_connexion,
        })
    } else {
        Err(errors)
    }
}

/// Reads and checks the whole file; replaces the tariff table when every line is right.
pub fn import_tariffs(store: &mut Store, path: &Path, dry_run: bool) -> Result<TariffsReport> {
    let mut report = read_tariffs(path, &store.settings()?)?;
    if !report.erreurs.is_empty() || dry_run {
        return Ok(report);
    }
    replace_tariffs(store, &std::mem::take(&mut report.lus), path)?;
    report.ecrit = true;
    Ok(report)
}

/// Every line of the file checked: the valid tariffs in `lus`, and every error.
pub(crate) fn read_tariffs(
    path: &Path,
    settings: &crate::store::Settings,
) -> Result<TariffsReport> {
    if let Some(kind) = crate::import::sheet::kind(path)? {
        return Err(Error::Rejected(format!(
            "{} est un {} : les tarifs s'importent depuis un fichier CSV. Dans Excel ou \
             LibreOffice, enregistrez la feuille au format CSV (séparateur point-virgule), puis \
             importez ce fichier.",
            path.file_name().unwrap_or_default().to_string_lossy(),
            kind.label()
        )));
    }
    let enc = detect_encoding(path, Mixed::Refused)?;
    let sep = sniff_separator(&sample(path, enc)?, 6..=6);
    let (text, _) = open_text(path, enc)?;
    let mut records = RecordReader::new(text, sep).resync_quotes();
    let mut report = TariffsReport {
        lignes_lues: 0,
        tarifs: 0,
        erreurs: Vec::new(),
        ecrit: false,
        lus: Vec::new(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut header_seen = false;
    while let Some(rec) = records.next_record().map_err(|e| Error::io(path, e))? {
        if rec.is_blank() {
            continue;
        }
        if !header_seen {
            header_seen = true;
            if rec.too_long || !is_header(&rec.fields) {
                report.erreurs.push(LineError::whole(
                    rec.line,
                    format!(
                        "la première ligne doit être l'en-tête « {} »",
                        TARIFF_COLUMNS.join(";")
                    ),
                ));
            }
            continue;
        }
        report.lignes_lues += 1;
        match data_line(&rec, sep, settings, &mut seen) {
            Ok(t) => report.lus.push(t),
            Err(e) => report.erreurs.extend(e),
        }
    }
    if !header_seen || (report.lignes_lues == 0 && report.erreurs.is_empty()) {
        return Err(Error::Rejected(
            "Le fichier ne contient aucun tarif (une ligne d'en-tête puis une ligne par préfixe)."
                .into(),
        ));
    }
    report.tarifs = report.lus.len() as u64;
    Ok(report)
}

/// A line after the header: its tariff, unless it is too long, wrong, or repeats the prefix of
/// an earlier line (`seen`, the line of each prefix).
fn data_line(
    rec: &Record<'_>,
    sep: u8,
    settings: &crate::store::Settings,
    seen: &mut HashMap<String, u64>,
) -> std::result::Result<Tariff, Vec<LineError>> {
    if let Some(field) = rec.open_quote {
        return Err(vec![LineError::whole(
            rec.line,
            crate::import::reader::open_quote_reason(field),
        )]);
    }
    if rec.too_long {
        return Err(vec![LineError::whole(
            rec.line,
            "la ligne est trop longue pour une ligne de tarif",
        )]);
    }
    let t = parse_tariff(rec.line, &rec.fields, sep, settings)?;
    if let Some(prev) = seen.get(&t.prefixe) {
        return Err(vec![err(
            rec.line,
            1,
            &t.prefixe,
            format!("le préfixe {} figure déjà à la ligne {prev}", t.prefixe),
        )]);
    }
    seen.insert(t.prefixe.clone(), rec.line);
    Ok(t)
}

static DELETE_ALL: Sql = Sql::new("DELETE FROM tariffs");
static INSERT_TARIFF: Sql = Sql::new(
    "INSERT INTO tariffs (prefix, label, price_per_min, initial_block_s, block_s, connection_fee)
     VALUES ($1, $2, $3, $4, $5, $6)",
);

/// The Journal's action of an import, and its details.
pub(crate) const IMPORT_ACTION: &str = "Import des tarifs";

pub(crate) fn journal(tariffs: &[Tariff], path: &Path) -> String {
    format!(
        "{} depuis {}",
        crate::fr::nombre(tariffs.len() as u64, "tarif", "tarifs"),
        audit::file_name(path)
    )
}

/// The whole table replaced by `tariffs`, in the caller's transaction, on either store.
pub(crate) fn replace_all(q: &mut impl Queries, tariffs: &[Tariff]) -> Result<()> {
    q.execute(&DELETE_ALL, &[])?;
    for t in tariffs {
        q.execute(
            &INSERT_TARIFF,
            &[
                &t.prefixe,
                &t.libelle,
                &t.prix_minute,
                &t.bloc_initial_s,
                &t.bloc_s,
                &t.frais_connexion,
            ],
        )?;
    }
    Ok(())
}

/// The whole table replaced by `tariffs` in one transaction, with its line in the Journal.
fn replace_tariffs(store: &mut Store, tariffs: &[Tariff], path: &Path) -> Result<()> {
    let operator = store.operator().to_string();
    let tx = store.write_tx()?;
    replace_all(&mut Lite(&tx), tariffs)?;
    audit::record(&tx, &operator, IMPORT_ACTION, None, &journal(tariffs, path))?;
    tx.commit()?;
    Ok(())
}

/// A tariff from six columns in the file's order, the prefix at `first`, on either store: the
/// table and the holds of calls in progress (which keep the tariff they were granted with)
/// store them alike.
pub(crate) fn tariff_at<G: Get>(r: &G, first: usize) -> std::result::Result<Tariff, G::Error> {
    Ok(Tariff {
        prefixe: r.col(first)?,
        libelle: r.col(first + 1)?,
        prix_minute: r.col(first + 2)?,
        bloc_initial_s: r.col(first + 3)?,
        bloc_s: r.col(first + 4)?,
        frais_connexion: r.col(first + 5)?,
    })
}

impl crate::store::shared::Row for Tariff {
    fn read<G: Get>(r: &G) -> std::result::Result<Self, G::Error> {
        tariff_at(r, 0)
    }
}

static TARIFFS: Sql = Sql::new(
    "SELECT prefix, label, price_per_min, initial_block_s, block_s, connection_fee FROM tariffs",
);

/// Every tariff, by prefix in byte order (the same on both stores, whatever the site's
/// collation).
pub(crate) fn all_tariffs(q: &mut impl Queries) -> Result<Vec<Tariff>> {
    let mut all: Vec<Tariff> = q.rows(&TARIFFS, &[])?;
    all.sort_unstable_by(|a, b| a.prefixe.cmp(&b.prefixe));
    Ok(all)
}

impl Store {
    /// Every tariff, by prefix.
    pub fn tariffs(&self) -> Result<Vec<Tariff>> {
        all_tariffs(&mut Lite(&self.conn))
    }
}
