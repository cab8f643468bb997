//! The users import (SPEC §5), one fixture per rule, on a real database file.

use crate::common::*;
use forfaits_core::import::{import_users, line::LineError, ImportOptions, ImportReport};
use forfaits_core::prelude::*;
use forfaits_core::store::accounts::ListQuery;
use forfaits_core::{Error, Store};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

fn run(store: &mut Store, path: &Path, opts: ImportOptions) -> Result<ImportReport, Error> {
    import_users(store, path, opts, &mut |_| Ok(()), &mut |_| {})
}

/// Imports the fixture `name` with the default options changed by `set`.
fn run_with(
    store: &mut Store,
    name: &str,
    set: impl FnOnce(&mut ImportOptions),
) -> Result<ImportReport, Error> {
    let mut opts = ImportOptions::default();
    set(&mut opts);
    run(store, &fixture(name), opts)
}

fn import(name: &str) -> (TempDb, Store, Result<ImportReport, Error>) {
    let (db, mut s) = temp_store();
    let r = run(&mut s, &fixture(name), ImportOptions::default());
    (db, s, r)
}

/// Everything a refused import could have touched, to compare before and after.
fn fingerprint(s: &Store) -> (u64, String) {
    let p = s
        .list_accounts(&ListQuery {
            limite: 1000,
            ..Default::default()
        })
        .unwrap();
    (p.total, format!("{:?}", p.rows))
}

fn texts(errors: &[LineError]) -> Vec<String> {
    errors.iter().map(|e| e.to_string()).collect()
}

#[test]
fn every_good_encoding_separator_and_line_end_imports_the_same_accounts() {
    for f in [
        "ok-utf8.csv",
        "ok-utf8-bom.csv",
        "ok-windows-1252.csv",
        "ok-bom-then-windows-1252.csv",
        "ok-utf16.csv",
        "ok-comma.csv",
        "ok-tab.csv",
        "ok-crlf.csv",
        "ok-cr.csv",
        "ok-no-final-newline.csv",
        "ok-blank-lines.csv",
    ] {
        let (_db, s, r) = import(f);
        let r = r.unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(
            (r.crees, r.rejetees),
            (3, 0),
            "{f}: {:?}",
            texts(&r.erreurs)
        );
        assert!(r.ecrit, "{f}");
        let hedi = s.find_by_matricule("10000000023757").unwrap().unwrap();
        assert_eq!(hedi.name, "Hédi Ben Salah", "{f}: accents decoded");
        assert_eq!(hedi.phones[1].as_deref(), Some("+21620754009"), "{f}");
        assert_eq!(
            s.find_by_matricule("10000000118785").unwrap().unwrap().name,
            "Mériem Gharbi"
        );
        assert!(s.check().unwrap().ok());
    }
}

#[test]
fn detected_encoding_and_separator_are_reported() {
    let (_db, _s, r) = import("ok-windows-1252.csv");
    let r = r.unwrap();
    assert_eq!(r.encodage, "Windows-1252");
    assert_eq!(r.separateur, ";");
    let (_db, _s, r) = import("ok-tab.csv");
    assert_eq!(r.unwrap().separateur, "tabulation");
}

#[test]
fn quoted_fields_may_hold_separators_quotes_and_line_breaks() {
    let (_db, s, r) = import("ok-quoted.csv");
    let r = r.unwrap();
    assert_eq!(r.crees, 3, "{:?}", texts(&r.erreurs));
    assert_eq!(
        s.find_by_matricule("10000000000000").unwrap().unwrap().name,
        "Ben Ali; Lotfi"
    );
    assert_eq!(
        s.find_by_matricule("10000000007919").unwrap().unwrap().name,
        "Ali \"Lotfi\" Gharbi"
    );
    assert_eq!(
        s.find_by_matricule("10000000015838").unwrap().unwrap().name,
        "Amira Trabelsi",
        "a line break in a name is whitespace"
    );
}

#[test]
fn lines_of_3_to_13_fields_keep_key_positions() {
    let (_db, s, r) = import("ok-3-to-13-fields.csv");
    assert_eq!(r.unwrap().crees, 4);
    let t = s.find_by_matricule("10000000000003").unwrap().unwrap();
    assert_eq!(t.phones[9].as_deref(), Some("20000020"));
    let five = s.find_by_matricule("10000000000004").unwrap().unwrap();
    assert_eq!(five.phones[4].as_deref(), Some("50000005"));
    assert!(five.phones[..4].iter().all(|p| p.is_none()));
}

#[test]
fn phone_separators_are_removed_on_import() {
    let (_db, s, r) = import("ok-phone-separators.csv");
    assert_eq!(r.unwrap().crees, 1);
    let a = s.find_by_matricule("10000000000005").unwrap().unwrap();
    assert_eq!(
        a.phones[..4],
        [
            Some("+21627468145".to_string()),
            Some("0021650191614".to_string()),
            Some("71234567".to_string()),
            Some("98765432".to_string())
        ]
    );
}

#[test]
fn an_arabic_windows_file_is_read_as_windows_1256_with_its_french_accents() {
    let (_db, s, r) = import("ok-windows-1256.csv");
    let r = r.unwrap();
    assert_eq!((r.crees, r.encodage), (3, "Windows-1256 (arabe)"));
    let name = |m: &str| s.find_by_matricule(m).unwrap().unwrap().name;
    assert_eq!(name("10000000023757"), "Hédi Ben Salah");
    assert_eq!(name("10000000118785"), "مريم الغربي");
    assert_eq!(name("10000000015838"), "أميرة الطرابلسي");
}

#[test]
fn a_file_with_lines_in_two_encodings_is_refused_naming_one_of_each() {
    let (_db, s, r) = import("bad-two-encodings.csv");
    let e = r.unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad-two-encodings.csv mélange deux encodages : la ligne 1 est en UTF-8, la ligne 2 ne \
         l'est pas (Windows). Enregistrez le fichier en « CSV UTF-8 » et importez-le de nouveau. \
         Rien n'a été importé."
    );
    assert!(e.is_rejection());
    assert_eq!(s.count_accounts().unwrap(), 0);
}

#[test]
fn a_file_without_any_line_is_refused() {
    for f in ["bad-empty.csv", "bad-blank-only.csv"] {
        let (_db, s, r) = import(f);
        let e = r.unwrap_err();
        assert_eq!(e.to_string(), "Le fichier ne contient aucune ligne.", "{f}");
        assert!(e.is_rejection());
        assert_eq!(s.count_accounts().unwrap(), 0);
    }
}

/// One bad-file fixture, its expected messages (substrings, in order), and nothing written.
fn refused(file: &str, expected: &[&str]) {
    let (_db, mut s) = temp_store();
    create(&mut s, "Déjà Là", "20000000000000", "2000000", &[], 0);
    let before = fingerprint(&s);
    let r = run(&mut s, &fixture(file), ImportOptions::default()).unwrap();
    let got = texts(&r.erreurs);
    assert_eq!(got.len(), expected.len(), "{file}: {got:#?}");
    for (g, e) in got.iter().zip(expected) {
        assert!(g.contains(e), "{file}: « {g} » should contain « {e} »");
    }
    assert!(!r.ecrit, "{file}");
    assert_eq!(fingerprint(&s), before, "{file}: database unchanged");
    assert!(s.check().unwrap().ok());
}

#[test]
fn header_line_is_named_as_a_header() {
    refused(
        "bad-header.csv",
        &["ligne 1 : la première ligne ressemble à une ligne d'en-tête"],
    );
}

#[test]
fn more_than_13_fields_is_an_error() {
    refused(
        "bad-14-fields.csv",
        &["ligne 1 : la ligne contient 14 champs ; 13 au maximum"],
    );
}

#[test]
fn fewer_than_3_fields_names_the_missing_field() {
    refused(
        "bad-2-fields.csv",
        &["ligne 1, champ 3 (Identifiant) : champ obligatoire absent"],
    );
}

#[test]
fn matricule_damaged_by_a_spreadsheet_gets_a_specific_message() {
    refused(
        "bad-matricule-13-digits.csv",
        &["ligne 1, champ 2 (Matricule) : le matricule doit comporter 14 chiffres (reçu : 1000000000000, 13 chiffres) ; le tableur a sans doute supprimé le zéro initial"],
    );
    refused(
        "bad-matricule-scientific.csv",
        &["ligne 1, champ 2 (Matricule) : le matricule a été transformé par le tableur en notation scientifique (reçu : 1,23457E+13)"],
    );
    refused(
        "bad-matricule-letters.csv",
        &["ligne 1, champ 2 (Matricule) : le matricule doit comporter exactement 14 chiffres, sans lettre"],
    );
}

#[test]
fn identifiant_must_have_7_digits() {
    refused(
        "bad-identifiant.csv",
        &[
            "ligne 1, champ 3 (Identifiant) : l'identifiant doit comporter 7 chiffres (reçu : 123456, 6 chiffres)",
            "ligne 2, champ 3 (Identifiant) : l'identifiant doit comporter 7 chiffres (reçu : 12345678, 8 chiffres)",
        ],
    );
}

#[test]
fn empty_or_formula_names_are_refused() {
    refused(
        "bad-name.csv",
        &[
            "ligne 1, champ 1 (Nom utilisateur) : le nom est obligatoire",
            "ligne 2, champ 1 (Nom utilisateur) : le nom ne doit pas commencer par « = »",
        ],
    );
}

#[test]
fn bad_phone_numbers_are_refused_each_on_its_key() {
    refused(
        "bad-phone.csv",
        &[
            "ligne 1, champ 4 (N° téléphone touche 1) : numéro de téléphone invalide (reçu : 27A68145)",
            "ligne 1, champ 5 (N° téléphone touche 2) : un numéro de téléphone compte de 3 à 15 chiffres",
            "ligne 1, champ 6 (N° téléphone touche 3) : le numéro a été transformé par le tableur en notation scientifique",
        ],
    );
    refused(
        "bad-phone-twice.csv",
        &["ligne 1, champ 5 (N° téléphone touche 2) : le numéro +21627468145 figure déjà sur la touche 1"],
    );
}

#[test]
fn duplicates_within_the_file_name_the_earlier_line() {
    refused(
        "bad-duplicate-in-file.csv",
        &[
            "ligne 2, champ 2 (Matricule) : le matricule 10000000000016 figure déjà à la ligne 1",
            "ligne 3, champ 3 (Identifiant) : l'identifiant 1234516 figure déjà à la ligne 1",
        ],
    );
}

#[test]
fn every_error_of_a_line_is_reported_not_only_the_first() {
    refused(
        "bad-several-errors-one-line.csv",
        &[
            "champ 1 (Nom utilisateur)",
            "champ 2 (Matricule)",
            "champ 3 (Identifiant)",
            "champ 4 (N° téléphone touche 1)",
        ],
    );
}

#[test]
fn an_account_already_in_the_database_is_refused_unless_updating() {
    let (_db, mut s) = temp_store();
    create(
        &mut s,
        "Ancien Nom",
        "10000000023757",
        "9520162",
        &["26630494"],
        0,
    );
    let before = fingerprint(&s);
    let r = run(&mut s, &fixture("ok-utf8.csv"), ImportOptions::default()).unwrap();
    assert_eq!(texts(&r.erreurs), [
        "ligne 1, champ 2 (Matricule) : le matricule 10000000023757 existe déjà dans la base (compte d'Ancien Nom) ; choisissez « mettre à jour les comptes existants » pour le modifier",
        "ligne 1, champ 3 (Identifiant) : l'identifiant 9520162 est déjà attribué à Ancien Nom dans la base",
    ]);
    assert_eq!(fingerprint(&s), before);

    let r = run_with(&mut s, "ok-utf8.csv", |o| o.update_existing = true).unwrap();
    assert_eq!((r.crees, r.mis_a_jour, r.rejetees), (2, 1, 0));
    let a = s.find_by_matricule("10000000023757").unwrap().unwrap();
    assert_eq!(a.name, "Hédi Ben Salah");
    let found = found_page(&s, "26630494");
    assert_eq!(found.total, 0, "the old number left the search index");
    assert!(s.check().unwrap().ok());
}

#[test]
fn dry_run_checks_everything_and_writes_nothing() {
    let (_db, mut s) = temp_store();
    let r = run_with(&mut s, "ok-utf8.csv", |o| o.dry_run = true).unwrap();
    assert_eq!((r.valides, r.rejetees, r.ecrit), (3, 0, false));
    assert_eq!(s.count_accounts().unwrap(), 0);
    assert_eq!(r.summary(), "0 importé, 0 rejeté");
}

#[test]
fn skip_invalid_writes_the_valid_lines_only() {
    let (_db, mut s) = temp_store();
    let r = run(&mut s, &fixture("bad-mixed.csv"), ImportOptions::default()).unwrap();
    assert_eq!((r.valides, r.rejetees, r.ecrit), (3, 1, false));
    assert_eq!(s.count_accounts().unwrap(), 0, "all or nothing by default");
    let r = run_with(&mut s, "bad-mixed.csv", |o| o.skip_invalid = true).unwrap();
    assert_eq!((r.crees, r.rejetees, r.ecrit), (3, 1, true));
    assert_eq!(r.summary(), "3 importés, 1 rejeté");
    assert_eq!(texts(&r.erreurs)[0], "ligne 3, champ 2 (Matricule) : le matricule doit comporter 14 chiffres (reçu : 123, 3 chiffres)");
}

#[test]
fn utf16_without_its_bom_or_a_binary_file_is_refused_in_one_sentence() {
    let (db, mut s) = temp_store();
    let text = "Hédi Ben Salah;10000000023757;9520162\n";
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let f = write_file(db.dir.path(), "unicode.csv", &utf16);
    let e = run(&mut s, &f, ImportOptions::default()).unwrap_err();
    assert!(e.is_rejection(), "{e:?}");
    assert_eq!(
        e.to_string(),
        "unicode.csv contient des octets nuls (ligne 1) : ce n'est pas un fichier texte CSV. \
         S'il a été enregistré en « Texte Unicode », enregistrez-le en « CSV UTF-8 » et \
         importez-le de nouveau."
    );
    let png = write_file(db.dir.path(), "photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let e = run(&mut s, &png, ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("octets nuls (ligne 3)"), "{e}");
    assert_eq!(s.count_accounts().unwrap(), 0);
}

#[test]
fn a_quote_never_closed_refuses_its_line_only_and_the_next_lines_are_read() {
    refused(
        "bad-open-quote.csv",
        &["ligne 3 : le guillemet « \" » qui ouvre le champ 1 n'est pas refermé"],
    );
    let (_db, mut s) = temp_store();
    let r = run_with(&mut s, "bad-open-quote.csv", |o| o.skip_invalid = true).unwrap();
    assert_eq!((r.crees, r.rejetees), (7, 1), "{:?}", texts(&r.erreurs));
    assert_eq!(r.summary(), "7 importés, 1 rejeté");
    let f_six = s.find_by_matricule("20000000000006").unwrap().unwrap();
    assert_eq!(
        f_six.name, "F Six",
        "a later quoted name is read as written"
    );
    assert!(s.find_by_matricule("20000000000003").unwrap().is_none());
}

#[test]
fn new_accounts_take_the_defaults_of_the_settings() {
    let (_db, mut s) = temp_store();
    let mut st = s.settings().unwrap();
    st.default_enabled = false;
    st.default_billing = false;
    st.default_allowance_min = Some(120);
    st.default_opening_balance = forfaits_core::domain::Money(5_000);
    s.save_settings(&st).unwrap();
    run(&mut s, &fixture("ok-utf8.csv"), ImportOptions::default()).unwrap();
    let a = s.find_by_matricule("10000000023757").unwrap().unwrap();
    assert!(!a.enabled && !a.billing);
    assert_eq!(a.allowance_minutes, Some(120));
    assert_eq!(a.balance, 5_000);
    assert_eq!(
        s.movements(a.id, Page::first(10)).unwrap()[0].libelle,
        "Solde initial"
    );
    assert!(s.check().unwrap().ok());
}

#[test]
fn an_overlong_line_is_an_error_not_an_allocation() {
    let (db, mut s) = temp_store();
    let f = db.dir.path().join("long.csv");
    let mut text = format!(
        "Ali;10000000000001;1000001\n{}\n",
        "x".repeat(3 * 1024 * 1024)
    );
    text.push_str("Fin;10000000000002;1000002\n");
    std::fs::write(&f, text).unwrap();
    let r = run(&mut s, &f, ImportOptions::default()).unwrap();
    assert_eq!((r.valides, r.rejetees), (2, 1), "the line after it is read");
    assert!(
        texts(&r.erreurs)[0].starts_with("ligne 2 : la ligne dépasse 64 Kio"),
        "{:?}",
        texts(&r.erreurs)
    );
    assert_eq!(s.count_accounts().unwrap(), 0);
    // The same line opening a quote: that quote is its error, the next line still read.
    let quoted = db.dir.path().join("long-guillemet.csv");
    let mut text = format!("\"{}\n", "x".repeat(3 * 1024 * 1024));
    text.push_str("Fin;10000000000002;1000002\n");
    std::fs::write(&quoted, text).unwrap();
    let r = run(&mut s, &quoted, ImportOptions::default()).unwrap();
    assert_eq!((r.valides, r.rejetees), (1, 1));
    assert!(texts(&r.erreurs)[0].contains("n'est pas refermé"));
}

#[test]
fn a_file_of_100000_lines_with_one_bad_line_writes_nothing() {
    let (db, mut s) = temp_store();
    create(&mut s, "Déjà Là", "20000000000000", "2000000", &[], 0);
    let before = fingerprint(&s);
    let f = db.dir.path().join("big.csv");
    let mut text = String::with_capacity(6_000_000);
    for i in 0..100_000u64 {
        if i == 73_455 {
            text.push_str("Ligne Abîmée;1234567890123;9999999\n");
        } else {
            text.push_str(&format!(
                "Personne {i};{:014};{:07};{}\n",
                10_000_000_000_000 + i,
                1_000_000 + i,
                20_000_000 + i
            ));
        }
    }
    std::fs::write(&f, text).unwrap();
    let mut progress_calls = 0;
    let r = import_users(
        &mut s,
        &f,
        ImportOptions::default(),
        &mut |_| {
            progress_calls += 1;
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((r.lignes_lues, r.valides, r.rejetees), (100_000, 99_999, 1));
    assert!(texts(&r.erreurs)[0].starts_with("ligne 73456, champ 2 (Matricule)"));
    assert!(!r.ecrit);
    assert!(progress_calls > 10, "progress is reported along the way");
    assert_eq!(fingerprint(&s), before);
    assert!(s.check().unwrap().ok());
}

#[test]
fn error_report_is_a_csv_with_one_row_per_error() {
    let (db, _s, r) = import("bad-several-errors-one-line.csv");
    let r = r.unwrap();
    let out = db.dir.path().join("rapport.csv");
    forfaits_core::import::write_error_report(&r.erreurs, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("\u{feff}ligne;champ;libellé;valeur;erreur"));
    assert_eq!(lines.len(), 5);
    assert!(
        lines[1].starts_with("1;1;Nom utilisateur;'=x;"),
        "formula-looking value is inert: {}",
        lines[1]
    );
}

fn schema(path: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut st = c
        .prepare("SELECT ifnull(sql, '') FROM sqlite_schema ORDER BY name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn first_import_into_an_empty_table_finds_duplicates_and_keeps_the_schema() {
    let (db, mut s) = temp_store();
    let before = schema(&db.path);
    let r = run(
        &mut s,
        &fixture("bad-duplicate-in-file.csv"),
        ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        texts(&r.erreurs),
        [
            "ligne 2, champ 2 (Matricule) : le matricule 10000000000016 figure déjà à la ligne 1",
            "ligne 3, champ 3 (Identifiant) : l'identifiant 1234516 figure déjà à la ligne 1",
        ]
    );
    assert_eq!(s.count_accounts().unwrap(), 0);
    assert_eq!(schema(&db.path), before, "indexes back after the rollback");

    let r = run_with(&mut s, "bad-duplicate-in-file.csv", |o| {
        o.skip_invalid = true
    })
    .unwrap();
    assert_eq!((r.crees, r.rejetees), (1, 2));
    assert_eq!(schema(&db.path), before, "indexes rebuilt after the commit");
    assert!(s.check().unwrap().ok());
    let dup = form("Autre", "10000000000016", "7654321", &[])
        .validate(&Default::default(), &Default::default())
        .unwrap()
        .0;
    assert!(
        s.create_account(&dup, forfaits_core::domain::Money(0))
            .is_err(),
        "the rebuilt unique index holds"
    );
}

#[test]
fn first_import_makes_every_account_findable() {
    let (_db, s, r) = import("ok-utf8.csv");
    assert_eq!(r.unwrap().crees, 3);
    for (q, name) in [
        ("hedi", "Hédi Ben Salah"),
        ("41527589", "Hédi Ben Salah"),
        ("mer", "Mériem Gharbi"),
        ("8580488", "Amira Trabelsi"),
    ] {
        let p = found_page(&s, q);
        assert_eq!(p.rows.len(), 1, "{q}");
        assert_eq!(p.rows[0].name, name);
    }
    assert!(s.check().unwrap().ok());
}

#[test]
fn a_line_refused_as_duplicate_does_not_make_later_lines_duplicates_in_either_mode() {
    for existing in [false, true] {
        let (db, mut s) = temp_store();
        if existing {
            create(&mut s, "Déjà Là", "20000000000000", "2000000", &[], 0);
        }
        let f = write_file(db.dir.path(), "dups.csv", "A;10000000000001;1000001\nB;10000000000001;1000002\nC;10000000000003;1000002\nD;10000000000004;1000001\n");
        let r = run(
            &mut s,
            &f,
            ImportOptions {
                skip_invalid: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            texts(&r.erreurs),
            [
                "ligne 2, champ 2 (Matricule) : le matricule 10000000000001 figure déjà à la ligne 1",
                "ligne 4, champ 3 (Identifiant) : l'identifiant 1000001 figure déjà à la ligne 1",
            ],
            "existing={existing}"
        );
        assert_eq!((r.crees, r.rejetees), (2, 2));
        assert_eq!(
            s.find_by_matricule("10000000000003").unwrap().unwrap().name,
            "C"
        );
        assert!(s.check().unwrap().ok());
        let p = found_page(&s, "b");
        assert_eq!(p.total, 0, "the refused line left no search entry");
    }
}
