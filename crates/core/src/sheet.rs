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
    let mut doc = PdfDocument::new(&format!("Fiche du compte — {}", data.account.nom));
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
    let failed =
        |e: &dyn std::fmt::Display| Error::Io(format!("Impossible de produire la fiche PDF : {e}"));
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
    if path.is_dir() {
        return Err(Error::Io(format!(
            "{} est un dossier : indiquez un nom de fichier.",
            path.display()
        )));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Error::Io(format!(
            "Le dossier {} n'existe pas.",
            dir.display()
        )));
    }
    // Rendered first: nothing touches the disk when the PDF cannot be produced.
    let bytes = render(data)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".forfaits-fiche-")
        .suffix(".pdf")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, &e))?;
    tmp.write_all(&bytes).map_err(|e| Error::io(path, &e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, &e))?;
    tmp.persist(path).map_err(|e| Error::io(path, &e.error))?;
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

/// The two faces used.
#[derive(Clone, Copy)]
enum Face {
    Regular,
    Bold,
}

impl Face {
    fn builtin(self) -> BuiltinFont {
        match self {
            Face::Regular => BuiltinFont::Helvetica,
            Face::Bold => BuiltinFont::HelveticaBold,
        }
    }
}

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
    y = p.row(y, "Nom utilisateur :", &a.nom, Face::Bold);
    y = p.row(y, "Matricule :", &a.matricule, Face::Regular);
    y = p.row(y, "Identifiant :", &a.identifiant, Face::Regular);
    y = p.row(
        y,
        "Date de création :",
        &dates::local(a.cree_le),
        Face::Regular,
    );
    y = p.row(
        y,
        "Date de modification :",
        &dates::local(a.modifie_le),
        Face::Regular,
    );
    y -= 12.0;

    // States.
    y = p.heading(y, "Etat");
    y = p.row(
        y,
        "Etat du compte :",
        switch_label(a.etat_compte),
        Face::Bold,
    );
    y = p.row(y, "Etat général :", a.etat_general().label(), Face::Bold);
    y = p.row(
        y,
        "Activation calcul billing :",
        switch_label(a.billing),
        Face::Regular,
    );
    y -= 12.0;

    // Allowance and balance.
    y = p.heading(y, "Forfait et solde");
    y = p.row(y, "Solde :", &amount(s, a.solde), Face::Bold);
    let (allowance, remaining) = match a.duree_appel_min {
        Some(m) => (
            format!("{m} min"),
            format!("{} min", remaining_minutes(m, a.duree_totale_s)),
        ),
        None => ("illimitée".to_string(), "illimitées".to_string()),
    };
    y = p.row(y, "Durée d'appel :", &allowance, Face::Regular);
    y = p.row(
        y,
        "Durée totale des appels :",
        &format_duration(a.duree_totale_s),
        Face::Regular,
    );
    y = p.row(y, "Minutes restantes :", &remaining, Face::Regular);
    y -= 12.0;

    // The ten keys: two rows of five cells, a header band over each.
    y = p.heading(y, "Numéros autorisés");
    y = p.keys(y, &a.telephones);
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
        a.matricule, a.nom
    );
    p.text_fit(LEFT, fy, Face::Regular, 8.0, &left, WIDTH - page_w - 12.0);
    p.text(RIGHT - page_w, fy, Face::Regular, 8.0, page);
    p.ops
}

#[derive(Default)]
struct Canvas {
    ops: Vec<Op>,
}

impl Canvas {
    /// One run of text with its baseline at (`x`, `y`), brought to WinAnsi.
    fn text(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str) {
        let s = pdf_text(s);
        if s.is_empty() {
            return;
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(face.builtin()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s)],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text cut with `…` to fit `max_w`.
    fn text_fit(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str, max_w: f32) {
        self.text(x, y, face, size, &fit(&pdf_text(s), face, size, max_w));
    }

    /// Text ending at `right`, set smaller if needed to fit `max_w` (amounts are never cut).
    fn text_right(&mut self, right: f32, y: f32, face: Face, size: f32, s: &str, max_w: f32) {
        let s = pdf_text(s);
        let size = shrink(&s, face, size, max_w);
        self.text(right - width(&s, face, size), y, face, size, &s);
    }

    /// Text starting at `x`, set smaller if needed to fit `max_w` (numbers are never cut).
    fn text_shrunk(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str, max_w: f32) {
        let s = pdf_text(s);
        let size = shrink(&s, face, size, max_w);
        self.text(x, y, face, size, &s);
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, shade: f32, thickness: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: grey(shade) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y), point(x2, y)],
                    is_closed: false,
                },
            },
        ]);
    }

    fn band(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ops.extend([
            Op::SetFillColor { col: grey(BAND) },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
                },
            },
            Op::SetFillColor { col: grey(INK) },
        ]);
    }

    /// A section title in bold with a thin rule under it; returns the first row's baseline.
    fn heading(&mut self, y: f32, title: &str) -> f32 {
        self.text(LEFT, y, Face::Bold, 11.5, title);
        self.rule(LEFT, RIGHT, y - 5.0, RULE, 0.5);
        y - 5.0 - ROW
    }

    /// `label` then its value, cut to the right margin; returns the next baseline.
    fn row(&mut self, y: f32, label: &str, value: &str, face: Face) -> f32 {
        self.text(LEFT, y, Face::Regular, BODY, label);
        self.text_fit(VALUE_X, y, face, BODY, value, RIGHT - VALUE_X);
        y - ROW
    }

    /// *Touche 1* … *Touche 10* in two rows of five bordered cells; returns the y under them.
    fn keys(&mut self, top: f32, phones: &[Option<String>]) -> f32 {
        const COLS: usize = 5;
        let cell_w = WIDTH / COLS as f32;
        let head_h = 14.0;
        let value_h = 18.0;
        let mut y = top + 4.0;
        for r in 0..KEYS.div_ceil(COLS) {
            self.band(LEFT, y - head_h, WIDTH, head_h);
            for c in 0..COLS {
                let k = r * COLS + c;
                if k >= KEYS {
                    break;
                }
                let x = LEFT + c as f32 * cell_w;
                self.text(
                    x + 5.0,
                    y - head_h + 4.0,
                    Face::Bold,
                    SMALL,
                    &format!("Touche {}", k + 1),
                );
                if let Some(Some(n)) = phones.get(k) {
                    self.text_shrunk(
                        x + 5.0,
                        y - head_h - value_h + 5.5,
                        Face::Regular,
                        BODY,
                        n,
                        cell_w - 10.0,
                    );
                }
            }
            // Borders: top, header separator, bottom, and the verticals.
            let bottom = y - head_h - value_h;
            self.rule(LEFT, RIGHT, y, RULE, 0.5);
            self.rule(LEFT, RIGHT, y - head_h, HAIRLINE, 0.4);
            self.rule(LEFT, RIGHT, bottom, RULE, 0.5);
            for c in 0..=COLS {
                let x = LEFT + c as f32 * cell_w;
                self.ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(x, y), point(x, bottom)],
                        is_closed: false,
                    },
                });
            }
            y = bottom - 6.0;
        }
        y + 6.0
    }

    /// The movements table (date, libellé, montant, solde après, motif).
    fn movements(&mut self, top: f32, movements: &[Movement], s: &Settings) {
        if movements.is_empty() {
            self.text(LEFT, top, Face::Regular, BODY, "Aucun mouvement.");
            return;
        }
        // Column edges: date, libellé, then two right-aligned amounts, then the reason.
        let date_x = LEFT + 4.0;
        let label_x = LEFT + 84.0;
        let amount_r = LEFT + 238.0;
        let balance_r = LEFT + 330.0;
        let reason_x = LEFT + 342.0;
        let amount_w = 84.0;
        let row_h = 13.0;

        let mut y = top + 3.0;
        self.band(LEFT, y - row_h - 1.0, WIDTH, row_h + 1.0);
        let hy = y - row_h + 3.5;
        self.text(date_x, hy, Face::Bold, SMALL, "Date");
        self.text(label_x, hy, Face::Bold, SMALL, "Libellé");
        self.text_right(amount_r, hy, Face::Bold, SMALL, "Montant", amount_w);
        self.text_right(balance_r, hy, Face::Bold, SMALL, "Solde après", amount_w);
        self.text(reason_x, hy, Face::Bold, SMALL, "Motif");
        y -= row_h + 1.0;
        self.rule(LEFT, RIGHT, y, RULE, 0.5);
        for m in movements.iter().take(MAX_MOVEMENTS) {
            let by = y - row_h + 3.5;
            self.text(date_x, by, Face::Regular, SMALL, &dates::local(m.date));
            self.text_fit(
                label_x,
                by,
                Face::Regular,
                SMALL,
                m.libelle,
                amount_r - amount_w - label_x - 4.0,
            );
            self.text_right(
                amount_r,
                by,
                Face::Regular,
                SMALL,
                &signed_amount(s, m.montant),
                amount_w,
            );
            self.text_right(
                balance_r,
                by,
                Face::Regular,
                SMALL,
                &amount(s, m.solde_apres),
                amount_w,
            );
            self.text_fit(
                reason_x,
                by,
                Face::Regular,
                SMALL,
                &m.motif,
                RIGHT - reason_x - 4.0,
            );
            y -= row_h;
            self.rule(LEFT, RIGHT, y, HAIRLINE, 0.3);
        }
    }
}

fn grey(shade: f32) -> Color {
    Color::Greyscale(Greyscale::new(shade, None))
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Text: WinAnsi only, measured with the Helvetica metrics.

/// The WinAnsi (CP1252) byte of `c`, if it has one; the inverse of what printpdf writes for the
/// built-in fonts (it writes `?` for anything else).
fn win_ansi(c: char) -> Option<u8> {
    match c as u32 {
        cp @ (0x20..=0x7E | 0xA0..=0xFF) => Some(cp as u8),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => return None,
        }),
    }
}

/// `s` brought to what the built-in fonts can show: WinAnsi characters are kept, other spaces
/// (narrow no-break, thin…) become a space, other letters lose their accent when the bare
/// letter exists (`ğ` → `g`, `ﬁ` → `fi`), and what is left becomes `?`. Control characters
/// become a space.
pub(crate) fn pdf_text(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push(' ');
        } else if win_ansi(c).is_some() && c != '\u{ad}' {
            out.push(c);
        } else if c.is_whitespace() {
            out.push(if c == '\u{202f}' { '\u{a0}' } else { ' ' });
        } else if is_combining_mark(c) || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}') {
            // An accent left alone, a soft hyphen or a zero-width mark: nothing to print.
        } else {
            let before = out.len();
            out.extend(
                std::iter::once(c)
                    .nfkd()
                    .filter(|d| !is_combining_mark(*d) && win_ansi(*d).is_some()),
            );
            if out.len() == before {
                out.push('?');
            }
        }
    }
    out
}

/// Helvetica advance widths of U+0020..=U+007E, in 1/1000 em (Adobe AFM).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Helvetica-Bold advance widths of U+0020..=U+007E, in 1/1000 em (Adobe AFM).
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// Advance width of one WinAnsi character, in 1/1000 em. Accented letters have the width of
/// their base letter in Helvetica; the few others are listed; anything unknown counts as a
/// digit's width.
fn advance(c: char, face: Face) -> u16 {
    let bold = matches!(face, Face::Bold);
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let ascii = |c: char| table[(c as usize) - 0x20];
    match c {
        ' '..='~' => ascii(c),
        '\u{a0}' => 278,
        'Œ' | 'Æ' | '…' | '—' | '‰' => 1000,
        'œ' => 944,
        'æ' => 889,
        'ß' | 'ø' | '¿' => 611,
        'Ø' => 778,
        '©' | '®' => 737,
        '°' => 400,
        '•' => 350,
        '‘' | '’' | '‚' => {
            if bold {
                278
            } else {
                222
            }
        }
        '“' | '”' | '„' => {
            if bold {
                500
            } else {
                333
            }
        }
        '¡' | '¨' | '´' | '¸' | '¯' | '‹' | '›' => 333,
        _ => match std::iter::once(c).nfd().next() {
            Some(b) if (' '..='~').contains(&b) => ascii(b),
            _ => 556,
        },
    }
}

/// Width of `s` (already WinAnsi) in points.
fn width(s: &str, face: Face, size: f32) -> f32 {
    s.chars().map(|c| f32::from(advance(c, face))).sum::<f32>() * size / 1000.0
}

/// `s` cut with `…` so that it fits `max_w` points.
fn fit(s: &str, face: Face, size: f32, max_w: f32) -> String {
    if width(s, face, size) <= max_w {
        return s.to_string();
    }
    let budget = max_w - width("…", face, size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += f32::from(advance(c, face)) * size / 1000.0;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// The font size at which `s` fits `max_w`: `size`, or smaller down to 5 pt.
fn shrink(s: &str, face: Face, size: f32, max_w: f32) -> f32 {
    let w = width(s, face, size);
    if w <= max_w {
        size
    } else {
        (size * max_w / w).max(5.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_kept_and_the_rest_brought_to_win_ansi() {
        assert_eq!(pdf_text("Hédi Œuvré — à ç ï œ …"), "Hédi Œuvré — à ç ï œ …");
        assert_eq!(pdf_text("1\u{202f}234"), "1\u{a0}234");
        assert_eq!(pdf_text("Doğan Ș ﬁn"), "Dogan S fin");
        assert_eq!(pdf_text("علي"), "???");
        assert_eq!(pdf_text("a\tb\u{ad}c"), "a bc");
        assert!(pdf_text("Émile Łukasz 李")
            .chars()
            .all(|c| win_ansi(c).is_some()));
    }

    #[test]
    fn widths_follow_the_helvetica_metrics() {
        assert_eq!(advance('W', Face::Regular), 944);
        assert_eq!(advance('é', Face::Regular), advance('e', Face::Regular));
        assert_eq!(advance('ç', Face::Bold), 556);
        assert_eq!(advance('~', Face::Bold), 584);
        assert!((width("0000000000", Face::Regular, 10.0) - 55.6).abs() < 0.01);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_within_the_width() {
        let long = "Hédi ".repeat(40);
        let cut = fit(&long, Face::Bold, 10.0, 120.0);
        assert!(cut.ends_with('…'));
        assert!(width(&cut, Face::Bold, 10.0) <= 120.0);
        assert_eq!(fit("Ali", Face::Bold, 10.0, 120.0), "Ali");
        let size = shrink("+1 000 000 000 000,000 TND", Face::Regular, 8.5, 84.0);
        assert!(width("+1 000 000 000 000,000 TND", Face::Regular, size) <= 84.01);
    }

    #[test]
    fn remaining_minutes_round_down_and_stop_at_zero() {
        assert_eq!(remaining_minutes(10, 0), 10);
        assert_eq!(remaining_minutes(10, 59), 9);
        assert_eq!(remaining_minutes(10, 600), 0);
        assert_eq!(remaining_minutes(10, 10_000), 0);
    }
}
