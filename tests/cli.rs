//! The `forfaits` binary, run for real on temporary databases.

mod support;

use support::*;

fn temp() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite3");
    (dir, db)
}

fn sample() -> String {
    shared_data("users-sample.csv")
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn import_of_the_sample_ends_with_the_summary_line() {
    let (_d, db) = temp();
    let o = forfaits(&db, &["import", &sample()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().last(), Some("25 importés, 0 rejetés"));
}

#[test]
fn search_json_lists_matching_accounts_with_their_balance() {
    let (_d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let o = forfaits(&db, &["search", "Trabelsi", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["nom"], "Amira Trabelsi");
    assert_eq!(rows[0]["matricule"], "10000000015838");
    assert_eq!(rows[0]["identifiant"], "8580488");
    assert_eq!(rows[0]["solde"], "0,000");
    assert_eq!(rows[1]["nom"], "Rania Trabelsi");
}

#[test]
fn credit_then_refused_debit_then_check() {
    let (_d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let o = forfaits(
        &db,
        &[
            "balance",
            "10000000007919",
            "credit",
            "12,500",
            "--reason",
            "Dépôt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = forfaits(&db, &["search", "10000000007919", "--json"]);
    let row: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(row["solde"], "12,500");

    let before = db_snapshot(&db);
    let o = forfaits(
        &db,
        &[
            "balance",
            "10000000007919",
            "debit",
            "100",
            "--reason",
            "Achat",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("Débit refusé"), "{err}");
    assert!(err.contains("12,500"), "{err}");
    assert_eq!(db_snapshot(&db), before, "a refused debit writes nothing");

    let o = forfaits(&db, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("aucun problème"));
}

#[test]
fn correction_is_signed_and_needs_a_reason() {
    let (_d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    forfaits(
        &db,
        &[
            "balance",
            "10000000007919",
            "credit",
            "5",
            "--reason",
            "Dépôt",
        ],
    );
    let o = forfaits(&db, &["balance", "10000000007919", "correction", "-2,500"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("motif"), "{}", stderr(&o));
    let o = forfaits(
        &db,
        &[
            "balance",
            "10000000007919",
            "correction",
            "-2,500",
            "--reason",
            "Erreur",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("2,500"), "{}", stdout(&o));
}

#[test]
fn bad_amounts_and_unknown_matricules_are_refused_in_french() {
    let (_d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let before = db_snapshot(&db);
    for (args, expect) in [
        (
            vec!["balance", "10000000007919", "credit", "12,5,0"],
            "montant invalide",
        ),
        (
            vec!["balance", "10000000007919", "credit", "1,2345"],
            "trop de décimales",
        ),
        (vec!["balance", "10000000007919", "credit", "-5"], "positif"),
        (
            vec!["balance", "1234567890123", "credit", "5"],
            "zéro initial",
        ),
        (
            vec!["balance", "99999999999999", "credit", "5"],
            "Aucun compte",
        ),
    ] {
        let o = forfaits(&db, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(db_snapshot(&db), before);
}

#[test]
fn usage_errors_exit_2_with_a_french_message() {
    let (_d, db) = temp();
    for (args, expect) in [
        (vec!["frobnicate"], "commande inconnue"),
        (vec!["import"], "argument obligatoire manquant"),
        (
            vec!["search", "x", "--limit", "abc"],
            "invalide pour --limit",
        ),
        (vec!["search", "x", "--limit", "0"], "invalide pour --limit"),
        (
            vec!["balance", "10000000007919", "vider", "5"],
            "valeurs possibles",
        ),
        (vec!["export", "--sep", "|"], "';' ou ','"),
        (vec!["check", "--bizarre"], "argument inconnu"),
    ] {
        let o = forfaits(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with("Erreur : "), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(!err.contains("error:"), "no English clap message: {err}");
    }
}

#[test]
fn help_is_in_french_and_lists_every_command() {
    let o = std::process::Command::new(bin())
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let h = stdout(&o);
    for w in [
        "Utilisation",
        "Commandes",
        "import",
        "export",
        "search",
        "balance",
        "backup",
        "check",
        "Affiche cette aide",
        "Codes de sortie",
    ] {
        assert!(h.contains(w), "missing {w} in:\n{h}");
    }
}

#[test]
fn missing_file_or_directory_is_an_io_error() {
    let (d, db) = temp();
    let o = forfaits(
        &db,
        &["import", d.path().join("absent.csv").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Fichier introuvable"), "{}", stderr(&o));
    let o = forfaits(&d.path().join("nowhere/x.sqlite3"), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("n'existe pas"), "{}", stderr(&o));
}

#[test]
fn a_file_that_is_not_a_forfaits_database_is_refused_untouched() {
    let (d, _) = temp();
    let db = d.path().join("notes.sqlite3");
    std::fs::write(&db, "ceci n'est pas une base".repeat(100)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let o = forfaits(&db, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("n'est pas une base"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn import_with_a_bad_line_writes_nothing_and_names_line_and_field() {
    let (d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let before = db_snapshot(&db);
    let f = d.path().join("bad.csv");
    std::fs::write(
        &f,
        "Nouvel Utilisateur;20000000000001;1111111\nMauvais;1234567890123;2222222\n",
    )
    .unwrap();
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("ligne 2, champ 2 (Matricule) : le matricule doit comporter 14 chiffres"),
        "{err}"
    );
    assert_eq!(stdout(&o).lines().last(), Some("0 importés, 1 rejetés"));
    assert_eq!(db_snapshot(&db), before);
}

#[test]
fn backup_writes_a_checked_copy_that_opens() {
    let (d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let copy = d.path().join("copie.sqlite3");
    let o = forfaits(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = forfaits(&copy, &["search", "Trabelsi", "--json"]);
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = forfaits(&db, &["backup", db.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "refuses to overwrite the database itself"
    );
}

#[test]
fn database_comes_from_the_environment_when_no_db_flag() {
    let (_d, db) = temp();
    let o = std::process::Command::new(bin())
        .args(["import", &sample()])
        .env("FORFAITS_DB", &db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(db.exists());
}

#[test]
fn export_writes_full_or_import_format_to_stdout_or_a_file() {
    let (d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let o = forfaits(&db, &["export"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("\u{feff}Nom utilisateur;Matricule;"));
    assert_eq!(text.lines().count(), 26);

    let out = d.path().join("import.csv");
    let o = forfaits(
        &db,
        &[
            "export",
            "--format",
            "import",
            "--sep",
            ",",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("25 comptes exportés"));
    let db2 = d.path().join("copie.sqlite3");
    let o = forfaits(&db2, &["import", out.to_str().unwrap()]);
    assert_eq!(stdout(&o).lines().last(), Some("25 importés, 0 rejetés"));
}

#[test]
fn import_options_dry_run_skip_invalid_and_update_existing() {
    let (d, db) = temp();
    let f = d.path().join("mixte.csv");
    std::fs::write(&f, "Bon;10000000000001;1000001\nMauvais;123;1000002\n").unwrap();
    let o = forfaits(&db, &["import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Simulation"));
    let o = forfaits(&db, &["import", f.to_str().unwrap(), "--skip-invalid"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().last(), Some("1 importés, 1 rejetés"));
    std::fs::write(&f, "Bon Renommé;10000000000001;1000001\n").unwrap();
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("existe déjà dans la base"),
        "{}",
        stderr(&o)
    );
    let o = forfaits(&db, &["import", f.to_str().unwrap(), "--update-existing"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("1 comptes mis à jour"));
    let o = forfaits(&db, &["search", "renomme"]);
    assert!(stdout(&o).contains("Bon Renommé"));
}

#[test]
fn search_accepts_several_words_and_an_empty_result_is_said() {
    let (_d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let o = forfaits(&db, &["search", "ben", "ali"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
    let o = forfaits(&db, &["search", "zorro"]);
    assert!(stderr(&o).contains("Aucun compte ne correspond à « zorro »"));
}

#[test]
fn search_finds_the_last_digits_of_a_number_a_matricule_and_the_middle_of_a_name() {
    let (_d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let found = |q: &str| -> Vec<String> {
        let o = forfaits(&db, &["search", q, "--json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["nom"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(found("3470"), ["Lotfi Ben Ali"], "end of 99383470");
    assert_eq!(
        found("15838"),
        ["Amira Trabelsi", "Rania Trabelsi"],
        "end of 10000000015838, inside 10000000158380"
    );
    assert_eq!(found("7468"), ["Lotfi Ben Ali"], "inside 0021627468145");
    assert_eq!(found("+216 2746"), ["Lotfi Ben Ali"], "+216 then the start");
    assert_eq!(found("ferch"), found("ferchichi"));
    assert_eq!(found("chichi").len(), 4, "any part of a name");
    assert_eq!(found("mériem"), ["Mériem Gharbi"]);
    assert_eq!(found("eriem"), ["Mériem Gharbi"], "accents ignored");
}

#[test]
fn tariffs_and_calls_of_the_samples_give_the_expected_debits() {
    let (d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    let t = forfaits(
        &db,
        &[
            "tariffs",
            "import",
            shared_data("tariffs-sample.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(t.status.code(), Some(0), "{}", stderr(&t));
    assert!(stdout(&t).contains("6 tarifs importés"));
    let master = shared_data("Master-sample.csv");
    let o = forfaits(&db, &["calls", "import", master.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("4 appels chargés (3 facturés pour 0,834"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("aucun compte n'a l'identifiant 9999999"),
        "{}",
        stderr(&o)
    );
    let row: serde_json::Value = serde_json::from_str(
        stdout(&forfaits(&db, &["search", "10000000000000", "--json"])).trim(),
    )
    .unwrap();
    assert_eq!(row["solde"], "-0,690");
    assert_eq!(row["duree_totale_s"], 241);

    let again = forfaits(&db, &["calls", "import", master.to_str().unwrap()]);
    assert!(
        stdout(&again).contains("0 appels chargés"),
        "{}",
        stdout(&again)
    );
    assert!(stdout(&again).contains("4 déjà chargés"));
    assert_eq!(forfaits(&db, &["check"]).status.code(), Some(0));

    let out = d.path().join("historique.csv");
    let o = forfaits(
        &db,
        &[
            "calls",
            "export",
            "10000000000000",
            "--out",
            out.to_str().unwrap(),
            "--from",
            "2026-11-20",
            "--to",
            "20/11/2026",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 4);
    let o = forfaits(
        &db,
        &["calls", "export", "10000000000000", "--from", "2026-11-21"],
    );
    assert_eq!(stdout(&o).lines().count(), 1, "header only");
    let o = forfaits(
        &db,
        &["calls", "export", "10000000000000", "--from", "hier"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("AAAA-MM-JJ"), "{}", stderr(&o));
    let o = forfaits(
        &db,
        &[
            "calls",
            "export",
            "10000000000000",
            "--from",
            "2026-11-21",
            "--to",
            "2026-11-20",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("période est vide"));
}

#[test]
fn a_broken_tariffs_file_changes_nothing_and_exits_1() {
    let (d, db) = temp();
    forfaits(
        &db,
        &[
            "tariffs",
            "import",
            shared_data("tariffs-sample.csv").to_str().unwrap(),
        ],
    );
    let f = d.path().join("t.csv");
    std::fs::write(&f, "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;gratuit;30;6;0\n").unwrap();
    let o = forfaits(&db, &["tariffs", "import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("ligne 2, champ 3 (prix_minute) : montant invalide"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("n'ont pas changé"));
}

#[test]
fn sheet_writes_a_pdf_that_pdftotext_reads() {
    let (d, db) = temp();
    forfaits(&db, &["import", &sample()]);
    forfaits(
        &db,
        &[
            "balance",
            "10000000023757",
            "credit",
            "20",
            "--reason",
            "Dépôt",
        ],
    );
    let pdf = d.path().join("fiche.pdf");
    let o = forfaits(
        &db,
        &["sheet", "10000000023757", "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    for v in [
        "Hédi Ben Salah",
        "10000000023757",
        "9520162",
        "0021641527589",
        "20,000 TND",
        "Recharge",
    ] {
        assert!(text.contains(v), "{v} missing in:\n{text}");
    }
    let o = forfaits(
        &db,
        &["sheet", "99999999999999", "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = forfaits(&db, &["sheet", "10000000023757"]);
    assert_eq!(o.status.code(), Some(2), "--out is required");
}
