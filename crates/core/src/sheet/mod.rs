//! Account sheet (*Imprimer*): one A4 portrait page in PDF with the identity, states,
//! allowance, balance, the ten keys and the latest movements of an account.
//!
//! Only the PDF built-in fonts (Helvetica, Helvetica-Bold) are used, so nothing is embedded and
//! the file stays small. printpdf writes their text in WinAnsi (CP1252): French accents,
//! `œ`, `…` and `—` are in it; anything else is brought back to it by [`pdf_text`] (a narrow
//! no-break space becomes a space, `ğ` becomes `g`, a script WinAnsi lacks becomes `?`). Every
//! value is real text, so the sheet can be searched and copied.
//!
//! Layout is computed from the Helvetica advance widths (the standard AFM metrics), so a long
//! name or reason is cut with `…` before the right margin and an amount is set smaller rather
//! than cut.

use crate::atomic_file::WholeFile;
use crate::dates;
use crate::domain::state::switch_label;
use crate::domain::{format_duration, Account, Money, KEYS};
use crate::error::{Error, Result};
use crate::store::ledger::Movement;
use crate::store::Settings;
use printpdf::{
    BuiltinFont, Color, Greyscale, Line, LinePoint, OffsetDateTime, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use std::io::Write;
use std::path::Path;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

mod canvas;
mod text;

use canvas::*;
use text::*;

/// At most this many movements are printed (the caller passes the newest first).
pub const MAX_MOVEMENTS: usize = 15;

/// Everything printed on the sheet.
pub struct SheetData<'a> {
    pub account: &'a Account,
    /// Newest first; only the first [`MAX_MOVEMENTS`] are printed.
    pub movements: &'a [Movement],
    pub settings: &'a Settings,
    /// Seconds since 1970-01-01 UTC, shown as *Imprimée le*.
    pub printed_at: i64,
}

/// The sheet as PDF bytes.
pub fn render(data: &SheetData<'_>) -> Result<Vec<u8>> {
    let ops = layout(data);
    let mut doc = PdfDocument::new(&format!("Fiche du compte — {}", data.account.name));
    let info = &mut doc.metadata.info;
    info.creator = "Forfaits".into();
    info.producer = "Forfaits".into();
    info.subject = "Forfaits utilisateurs — Taxation".into();
    if let Ok(t) = OffsetDateTime::from_unix_timestamp(data.printed_at) {
        info.creation_date = t;
        info.modification_date = t;
        info.metadata_date = t;
    }
    doc.with_pages(vec![PdfPage::new(
        printpdf::Mm(210.0),
        printpdf::Mm(297.0),
        ops,
    )]);
    let mut warnings = Vec::new();
    // printpdf reports problems as warnings, and a bug in it would be a panic: neither may take
    // the window down, both become the French message of a failed print.
    let saved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        doc.save(&PdfSaveOptions::default(), &mut warnings)
    }));
    let failed = |e: &dyn std::fmt::Display| {
        Error::file(format!("Impossible de produire la fiche PDF : {e}"))
    };
    let bytes = saved.map_err(|p| {
        let what = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "erreur interne".into());
        failed(&what)
    })?;
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(failed(&w.msg));
    }
    if !bytes.starts_with(b"%PDF") {
        return Err(failed(&"document vide"));
    }
    Ok(bytes)
}

/// Writes the sheet to `path` atomically (temporary file in the same folder, then rename), so a
/// failure never leaves half a PDF.
pub fn write_pdf(data: &SheetData<'_>, path: &Path) -> Result<()> {
    // Rendered first: nothing touches the disk when the PDF cannot be produced.
    let bytes = render(data)?;
    let mut tmp = WholeFile::new(path, ".forfaits-fiche-")?;
    tmp.write_all(&bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Page geometry, in points (1 mm = 72 / 25.4 pt).

const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
/// 18 mm.
const MARGIN: f32 = 51.024;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE_W - MARGIN;
const WIDTH: f32 = RIGHT - LEFT;
/// Where the values of the label/value rows start.
const VALUE_X: f32 = LEFT + 165.0;
const ROW: f32 = 14.5;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;

/// Black for text, greys for rules and the table header band.
const INK: f32 = 0.0;
const RULE: f32 = 0.55;
const HAIRLINE: f32 = 0.82;
const BAND: f32 = 0.93;

/// The minutes left on an allowance, rounded down, never negative.
fn remaining_minutes(allowance_min: u32, used_s: i64) -> i64 {
    (i64::from(allowance_min) * 60 - used_s.max(0)).max(0) / 60
}

/// `+12 500,000 TND`, `-3,000 TND`, `0,000 TND`.
fn signed_amount(settings: &Settings, minor: i64) -> String {
    let sign = if minor > 0 { "+" } else { "" };
    format!("{sign}{}", amount(settings, minor))
}

/// `1 234,500 TND` (no-break space between thousands, as WinAnsi has no narrow one).
fn amount(settings: &Settings, minor: i64) -> String {
    format!(
        "{} {}",
        settings
            .currency
            .format_number(Money(minor), Some('\u{a0}')),
        settings.currency.code
    )
}

fn layout(data: &SheetData<'_>) -> Vec<Op> {
    let a = data.account;
    let s = data.settings;
    let mut p = Canvas::default();
    p.ops.push(Op::SetFillColor { col: grey(INK) });

    // Header.
    let mut y = PAGE_H - MARGIN - 14.0;
    let printed = format!("Imprimée le {}", dates::local(data.printed_at));
    let printed_w = width(&printed, Face::Regular, 9.0);
    p.text(LEFT, y, Face::Bold, 18.0, "Fiche du compte");
    p.text(RIGHT - printed_w, y, Face::Regular, 9.0, &printed);
    y -= 16.0;
    p.text(
        LEFT,
        y,
        Face::Regular,
        10.5,
        "Forfaits utilisateurs — Taxation",
    );
    y -= 9.0;
    p.rule(LEFT, RIGHT, y, RULE, 0.9);
    y -= 24.0;

    // Identity.
    y = p.heading(y, "Identité");
    y = p.row(y, "Nom utilisateur :", &a.name, Face::Bold);
    y = p.row(y, "Matricule :", &a.matricule, Face::Regular);
    y = p.row(y, "Identifiant :", &a.identifiant, Face::Regular);
    y = p.row(
        y,
        "Date de création :",
        &dates::local(a.created_at),
        Face::Regular,
    );
    y = p.row(
        y,
        "Date de modification :",
        &dates::local(a.updated_at),
        Face::Regular,
    );
    y -= 12.0;

    // States.
    y = p.heading(y, "Etat");
    y = p.row(y, "Etat du compte :", switch_label(a.enabled), Face::Bold);
    y = p.row(y, "Etat général :", &a.etat_general().label(), Face::Bold);
    y = p.row(
        y,
        "Activation calcul billing :",
        switch_label(a.billing),
        Face::Regular,
    );
    y -= 12.0;

    // Allowance and balance.
    y = p.heading(y, "Forfait et solde");
    y = p.row(y, "Solde :", &amount(s, a.balance), Face::Bold);
    let (allowance, remaining) = match a.allowance_minutes {
        Some(m) => (
            format!("{m} min"),
            format!("{} min", remaining_minutes(m, a.used_seconds)),
        ),
        None => ("illimitée".to_string(), "illimitées".to_string()),
    };
    y = p.row(y, "Durée d'appel :", &allowance, Face::Regular);
    y = p.row(
        y,
        "Durée totale des appels :",
        &format_duration(a.used_seconds),
        Face::Regular,
    );
    y = p.row(y, "Minutes restantes :", &remaining, Face::Regular);
    y -= 12.0;

    // The ten keys: two rows of five cells, a header band over each.
    y = p.heading(y, "Numéros autorisés");
    y = p.keys(y, &a.phones);
    y -= 18.0;

    // Latest movements.
    y = p.heading(y, "Derniers mouvements");
    p.movements(y, data.movements, s);

    // Footer.
    let fy = MARGIN;
    p.rule(LEFT, RIGHT, fy + 10.0, RULE, 0.5);
    let page = "Page 1 / 1";
    let page_w = width(page, Face::Regular, 8.0);
    let left = format!(
        "Forfaits utilisateurs — Taxation · {} · {}",
        a.matricule, a.name
    );
    p.text_fit(LEFT, fy, Face::Regular, 8.0, &left, WIDTH - page_w - 12.0);
    p.text(RIGHT - page_w, fy, Face::Regular, 8.0, page);
    p.ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_minutes_round_down_and_stop_at_zero() {
        assert_eq!(remaining_minutes(10, 0), 10);
        assert_eq!(remaining_minutes(10, 59), 9);
        assert_eq!(remaining_minutes(10, 600), 0);
        assert_eq!(remaining_minutes(10, 10_000), 0);
    }
}
