//! Export (SPEC §6): the import format round-trips byte for byte; the full format opens in Excel
//! in French; nothing exported can start a formula.

use crate::common::*;
use forfaits_core::export::{export_users, export_users_to_file, ExportFormat, ExportOptions};
use forfaits_core::import::{import_users, ImportOptions};
use forfaits_core::Store;
use std::path::Path;

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/users-sample.csv")
}

fn export(s: &Store, format: ExportFormat, sep: u8) -> Vec<u8> {
    let mut out = Vec::new();
    export_users(
        s,
        &mut out,
        ExportOptions {
            format,
            separator: sep,
            bom: true,
        },
        &mut |_, _| Ok(()),
    )
    .unwrap();
    out
}

#[test]
fn import_format_export_reimports_to_identical_bytes() {
    for sep in [b';', b','] {
        let (a, mut s) = temp_store();
        import_users(
            &mut s,
            &sample(),
            ImportOptions::default(),
            &mut |_| Ok(()),
            &mut |_| {},
        )
        .unwrap();
        create(
            &mut s,
            "Ben Ali; \"Lotfi\"",
            "30000000000000",
            "3000000",
            &["", "", "+21627468145"],
            0,
        );
        let first = export(&s, ExportFormat::Import, sep);
        let file = write_file(a.dir.path(), "export.csv", &first);

        let (_b, mut s2) = temp_store();
        let r = import_file(&mut s2, &file).unwrap();
        assert_eq!((r.crees, r.rejetees), (26, 0));
        let second = export(&s2, ExportFormat::Import, sep);
        assert_eq!(
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&second)
        );
        assert_eq!(first, second);
    }
}

/// Rows are formatted on a second thread by batches: an export of several batches keeps every
/// account once, in creation order, in both formats.
#[test]
fn export_of_several_batches_keeps_every_account_once_in_creation_order() {
    let a = temp_db();
    let csv = a.dir.path().join("many.csv");
    let n = 9_000u64;
    let lines: String = (0..n)
        .map(|i| {
            format!(
                "Compte {i};{};{};2{:07}\r\n",
                10_000_000_000_000u64 + i,
                1_000_000 + i,
                i
            )
        })
        .collect();
    std::fs::write(&csv, &lines).unwrap();
    let mut s = Store::open(&a.path).unwrap();
    let r = import_file(&mut s, &csv).unwrap();
    assert_eq!(r.crees, n);
    let exported = export(&s, ExportFormat::Import, b';');
    assert_eq!(
        String::from_utf8(exported).unwrap(),
        format!("\u{feff}{lines}")
    );
    let full = String::from_utf8(export(&s, ExportFormat::Complet, b';')).unwrap();
    let names: Vec<&str> = full
        .lines()
        .skip(1)
        .map(|l| l.split(';').next().unwrap())
        .collect();
    assert_eq!(names.len() as u64, n);
    assert!(names
        .iter()
        .enumerate()
        .all(|(i, name)| *name == format!("Compte {i}")));
}

#[test]
fn a_complet_file_imported_back_names_its_own_columns_in_errors() {
    let (a, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1000001", &["71234567"], 0);
    let full = String::from_utf8(export(&s, ExportFormat::Complet, b';')).unwrap();
    let header = full.lines().next().unwrap();
    let key1 = header
        .split(';')
        .position(|h| h.contains("touche 1"))
        .unwrap()
        + 1;
    let damaged = full.replace("71234567", "71a34567");
    let file = write_file(a.dir.path(), "complet.csv", damaged);
    let (_b, mut fresh) = temp_store();
    let mut errors = Vec::new();
    let r = import_users(
        &mut fresh,
        &file,
        ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |e| errors.push(e.to_string()),
    )
    .unwrap();
    assert!(!r.ecrit);
    assert!(
        errors[0].starts_with(&format!("ligne 2, champ {key1} (N° téléphone touche 1)")),
        "{errors:?}"
    );
}

#[test]
fn full_export_has_bom_semicolons_french_header_and_ui_values() {
    let (_a, mut s) = temp_store();
    create_holder(&mut s, HEDI_BEN_SALAH, &["0021641527589"], 12_500);
    let text = String::from_utf8(export(&s, ExportFormat::Complet, b';')).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let mut lines = text.trim_start_matches('\u{feff}').split("\r\n");
    let header = lines.next().unwrap();
    assert!(header.starts_with("Nom utilisateur;Matricule;Identifiant;Etat du compte;Etat général;Solde;N° téléphone touche 1;"), "{header}");
    assert!(header.ends_with("Date de création;Date de modification;Durée d'appel (minutes);Durée totale des appels;Activation calcul billing"));
    let row: Vec<&str> = lines.next().unwrap().split(';').collect();
    assert_eq!(
        &row[..7],
        [
            "Hédi Ben Salah",
            "10000000023757",
            "9520162",
            "Activé",
            "Opérationnel",
            "12,500",
            "0021641527589"
        ]
    );
    let date = row[16];
    assert_eq!(date.len(), 16, "dd/mm/yyyy HH:MM: {date}");
    assert_eq!(&row[19..], ["0:00:00", "Activé"]);
}

#[test]
fn comma_separated_full_export_quotes_decimal_commas() {
    let (_a, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1000001", &[], 1_500);
    let text = String::from_utf8(export(&s, ExportFormat::Complet, b',')).unwrap();
    assert!(text.contains(",\"1,500\","), "{text}");
}

#[test]
fn nothing_exported_starts_a_formula_but_phone_plus_signs() {
    let (a, mut s) = temp_store();
    // Names cannot start with = + - @ (refused on input); write one behind the validation, as an
    // older or damaged database could hold, to prove the export still neutralises it.
    create(
        &mut s,
        "Ali",
        "10000000000001",
        "1000001",
        &["+21627468145"],
        0,
    );
    let raw = rusqlite::Connection::open(&a.path).unwrap();
    raw.execute("UPDATE accounts SET name = '=HYPERLINK(\"http://x\")'", [])
        .unwrap();
    for format in [ExportFormat::Complet, ExportFormat::Import] {
        let text = String::from_utf8(export(&s, format, b';')).unwrap();
        for line in text.trim_start_matches('\u{feff}').lines() {
            for cell in line.split(';') {
                let c = cell.trim_start_matches('"');
                assert!(
                    !c.starts_with(['=', '-', '@'])
                        && (!c.starts_with('+') || c[1..].chars().all(|d| d.is_ascii_digit())),
                    "{cell}"
                );
            }
        }
        assert!(text.contains("'=HYPERLINK"));
    }
}

#[test]
fn export_to_file_is_atomic_and_audited() {
    let (a, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1000001", &[], 0);
    let out = a.dir.path().join("comptes.csv");
    let n = export_users_to_file(&s, &out, ExportOptions::default(), &mut |_, _| Ok(())).unwrap();
    assert_eq!(n, 1);
    let leftovers: Vec<_> = std::fs::read_dir(a.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".forfaits-export")
        })
        .collect();
    assert!(leftovers.is_empty());
    assert_eq!(
        s.audit_entries(&Default::default()).unwrap()[0].action,
        "Export des utilisateurs"
    );
    let err = export_users_to_file(
        &s,
        &a.dir.path().join("absent/x.csv"),
        ExportOptions::default(),
        &mut |_, _| Ok(()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("n'existe pas"));
}
