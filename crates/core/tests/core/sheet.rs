//! The printed account sheet: built from a real store, written with `write_pdf`, read back with
//! the real `pdftotext` (poppler-utils) to check that every value is there as text.

use crate::common::*;
use forfaits_core::dates;
use forfaits_core::domain::{Account, CountryCode, Currency, Money};
use forfaits_core::prelude::*;
use forfaits_core::sheet::{content, render, write_pdf, SheetData};
use forfaits_core::store::ledger::{Movement, MovementKind};
use forfaits_core::store::Settings;
use forfaits_core::Store;
use std::path::Path;
use std::process::Command;

/// 26/11/2026 09:05 UTC, a fixed print time.
const PRINTED_AT: i64 = 1_795_683_900;

/// Everything one sheet needs, read back from the store like the window does.
struct Fixture {
    _db: TempDb,
    account: Account,
    movements: Vec<Movement>,
    settings: Settings,
}

impl Fixture {
    fn data(&self) -> SheetData<'_> {
        SheetData {
            account: &self.account,
            movements: &self.movements,
            settings: &self.settings,
            printed_at: PRINTED_AT,
        }
    }
}

fn read_back(db: TempDb, store: &Store, id: i64) -> Fixture {
    Fixture {
        account: store.get_account(id).unwrap(),
        movements: store.movements(id, Page::first(15)).unwrap(),
        settings: store.settings().unwrap(),
        _db: db,
    }
}

/// An enabled account with accents in its name, keys 1, 2 and 5, an opening balance of
/// 1 234,000 TND, a recharge of 12,500 TND and a debit of 2,000 TND (1 244,500 TND left).
fn hedi() -> Fixture {
    let (db, mut store) = temp_store();
    let who = ("Hédi Ben Salah-Œuvré", "10000000007919", "8812311");
    let keys = ["26630494", "+21642699102", "", "", "71123456"];
    let id = create_holder(&mut store, who, &keys, 1_234_000);
    store
        .manual_movement(id, MovementKind::Recharge, Money(12_500), "Dépôt espèces")
        .unwrap();
    store
        .manual_movement(id, MovementKind::Debit, Money(2_000), "Carte téléphonique")
        .unwrap();
    read_back(db, &store, id)
}

/// Writes the sheet into a fresh folder and returns `pdftotext -layout` of it.
fn sheet_text(data: &SheetData<'_>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fiche.pdf");
    write_pdf(data, &path).unwrap();
    pdftotext(&path)
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "« {w} » missing from the sheet:\n{text}");
    }
}

#[test]
fn sheet_pdf_holds_every_value_with_accents() {
    let f = hedi();
    let a = &f.account;
    assert_eq!(a.balance, 1_244_500);
    let text = sheet_text(&f.data());
    let created = dates::local(a.created_at);
    let modified = dates::local(a.updated_at);
    let printed = format!("Imprimée le {}", dates::local(PRINTED_AT));
    assert_has(
        &text,
        &[
            "Fiche du compte",
            "Forfaits utilisateurs — Taxation",
            &printed,
            "Nom utilisateur",
            "Hédi Ben Salah-Œuvré",
            "Matricule",
            "10000000007919",
            "Identifiant",
            "8812311",
            "Etat du compte",
            "Activé",
            "Etat général",
            &a.etat_general().label(),
            "Activation calcul billing",
            "Durée d'appel",
            "illimitée",
            "Durée totale des appels",
            "0:00:00",
            "Minutes restantes",
            "illimitées",
            // Printed with a no-break space between thousands (WinAnsi has no narrow one),
            // which pdftotext gives back as a plain space.
            "1 244,500 TND",
            "Touche 1",
            "Touche 5",
            "Touche 10",
            "26630494",
            "+21642699102",
            "71123456",
            "Date de création",
            &created,
            "Date de modification",
            &modified,
            "Derniers mouvements",
            "Solde initial",
            "+1 234,000 TND",
            "Recharge",
            "+12,500 TND",
            "1 246,500 TND",
            "Dépôt espèces",
            "Débit",
            "-2,000 TND",
            "Carte téléphonique",
            "Page 1 / 1",
        ],
    );
    assert_eq!(a.etat_general().label(), "Opérationnel");
    // Newest first, as the caller passes them: the debit is printed above the recharge.
    assert!(text.find("Carte téléphonique") < text.find("Dépôt espèces"));
    // Nothing fell back to the replacement character of an unencodable glyph.
    assert!(!text.contains('?') && !text.contains('\u{fffd}'), "{text}");
}

#[test]
fn disabled_account_shows_its_state_and_remaining_minutes() {
    let (db, mut store) = temp_store();
    let mut f = form("Mériem Saïdi", "10000000001234", "7654321", &["26630494"]);
    f.enabled = false;
    f.billing = false;
    f.allowance = "120".into();
    let (draft, _) = f
        .validate(&Currency::default(), &CountryCode::default())
        .unwrap();
    let id = store.create_account(&draft, Money(0)).unwrap().id;
    let mut fx = read_back(db, &store, id);
    // 4 000 s of calls, as the billing module records them: 7 200 - 4 000 = 3 200 s left,
    // printed as 53 whole minutes.
    fx.account.used_seconds = 4_000;
    let text = sheet_text(&fx.data());
    assert_has(
        &text,
        &[
            "Désactivé",
            "Compte désactivé",
            "120 min",
            "1:06:40",
            "53 min",
            "0,000 TND",
        ],
    );
    let state_line = text.lines().find(|l| l.contains("Etat du compte")).unwrap();
    assert!(state_line.contains("Désactivé"), "{state_line}");
    let billing_line = text
        .lines()
        .find(|l| l.contains("Activation calcul billing"))
        .unwrap();
    assert!(billing_line.contains("Désactivé"), "{billing_line}");
}

#[test]
fn a_suspended_account_prints_until_when() {
    let (db, mut store) = temp_store();
    let id = create_holder(&mut store, SAMI_BEN_ALI, &["26630494"], 0);
    let today = chrono::Local::now().date_naive();
    let until = chrono::NaiveDate::from_ymd_opt(2099, 12, 12).unwrap();
    store
        .suspend_account(id, until, "discipline", today)
        .unwrap();
    let fx = read_back(db, &store, id);
    let text = sheet_text(&fx.data());
    let line = text.lines().find(|l| l.contains("Etat général")).unwrap();
    assert!(line.contains("Suspendu jusqu'au 12/12/2099"), "{text}");
}

#[test]
fn used_up_allowance_shows_zero_minutes_and_a_negative_balance_keeps_its_sign() {
    let mut f = hedi();
    f.account.allowance_minutes = Some(10);
    f.account.used_seconds = 10_000;
    f.account.balance = -1_234_500;
    let text = sheet_text(&f.data());
    assert_has(&text, &["10 min", "0 min", "-1 234,500 TND"]);
}

#[test]
fn account_without_movements_says_so() {
    let mut f = hedi();
    f.movements.clear();
    let text = sheet_text(&f.data());
    assert_has(&text, &["Derniers mouvements", "Aucun mouvement."]);
    assert!(!text.contains("Solde après"), "{text}");
}

#[test]
fn markup_and_formula_looking_names_are_printed_literally() {
    let (db, mut store) = temp_store();
    let who = (
        "<b>Ali</b> =SUM(A1) & (x) \\ %",
        "10000000005555",
        "1234567",
    );
    let id = create_holder(&mut store, who, &[], 0);
    let f = read_back(db, &store, id);
    let text = sheet_text(&f.data());
    assert_has(&text, &["<b>Ali</b> =SUM(A1) & (x) \\ %"]);
}

#[test]
fn a_long_name_and_reason_are_printed_whole_on_more_lines_inside_the_page() {
    let (db, mut store) = temp_store();
    let name = format!("Hédi {}", "Wémbley-Ŵallace ".repeat(6).trim_end());
    assert!(name.chars().count() <= 100);
    let id = create(&mut store, &name, "10000000007777", "7777777", &[], 0);
    store
        .manual_movement(
            id,
            MovementKind::Recharge,
            Money(1_000),
            &"Versement exceptionnel WWW ".repeat(7),
        )
        .unwrap();
    let f = read_back(db, &store, id);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fiche.pdf");
    write_pdf(&f.data(), &path).unwrap();
    let text = pdftotext(&path);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let reason = "Versement exceptionnel WWW ".repeat(7);
    assert_has(&flat, &[&name, reason.trim()]);
    // Only the footer, which repeats the name, may cut it.
    let cut = text.lines().filter(|l| l.contains('…'));
    assert!(cut.clone().all(|l| l.contains("Page 1 / 1")), "{text}");
    // Every word box stays inside the 18 mm margins of the A4 page (595.3 pt wide).
    let out = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let mut words = 0;
    for part in html.split("xMax=\"").skip(1) {
        let x_max: f32 = part[..part.find('"').unwrap()].parse().unwrap();
        assert!(
            x_max <= 595.3 - 50.0,
            "text runs past the right margin: {x_max}"
        );
        words += 1;
    }
    assert!(words > 50, "{html}");
}

#[test]
fn at_most_fifteen_movements_are_printed() {
    let (db, mut store) = temp_store();
    let id = create_holder(&mut store, SAMI_MANSOURI, &[], 0);
    for i in 1..=20 {
        store
            .manual_movement(
                id,
                MovementKind::Recharge,
                Money(1_000),
                &format!("Recharge numéro {i:02}"),
            )
            .unwrap();
    }
    let mut f = read_back(db, &store, id);
    f.movements = store.movements(id, Page::first(30)).unwrap();
    let text = sheet_text(&f.data());
    assert_has(&text, &["Recharge numéro 20", "Recharge numéro 06"]);
    assert!(!text.contains("Recharge numéro 05"), "{text}");
    assert_eq!(text.matches("Recharge numéro").count(), 15);
}

/// The account with 15 movements of `reason(i)`, the newest one a refund, as the sheet reads.
fn fifteen_movements(reason: impl Fn(u32) -> String) -> String {
    let (db, mut store) = temp_store();
    let id = create_holder(&mut store, SAMI_MANSOURI, &[], 0);
    for i in 1..=15 {
        store
            .manual_movement(id, MovementKind::Recharge, Money(1_000), &reason(i))
            .unwrap();
    }
    // A refund: the longest word a movement's kind has.
    rusqlite::Connection::open(&db.path)
        .unwrap()
        .execute(
            "UPDATE movements SET kind = 'remboursement' WHERE id = (SELECT max(id) FROM movements)",
            [],
        )
        .unwrap();
    let f = read_back(db, &store, id);
    let text = sheet_text(&f.data());
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(last.contains("Page 1 / 1"), "the footer below: {text}");
    assert!(!text.contains('…'), "nothing cut: {text}");
    assert!(text.contains("Remboursement"), "{text}");
    text
}

#[test]
fn long_reasons_are_printed_whole_the_oldest_movements_giving_way() {
    let text = fifteen_movements(|i| {
        format!(
            "Motif {i:02} {}",
            "très long versement de la famille ".repeat(5)
        )
        .trim()
        .to_string()
    });
    let shown: Vec<u32> = (1..=15)
        .filter(|i| text.contains(&format!("Motif {i:02}")))
        .collect();
    assert!((3..15).contains(&shown.len()), "{shown:?}: {text}");
    let newest: Vec<u32> = (16 - shown.len() as u32..=15).collect();
    assert_eq!(shown, newest, "the newest ones: {text}");
    assert_eq!(
        text.matches("famille").count(),
        5 * shown.len(),
        "every reason whole: {text}"
    );
}

#[test]
fn fifteen_calls_hold_on_the_page_each_reason_on_one_line() {
    let text = fifteen_movements(|i| format!("Appel vers +2169938347{} (0:03:00)", i % 10));
    assert_eq!(
        text.matches(" (0:03:00)").count(),
        15,
        "« Appel vers +21699383470 (0:03:00) » fifteen times: {text}"
    );
    for i in 0..10 {
        assert!(
            text.contains(&format!("Appel vers +2169938347{i} (0:03:00)")),
            "{text}"
        );
    }
}

#[test]
fn render_gives_a_single_a4_page() {
    let f = hedi();
    let bytes = render(&f.data()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "fiche.pdf", &bytes);
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{name} missing from pdfinfo:\n{info}"))
    };
    assert_eq!(field("Pages:"), "1");
    assert!(field("Page size:").contains("(A4)"), "{info}");
    assert_eq!(field("Title:"), "Fiche du compte — Hédi Ben Salah-Œuvré");
}

#[test]
fn writing_into_a_missing_folder_fails_and_creates_nothing() {
    let f = hedi();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent");
    let err = write_pdf(&f.data(), &missing.join("fiche.pdf")).unwrap_err();
    assert!(err.to_string().contains("n'existe pas"), "{err}");
    assert!(!err.is_rejection());
    assert!(!missing.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn writing_replaces_an_old_sheet_and_leaves_no_temporary_file() {
    let f = hedi();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "fiche.pdf", b"ancienne fiche");
    write_pdf(&f.data(), &path).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["fiche.pdf"]);
    let err = write_pdf(&f.data(), dir.path()).unwrap_err();
    assert!(err.to_string().contains("est un dossier"), "{err}");
}

/// A sheet of one account named `name`, written and read back with `pdftotext` (in reading
/// order, not `-layout`), with the path kept.
fn named(name: &str) -> (Fixture, tempfile::TempDir, std::path::PathBuf) {
    let (db, mut store) = temp_store();
    let id = create(
        &mut store,
        name,
        "10000000004242",
        "4242424",
        &["26630494"],
        12_500,
    );
    let f = read_back(db, &store, id);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fiche.pdf");
    write_pdf(&f.data(), &path).unwrap();
    (f, dir, path)
}

fn pdftotext_raw(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn an_arabic_name_prints_with_an_embedded_font_and_reads_back() {
    let (_f, _dir, path) = named("محمد بن علي");
    let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    // name, type, encoding, emb, sub, uni: every font embedded, subset, with a Unicode map.
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(row.contains("DejaVuSans"), "{fonts}");
        assert_eq!(
            cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{fonts}"
        );
    }
    for text in [pdftotext_raw(&path), pdftotext(&path)] {
        for word in ["محمد", "بن", "علي"] {
            assert!(text.contains(word), "« {word} » missing:\n{text}");
        }
        assert!(text.contains("محمد بن علي"), "{text}");
        assert!(!text.contains('?') && !text.contains('\u{fffd}'), "{text}");
    }
    // Small: only the glyphs printed are embedded.
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 60_000, "{size} bytes");
}

#[test]
fn french_arabic_and_mixed_names_print_on_one_kind_of_sheet() {
    for (name, words) in [
        ("Éléonore Ben Saïd", vec!["Éléonore Ben Saïd"]),
        ("Hédi الطرابلسي", vec!["Hédi", "الطرابلسي"]),
        ("فاطمة الزهراء Ben Ali", vec!["فاطمة", "الزهراء", "Ben Ali"]),
        ("عبد الله (Abdallah)", vec!["عبد", "الله", "Abdallah"]),
        // Lam then alef print as one glyph, which must read back in that order.
        ("صلاح الدين بلال", vec!["صلاح", "الدين", "بلال"]),
        ("علاء السلامي الأمين", vec!["علاء", "السلامي", "الأمين"]),
    ] {
        let (_f, _dir, path) = named(name);
        let text = pdftotext_raw(&path);
        for w in words {
            assert!(text.contains(w), "« {w} » of « {name} » missing:\n{text}");
        }
        assert!(text.contains("Nom utilisateur"), "{text}");
        assert!(!text.contains('?'), "{text}");
    }
}

#[test]
fn the_printed_page_and_the_pdf_say_the_same() {
    // The window prints an HTML rendering of `content`; the PDF is drawn from it too. Every
    // string of it is on the PDF.
    let f = hedi();
    let c = content(&f.data());
    let text = sheet_text(&f.data());
    let mut all = vec![c.titre.clone(), c.sous_titre.clone(), c.imprimee_le.clone()];
    for s in &c.sections {
        all.push(s.titre.clone());
        for r in &s.lignes {
            all.push(r.libelle.trim_end_matches(" :").to_string());
            all.push(r.valeur.replace('\u{a0}', " "));
        }
    }
    all.push(c.titre_touches.clone());
    for k in &c.touches {
        all.push(k.libelle.clone());
        all.push(k.numero.clone());
    }
    all.push(c.titre_mouvements.clone());
    all.extend(c.entetes_mouvements.iter().cloned());
    for m in &c.mouvements {
        all.extend(m.iter().map(|s| s.replace('\u{a0}', " ")));
    }
    all.push(c.page.clone());
    for s in all.iter().filter(|s| !s.is_empty()) {
        assert!(
            text.contains(s.as_str()),
            "« {s} » missing from the PDF:\n{text}"
        );
    }
    assert_eq!(c.touches.len(), 10);
    assert_eq!(c.mouvements.len(), 3);
}
