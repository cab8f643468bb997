//! Account sheet (*Imprimer*): one A4 portrait page in PDF with the identity, states,
//! allowance, balance, the ten keys and the latest movements of an account.
//!
//! Names are often Arabic in Tunisia (SPEC §14), which the PDF built-in fonts cannot show: the
//! sheet embeds DejaVu Sans (regular and bold), which covers Latin and Arabic, shaped and laid
//! out right to left where needed (see [`text`]). Only the glyphs printed are embedded: each
//! face is subset to them (`subsetter`) before it goes into the file, which keeps a sheet at a
//! few tens of kilobytes. Every value is real text, so the sheet can be searched and copied.
//!
//! Layout is computed from the shaped widths, so a long name or reason is cut with `…` before
//! the right margin and an amount is set smaller rather than cut.

use crate::atomic_file::WholeFile;
use crate::dates;
use crate::domain::state::switch_label;
use crate::domain::{format_duration, Account, Money, KEYS};
use crate::error::{Error, Result};
use crate::page::Page;
use crate::store::ledger::Movement;
use crate::store::Settings;
use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LinePoint, OffsetDateTime, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity,
    PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};
use std::collections::BTreeMap;
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

impl SheetData<'_> {
    /// The characters of the name that the sheet's font cannot show (a Chinese name): the
    /// sheet prints `?` for them, which the person printing it should be told.
    pub fn unprintable(&self) -> Vec<char> {
        text::Shaper::default().lacking(&self.account.name)
    }

    /// What every front says of [`Self::unprintable`] once the PDF is written or printed.
    pub fn unprintable_warning(&self) -> Option<String> {
        let lacking = self.unprintable();
        (!lacking.is_empty()).then(|| {
            format!(
                "Attention : la police de la fiche n'a pas « {} » ; la fiche porte « ? » à la place.",
                lacking.iter().collect::<String>()
            )
        })
    }
}

/// An account's sheet read from the store, as every front prints it: the account, its newest
/// movements, the settings, and now as *Imprimée le*.
pub struct Sheet {
    pub account: Account,
    pub movements: Vec<Movement>,
    pub settings: Settings,
    pub printed_at: i64,
}

impl Sheet {
    /// The sheet of an account of either store (SQLite or a site).
    pub fn of(base: &crate::Base, account_id: i64) -> Result<Sheet> {
        Ok(Sheet {
            account: base.get_account(account_id)?,
            movements: base.movements(account_id, Page::first(MAX_MOVEMENTS as u32))?,
            settings: base.settings()?,
            printed_at: crate::store::now(),
        })
    }

    pub fn data(&self) -> SheetData<'_> {
        SheetData {
            account: &self.account,
            movements: &self.movements,
            settings: &self.settings,
            printed_at: self.printed_at,
        }
    }

    /// `fiche-MATRICULE.pdf`: the name the window saves it under.
    pub fn file_name(&self) -> String {
        format!("fiche-{}.pdf", self.account.matricule)
    }

    /// Writes the PDF as [`Self::file_name`] in `dir` (made if missing); returns its path.
    pub fn write_in(&self, dir: &std::path::Path) -> Result<std::path::PathBuf> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(self.file_name());
        write_pdf(&self.data(), &path)?;
        Ok(path)
    }

    /// The print job's title in the queue.
    pub fn title(&self) -> String {
        format!("Fiche {} {}", self.account.matricule, self.account.name)
    }
}

/// The sheet as PDF bytes.
pub fn render(data: &SheetData<'_>) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::file(format!("Impossible de produire la fiche PDF : {e}"))
    };
    let mut ops = layout(data);
    let mut doc = PdfDocument::new(&format!("Fiche du compte — {}", data.account.name));
    for face in [Face::Regular, Face::Bold] {
        if let Some(font) = embed(face, &mut ops).map_err(|e| failed(&e))? {
            doc.resources
                .fonts
                .map
                .insert(face.font_id(), PdfFont::new(font));
        }
    }
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

/// Calls `f` with each glyph the page shows in `face`, in order.
fn each_glyph(face: Face, ops: &mut [Op], mut f: impl FnMut(&mut Codepoint)) {
    let mut current = None;
    for op in ops.iter_mut() {
        match op {
            Op::SetFont {
                font: PdfFontHandle::External(id),
                ..
            } => current = Face::from_font_id(id),
            Op::ShowText { items } if current == Some(face) => {
                for item in items.iter_mut() {
                    if let TextItem::GlyphIds(g) = item {
                        g.iter_mut().for_each(&mut f);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Subsets `face` to the glyphs the page shows, renumbers them in `ops`, and gives the font
/// to embed (`None` when the face is not used). Each glyph reads back as the text it was
/// shaped from (the first text seen, so that one glyph has one meaning).
fn embed(face: Face, ops: &mut [Op]) -> std::result::Result<Option<ParsedFont>, String> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut texts: BTreeMap<u16, String> = BTreeMap::new();
    each_glyph(face, ops, |cp| {
        remapper.remap(cp.gid);
        let t = texts.entry(cp.gid).or_default();
        if t.is_empty() {
            *t = cp.cid.clone().unwrap_or_default();
        }
    });
    if texts.is_empty() {
        return Ok(None);
    }
    let bytes = subsetter::subset(face.ttf(), 0, &remapper).map_err(|e| format!("{e:?}"))?;
    each_glyph(face, ops, |cp| {
        cp.cid = texts.get(&cp.gid).cloned();
        cp.gid = remapper.get(cp.gid).unwrap_or(0);
    });
    let mut warnings = Vec::new();
    let mut font = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| "police intégrée illisible".to_string())?;
    // A subset is named with a tag of six capitals drawn from its glyphs (ISO 32000-1, 9.6.4).
    let mut h: u32 = 2166136261;
    for g in texts.keys() {
        h = (h ^ u32::from(*g)).wrapping_mul(16777619);
    }
    let tag: String = (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect();
    font.font_name = Some(format!(
        "{tag}+{}",
        match face {
            Face::Regular => "DejaVuSans",
            Face::Bold => "DejaVuSans-Bold",
        }
    ));
    Ok(Some(font))
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
/// From one line of a value to the next, when it takes more than one.
const BODY_LINE: f32 = 12.0;
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

/// `1 234,500 TND` (a no-break space between thousands, read back as a space).
fn amount(settings: &Settings, minor: i64) -> String {
    format!(
        "{} {}",
        settings
            .currency
            .format_number(Money(minor), Some('\u{a0}')),
        settings.currency.code
    )
}

/// What the sheet says, in reading order: the PDF and the window's printed page (an HTML
/// rendering for the system's print dialog) are both drawn from it, so they cannot differ.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetContent {
    pub titre: String,
    pub sous_titre: String,
    pub imprimee_le: String,
    /// Identité, Etat, Forfait et solde.
    pub sections: Vec<SheetSection>,
    pub titre_touches: String,
    /// *Touche 1* … *Touche 10* and their numbers (empty when none).
    pub touches: Vec<SheetKey>,
    pub titre_mouvements: String,
    pub entetes_mouvements: [String; 5],
    /// Date, libellé, montant, solde après, motif; newest first, at most [`MAX_MOVEMENTS`].
    pub mouvements: Vec<[String; 5]>,
    /// Said instead of the table when there is no movement.
    pub aucun_mouvement: String,
    pub pied: String,
    pub page: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetSection {
    pub titre: String,
    pub lignes: Vec<SheetRow>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetRow {
    pub libelle: String,
    pub valeur: String,
    /// Set in bold (the name, the states, the balance).
    pub gras: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetKey {
    pub libelle: String,
    pub numero: String,
}

/// The sheet's text, for the PDF and the printed page.
pub fn content(data: &SheetData<'_>) -> SheetContent {
    let a = data.account;
    let s = data.settings;
    let row = |libelle: &str, valeur: String, gras: bool| SheetRow {
        libelle: libelle.into(),
        valeur,
        gras,
    };
    let (allowance, remaining) = match a.allowance_minutes {
        Some(m) => (
            format!("{m} min"),
            format!("{} min", remaining_minutes(m, a.used_seconds)),
        ),
        None => ("illimitée".to_string(), "illimitées".to_string()),
    };
    SheetContent {
        titre: "Fiche du compte".into(),
        sous_titre: "Forfaits utilisateurs — Taxation".into(),
        imprimee_le: format!("Imprimée le {}", dates::local(data.printed_at)),
        sections: vec![
            SheetSection {
                titre: "Identité".into(),
                lignes: vec![
                    row("Nom utilisateur :", a.name.clone(), true),
                    row("Matricule :", a.matricule.clone(), false),
                    row("Identifiant :", a.identifiant.clone(), false),
                    row("Date de création :", dates::local(a.created_at), false),
                    row("Date de modification :", dates::local(a.updated_at), false),
                ],
            },
            SheetSection {
                titre: "Etat".into(),
                lignes: vec![
                    row("Etat du compte :", switch_label(a.enabled).into(), true),
                    row("Etat général :", a.etat_general().label(), true),
                    row(
                        "Activation calcul billing :",
                        switch_label(a.billing).into(),
                        false,
                    ),
                ],
            },
            SheetSection {
                titre: "Forfait et solde".into(),
                lignes: vec![
                    row("Solde :", amount(s, a.balance), true),
                    row("Durée d'appel :", allowance, false),
                    row(
                        "Durée totale des appels :",
                        format_duration(a.used_seconds),
                        false,
                    ),
                    row("Minutes restantes :", remaining, false),
                ],
            },
        ],
        titre_touches: "Numéros autorisés".into(),
        touches: (0..KEYS)
            .map(|k| SheetKey {
                libelle: format!("Touche {}", k + 1),
                numero: a.phones.get(k).cloned().flatten().unwrap_or_default(),
            })
            .collect(),
        titre_mouvements: "Derniers mouvements".into(),
        entetes_mouvements: ["Date", "Libellé", "Montant", "Solde après", "Motif"]
            .map(String::from),
        mouvements: data
            .movements
            .iter()
            .take(MAX_MOVEMENTS)
            .map(|m| {
                [
                    dates::local(m.date),
                    m.libelle.to_string(),
                    signed_amount(s, m.montant),
                    amount(s, m.solde_apres),
                    m.motif.clone(),
                ]
            })
            .collect(),
        aucun_mouvement: "Aucun mouvement.".into(),
        pied: format!(
            "Forfaits utilisateurs — Taxation · {} · {}",
            a.matricule, a.name
        ),
        page: "Page 1 / 1".into(),
    }
}

fn layout(data: &SheetData<'_>) -> Vec<Op> {
    let c = content(data);
    let mut p = Canvas::default();
    p.ops.push(Op::SetFillColor { col: grey(INK) });

    // Header.
    let mut y = PAGE_H - MARGIN - 14.0;
    let printed_w = p.width(&c.imprimee_le, Face::Regular, 9.0);
    p.text(LEFT, y, Face::Bold, 18.0, &c.titre);
    p.text(RIGHT - printed_w, y, Face::Regular, 9.0, &c.imprimee_le);
    y -= 16.0;
    p.text(LEFT, y, Face::Regular, 10.5, &c.sous_titre);
    y -= 9.0;
    p.rule(LEFT, RIGHT, y, RULE, 0.9);
    y -= 24.0;

    // Identity, states, allowance and balance.
    for section in &c.sections {
        y = p.heading(y, &section.titre);
        for r in &section.lignes {
            let face = if r.gras { Face::Bold } else { Face::Regular };
            y = p.row(y, &r.libelle, &r.valeur, face);
        }
        y -= 12.0;
    }

    // The ten keys: two rows of five cells, a header band over each.
    y = p.heading(y, &c.titre_touches);
    y = p.keys(y, &c.touches);
    y -= 18.0;

    // Latest movements, above the footer.
    let fy = MARGIN;
    y = p.heading(y, &c.titre_mouvements);
    p.movements(y, &c, fy + 18.0);

    // Footer.
    p.rule(LEFT, RIGHT, fy + 10.0, RULE, 0.5);
    let page_w = p.width(&c.page, Face::Regular, 8.0);
    p.text_fit(LEFT, fy, Face::Regular, 8.0, &c.pied, WIDTH - page_w - 12.0);
    p.text(RIGHT - page_w, fy, Face::Regular, 8.0, &c.page);
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
