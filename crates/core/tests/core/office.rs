//! Office documents (SPEC §14): Excel and OpenDocument files both ways, Arabic names through
//! CSV files and the search.

use crate::common::*;
use calamine::{Data, Reader};
use forfaits_core::domain::Money;
use forfaits_core::export::{export_users, export_users_to_file, ExportFormat, ExportOptions};
use forfaits_core::import::{import_users, ImportOptions, ImportReport};
use forfaits_core::prelude::*;
use forfaits_core::store::audit::AuditFilter;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::{Error, Store};
use std::io::Write;
use std::path::{Path, PathBuf};

fn run(store: &mut Store, path: &Path) -> Result<ImportReport, Error> {
    import_users(
        store,
        path,
        ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |_| {},
    )
}

/// The accounts in the import format: what an import must give back.
fn import_format(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    export_users(
        store,
        &mut out,
        ExportOptions {
            format: ExportFormat::Import,
            separator: b';',
            bom: false,
        },
        &mut |_, _| Ok(()),
    )
    .unwrap();
    out
}

fn export_xlsx(store: &Store, path: &Path) {
    export_users_to_file(
        store,
        path,
        ExportOptions {
            format: ExportFormat::Xlsx,
            ..Default::default()
        },
        &mut |_, _| Ok(()),
    )
    .unwrap();
}

/// A cell of a spreadsheet written by a test.
#[derive(Clone)]
enum Cell {
    Text(&'static str),
    Num(f64),
    /// A number shown as a date (Excel's serial day), in an .xlsx only.
    Date(f64),
    Empty,
}
use Cell::*;

fn write_xlsx(path: &Path, sheets: &[&[Vec<Cell>]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for rows in sheets {
        let ws = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Text(t) => {
                        ws.write_string(r as u32, c as u16, *t).unwrap();
                    }
                    Num(n) => {
                        ws.write_number(r as u32, c as u16, *n).unwrap();
                    }
                    Date(n) => {
                        let day = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
                        ws.write_number_with_format(r as u32, c as u16, *n, &day)
                            .unwrap();
                    }
                    Empty => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// An OpenDocument spreadsheet as LibreOffice writes it (a number cell keeps its value in
/// `office:value` and shows it formatted), one `table:table` per sheet.
/// Writes a workbook of the kind `path` ends with: .xlsx, else .ods.
fn write_book(path: &Path, sheets: &[&[Vec<Cell>]]) {
    if path.extension().is_some_and(|e| e == "xlsx") {
        write_xlsx(path, sheets);
    } else {
        write_ods(path, sheets);
    }
}

fn write_ods(path: &Path, sheets: &[&[Vec<Cell>]]) {
    let mut tables = String::new();
    for (i, rows) in sheets.iter().enumerate() {
        tables.push_str(&format!("<table:table table:name=\"Feuille{}\">", i + 1));
        for row in rows.iter() {
            tables.push_str("<table:table-row>");
            for cell in row {
                match cell {
                    Text(t) => tables.push_str(&format!(
                        "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
                    )),
                    Num(n) => tables.push_str(&format!(
                        "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n:E}</text:p></table:table-cell>"
                    )),
                    Date(serial) => {
                        let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                            + chrono::Days::new(*serial as u64);
                        tables.push_str(&format!(
                            "<table:table-cell office:value-type=\"date\" office:date-value=\"{day}\"><text:p>{day}</text:p></table:table-cell>"
                        ))
                    }
                    Empty => tables.push_str("<table:table-cell/>"),
                }
            }
            tables.push_str("</table:table-row>");
        }
        tables.push_str("</table:table>");
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>\
         </office:document-content>"
    );
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
          <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
          <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
          </manifest:manifest>",
    )
    .unwrap();
    z.finish().unwrap();
}

/// A base with French, Arabic, mixed and formula-looking names, leading zeros everywhere.
/// `base()` and its xlsx export, in a folder of its own.
fn base_and_its_xlsx() -> (TempDb, Store, tempfile::TempDir, PathBuf) {
    let (db, s) = base();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utilisateurs.xlsx");
    export_xlsx(&s, &path);
    (db, s, dir, path)
}

fn base() -> (TempDb, Store) {
    let (db, mut s) = temp_store();
    create(
        &mut s,
        "محمد بن علي",
        "01234567890123",
        "0012345",
        &["27468145", "", "+33612345678"],
        12_500,
    );
    create(
        &mut s,
        "Éléonore Ben Saïd",
        "10000000015838",
        "8812311",
        &[],
        0,
    );
    create(
        &mut s,
        "Hédi الطرابلسي",
        "00000000000007",
        "0000007",
        &["", "", "", "", "", "", "", "", "", "71123456"],
        3_000,
    );
    create(
        &mut s,
        "Ali =SUM(A1) @x",
        "10000000000001",
        "1000001",
        &[],
        0,
    );
    (db, s)
}

#[test]
fn the_xlsx_export_has_text_cells_numbers_dates_and_a_frozen_header() {
    let (_db, _s, _dir, path) = base_and_its_xlsx();

    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Utilisateurs"]);
    let range = book.worksheet_range("Utilisateurs").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 5);
    let header: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(header, forfaits_core::export::full_header());
    let arabic = rows[1];
    assert_eq!(arabic[0], Data::String("محمد بن علي".into()));
    // Matricule, identifiant and numbers: text, leading zeros kept.
    assert_eq!(arabic[1], Data::String("01234567890123".into()));
    assert_eq!(arabic[2], Data::String("0012345".into()));
    assert_eq!(arabic[6], Data::String("27468145".into()));
    assert_eq!(arabic[7], Data::Empty);
    assert_eq!(arabic[8], Data::String("+33612345678".into()));
    // The balance is a number in units (12,500 TND).
    assert_eq!(arabic[5], Data::Float(12.5));
    assert_eq!(rows[3][5], Data::Float(3.0));
    assert_eq!(rows[3][1], Data::String("00000000000007".into()));
    assert_eq!(rows[3][15], Data::String("71123456".into()));
    // Creation and modification are dates.
    assert!(
        matches!(arabic[16], Data::DateTime(d) if d.is_datetime()),
        "{:?}",
        arabic[16]
    );
    // A formula-looking name is a text cell, as typed, with no apostrophe.
    assert_eq!(rows[4][0], Data::String("Ali =SUM(A1) @x".into()));

    // The sheet's XML: header frozen with the name column, widths set, cells of text format.
    let out = std::process::Command::new("unzip")
        .args(["-p"])
        .arg(&path)
        .arg("xl/worksheets/sheet1.xml")
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(
        xml.contains(r#"xSplit="1" ySplit="1""#) && xml.contains(r#"state="frozen""#),
        "{xml}"
    );
    assert!(xml.contains("<cols>") && xml.contains(r#"customWidth="1""#));
    assert!(
        !xml.contains("<f>"),
        "no formula may be written for a name: {xml}"
    );
    let styles = std::process::Command::new("unzip")
        .args(["-p"])
        .arg(&path)
        .arg("xl/styles.xml")
        .output()
        .unwrap();
    let styles = String::from_utf8_lossy(&styles.stdout);
    assert!(styles.contains(r##"formatCode="#,##0.000""##), "{styles}");
    assert!(styles.contains(r#"formatCode="dd/mm/yyyy hh:mm""#));
    assert!(
        styles.contains(r#"formatCode="@""#),
        "text format @: {styles}"
    );
}

#[test]
fn an_xlsx_export_imports_back_into_an_empty_base_as_the_same_accounts() {
    let (_db, s, dir, path) = base_and_its_xlsx();

    let (_db2, mut s2) = temp_store();
    let r = run(&mut s2, &path).unwrap();
    assert_eq!((r.crees, r.rejetees, r.ecrit), (4, 0, true));
    assert_eq!(r.encodage, "classeur Excel (.xlsx)");
    assert_eq!(import_format(&s2), import_format(&s));
    // Exported again, the second workbook holds the same names, codes and numbers (the new
    // accounts have the opening balance of the Paramètres, not the old balances).
    let path2 = dir.path().join("encore.xlsx");
    export_xlsx(&s2, &path2);
    let cells = |p: &Path| {
        let mut b: calamine::Xlsx<_> = calamine::open_workbook(p).unwrap();
        let r = b.worksheet_range("Utilisateurs").unwrap();
        r.rows()
            .map(|row| {
                (0..16)
                    .filter(|c| !(3..=5).contains(c))
                    .map(|c| row[c].to_string())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(cells(&path), cells(&path2));
}

#[test]
fn numeric_matricules_are_read_exactly_from_xlsx_and_ods() {
    // Typed as numbers: Excel shows 1,00000E+13 but keeps every digit.
    let rows = vec![
        vec![
            Text("Sami Ben Ali"),
            Num(10000000015838.0),
            Num(8812311.0),
            Num(27468145.0),
            Empty,
            Num(71234567.0),
        ],
        vec![
            Text("فاطمة الزهراء"),
            Text("10000000023757"),
            Text("0000042"),
        ],
    ];
    let dir = tempfile::tempdir().unwrap();
    for name in ["numeros.xlsx", "numeros.ods"] {
        let path = dir.path().join(name);
        write_book(&path, &[&rows]);
        let (_db, mut s) = temp_store();
        let r = run(&mut s, &path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((r.crees, r.rejetees), (2, 0), "{name}: {:?}", r.erreurs);
        let a = s.find_by_matricule("10000000015838").unwrap().unwrap();
        assert_eq!(a.identifiant, "8812311");
        // An empty key stays empty and the next one is key 3.
        assert_eq!(
            a.phones[..3],
            [
                Some("27468145".to_string()),
                None,
                Some("71234567".to_string())
            ],
            "{name}"
        );
        let b = s.find_by_matricule("10000000023757").unwrap().unwrap();
        assert_eq!(b.name, "فاطمة الزهراء");
        assert_eq!(b.identifiant, "0000042");
    }
}

#[test]
fn a_matricule_that_lost_its_leading_zero_gets_the_csv_message_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        vec![Text("Sami Ben Ali"), Num(10000000015838.0), Num(8812311.0)],
        // 01234567890123 typed as a number: 13 digits left.
        vec![Text("Ali Trabelsi"), Num(1234567890123.0), Num(1234567.0)],
    ];
    let csv = write_file(
        dir.path(),
        "pareil.csv",
        "Sami Ben Ali;10000000015838;8812311\nAli Trabelsi;1234567890123;1234567\n",
    );
    let (_db, mut s) = temp_store();
    let want = run(&mut s, &csv).unwrap().erreurs;
    assert_eq!(want.len(), 1);
    assert!(want[0].to_string().contains("zéro initial"), "{}", want[0]);
    for name in ["zero.xlsx", "zero.ods"] {
        let path = dir.path().join(name);
        write_book(&path, &[&rows]);
        let r = run(&mut s, &path).unwrap();
        assert_eq!(
            r.erreurs.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            want.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            "{name}"
        );
        assert!(!r.ecrit);
        assert_eq!(s.count_accounts().unwrap(), 0, "{name}: all or nothing");
    }
}

#[test]
fn only_the_first_sheet_is_read_and_empty_keys_stay_empty() {
    let first = vec![
        vec![
            Text("Hédi Ben Salah"),
            Text("10000000007919"),
            Text("8812311"),
            Empty,
            Empty,
            Text("26630494"),
        ],
        vec![],
        vec![
            Text("Mériem Saïdi"),
            Text("10000000001234"),
            Text("7654321"),
        ],
    ];
    let second = vec![vec![Text("pas un compte"), Text("x"), Text("y")]];
    let dir = tempfile::tempdir().unwrap();
    for name in ["deux.ods", "deux.xlsx"] {
        let path = dir.path().join(name);
        write_book(&path, &[&first, &second]);
        let (_db, mut s) = temp_store();
        let r = run(&mut s, &path).unwrap();
        assert_eq!((r.lignes_lues, r.crees, r.rejetees), (2, 2, 0), "{name}");
        let a = s.find_by_matricule("10000000007919").unwrap().unwrap();
        assert_eq!(a.phones[..3], [None, None, Some("26630494".to_string())]);
    }
}

#[test]
fn a_decimal_or_a_date_cell_is_refused_as_a_phone_not_read_as_digits() {
    let (db, mut s) = temp_store();
    // The serial day 45000 is 15/03/2023: OpenDocument keeps the date itself.
    for (name, date) in [("cellules.xlsx", "45000"), ("cellules.ods", "2023-03-15")] {
        let book = db.dir.path().join(name);
        write_book(
            &book,
            &[&[
                vec![
                    Text("Lotfi Ben Ali"),
                    Text("10000000000000"),
                    Text("8589669"),
                    Num(99383470.0000001),
                ],
                vec![
                    Text("Sami Mansouri"),
                    Text("10000000007919"),
                    Text("8812311"),
                    Date(45000.0),
                ],
            ]],
        );
        let r = run(&mut s, &book).unwrap();
        let errors: Vec<String> = r.erreurs.iter().map(|e| e.to_string()).collect();
        assert!(!r.ecrit);
        assert_eq!(errors.len(), 2, "{name}: {errors:?}");
        assert!(
            errors[0].starts_with("ligne 1, champ 4") && errors[0].contains("99383470,0000001"),
            "{name}: {errors:?}"
        );
        assert!(
            errors[1].starts_with("ligne 2, champ 4")
                && errors[1].contains(&format!("{date} (cellule au format date)")),
            "{name}: {errors:?}"
        );
        assert_eq!(s.count_accounts().unwrap(), 0);
    }
}

#[test]
fn errors_name_the_row_and_field_as_for_csv() {
    let rows = vec![
        vec![Text("Sami"), Text("10000000015838"), Text("8812311")],
        vec![Empty, Text("10000000015839"), Text("123")],
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erreurs.xlsx");
    write_xlsx(&path, &[&rows]);
    let (_db, mut s) = temp_store();
    let r = run(&mut s, &path).unwrap();
    let texts: Vec<String> = r.erreurs.iter().map(|e| e.to_string()).collect();
    assert!(
        texts.iter().any(|t| t.starts_with("ligne 2, champ 1 (Nom")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("ligne 2, champ 3 (Identifiant)")),
        "{texts:?}"
    );
    assert_eq!(s.count_accounts().unwrap(), 0);
}

#[test]
fn broken_or_foreign_files_are_refused_in_french_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("bon.xlsx");
    write_xlsx(
        &good,
        &[&[vec![Text("Sami"), Text("10000000015838"), Text("8812311")]]],
    );
    let bytes = std::fs::read(&good).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "coupe.xlsx",
            bytes[..bytes.len() / 2].to_vec(),
            "n'est pas un classeur Excel (.xlsx) lisible",
        ),
        (
            "hasard.xlsx",
            b"PK\x03\x04\x00\x01\x02 pas un zip".to_vec(),
            "n'est pas un classeur Excel (.xlsx) lisible",
        ),
        (
            "hasard.ods",
            b"ceci n'est pas un classeur".to_vec(),
            "n'est pas un classeur OpenDocument (.ods) lisible",
        ),
        (
            "ancien.xls",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "Excel 97-2003 (.xls)",
        ),
    ];
    let (_db, mut s) = temp_store();
    for (name, content, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = run(&mut s, &path).unwrap_err().to_string();
        assert!(err.contains(want), "{name}: {err}");
        assert_eq!(s.count_accounts().unwrap(), 0, "{name}");
    }
    // A zip that holds something else.
    let other = dir.path().join("archive.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&other).unwrap());
    z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"bonjour").unwrap();
    z.finish().unwrap();
    let err = run(&mut s, &other).unwrap_err().to_string();
    assert!(err.contains("n'est pas un classeur Excel"), "{err}");
    // A sound archive whose sheet is cut short: refused as input, in French.
    let cut = dir.path().join("feuille-coupee.xlsx");
    let mut from = zip::ZipArchive::new(std::fs::File::open(&good).unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(&cut).unwrap());
    for i in 0..from.len() {
        let mut entry = from.by_index(i).unwrap();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        if entry.name() == "xl/worksheets/sheet1.xml" {
            content.truncate(content.len() / 2);
        }
        z.start_file(entry.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(&content).unwrap();
    }
    z.finish().unwrap();
    let err = run(&mut s, &cut).unwrap_err();
    assert!(err.is_rejection(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "feuille-coupee.xlsx : la feuille du classeur est abîmée et ne se lit pas jusqu'au bout : \
         ouvrez-le dans le tableur et enregistrez-le de nouveau."
    );
    // A workbook without any row is refused like an empty CSV file.
    let empty = dir.path().join("vide.xlsx");
    write_xlsx(&empty, &[&[]]);
    let err = run(&mut s, &empty).unwrap_err().to_string();
    assert_eq!(err, "Le fichier ne contient aucune ligne.");
    assert_eq!(s.count_accounts().unwrap(), 0);
}

#[test]
fn arabic_names_round_trip_through_csv_byte_for_byte() {
    let text = "محمد بن علي;01234567890123;0012345;+21627468145\n\
                أحمد الطرابلسي;10000000015838;8812311\n\
                Hédi الطرابلسي (حمدي);10000000023757;1234567;;+33612345678\n\
                مُحَمَّد ـ فاطمة;10000000000001;1000001\n";
    let dir = tempfile::tempdir().unwrap();
    let utf8 = write_file(dir.path(), "utf8.csv", text);
    let utf16 = dir.path().join("utf16.csv");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&utf16, bytes).unwrap();
    for path in [&utf8, &utf16] {
        let (_db, mut s) = temp_store();
        let r = run(&mut s, path).unwrap();
        assert_eq!(r.crees, 4, "{:?}", r.erreurs);
        // Exported in the import format: the same bytes as the UTF-8 file (CRLF line ends).
        let out = String::from_utf8(import_format(&s)).unwrap();
        assert_eq!(out.replace("\r\n", "\n"), text, "{}", path.display());
        // And imported again from that export, the same again.
        let again = write_file(dir.path(), "encore.csv", &out);
        let (_db2, mut s2) = temp_store();
        run(&mut s2, &again).unwrap();
        assert_eq!(import_format(&s2), out.as_bytes());
    }
}

#[test]
fn arabic_spellings_find_the_same_person_and_french_still_folds() {
    let (_db, mut s) = base();
    for (name, m, id) in [
        ("أحمد الطرابلسي", "20000000000001", "2000001"),
        ("فاطمة الزهراء", "20000000000002", "2000002"),
        ("مُصْطَفَى بن عيسى", "20000000000003", "2000003"),
        ("إيمان آل سعود", "20000000000004", "2000004"),
    ] {
        create(&mut s, name, m, id, &[], 0);
    }
    let searches: [(&str, &[&str]); 11] = [
        ("احمد", &["أحمد الطرابلسي"]),
        ("أحمد", &["أحمد الطرابلسي"]),
        ("فاطمه", &["فاطمة الزهراء"]),
        ("فاطمة", &["فاطمة الزهراء"]),
        ("مصطفي", &["مُصْطَفَى بن عيسى"]),
        ("ايمان ال", &["إيمان آل سعود"]),
        ("محمـــد", &["محمد بن علي"]),
        // Any part of three letters or more, as for Latin names.
        ("طرابل", &["Hédi الطرابلسي", "أحمد الطرابلسي"]),
        // Both scripts in one name, and in one query.
        ("hedi الطرابلسي", &["Hédi الطرابلسي"]),
        ("eleonore", &["Éléonore Ben Saïd"]),
        ("ÉLÉONORE saïd", &["Éléonore Ben Saïd"]),
    ];
    for (q, expected) in searches {
        assert_eq!(names(&s, q), expected, "search {q:?}");
    }
    let report = s.check().unwrap();
    assert!(report.ok(), "{:?}", report.problemes);
}

/// Takes a base back to `version` as far as what later versions changed can be undone here:
/// the Journal's search text (schema 8) and the calls of deleted accounts (9) dropped, and the
/// version said.
fn as_schema(c: &rusqlite::Connection, version: i64) {
    c.execute_batch("ALTER TABLE audit DROP COLUMN search; DROP TABLE forgotten_calls")
        .unwrap();
    c.pragma_update(None, "user_version", version).unwrap();
}

#[test]
fn a_journal_written_before_its_search_text_is_searched_folded_when_opened() {
    let (db, mut s) = base();
    let id = s.account_by_matricule("10000000015838").unwrap().id;
    s.manual_movement(id, MovementKind::Recharge, Money(2_000), "إيداع الأسرة")
        .unwrap();
    drop(s);
    as_schema(&rusqlite::Connection::open(&db.path).unwrap(), 7);
    let s = Store::open(&db.path).unwrap();
    let found = |typed: &str| -> Vec<String> {
        let f = AuditFilter {
            texte: typed.into(),
            ..Default::default()
        };
        let lines = s.audit_entries(&f).unwrap().into_iter();
        lines
            .map(|e| {
                format!(
                    "{} {}",
                    e.action,
                    e.sujet.map(|s| s.nom).unwrap_or_default()
                )
            })
            .collect()
    };
    assert_eq!(found("ايداع الاسره"), ["Recharge Éléonore Ben Saïd"]);
    assert_eq!(
        found("ELEONORE BEN SAID"),
        [
            "Recharge Éléonore Ben Saïd",
            "Création du compte Éléonore Ben Saïd"
        ]
    );
    assert_eq!(
        s.file_schema_version().unwrap(),
        forfaits_core::store::schema_version() as i64
    );
}

#[test]
fn a_base_indexed_with_the_old_folding_is_reindexed_when_opened() {
    let (db, s) = base();
    let expected = names(&s, "احمد");
    drop(s);
    {
        // As the previous version left it: the Arabic name keyed with its hamza, the index
        // holding that key, and the schema one version behind.
        let c = rusqlite::Connection::open(&db.path).unwrap();
        c.execute(
            "INSERT INTO accounts (name, name_key, matricule, identifiant, enabled, billing, \
             created_at, updated_at) VALUES ('أحمد الطرابلسي', 'أحمد الطرابلسي', \
             '20000000000001', '2000001', 1, 1, 0, 0)",
            [],
        )
        .unwrap();
        as_schema(&c, 6);
    }
    assert!(expected.is_empty());
    let s = Store::open(&db.path).unwrap();
    assert_eq!(names(&s, "احمد"), ["أحمد الطرابلسي"]);
    assert_eq!(names(&s, "طرابلسي").len(), 2);
    let report = s.check().unwrap();
    assert!(report.ok(), "{:?}", report.problemes);
}
