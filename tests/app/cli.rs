//! The `forfaits` binary, run for real on temporary databases.

use crate::support::*;

#[path = "../support/hours.rs"]
mod hours;
use hours::open_until;

/// Runs each command, which must exit with its code, say why and write nothing.
fn each_refused_writing_nothing(db: &std::path::Path, cases: &[(&[&str], i32, &str)]) {
    for &(args, code, expect) in cases {
        let before = db_snapshot(db);
        let o = forfaits(db, args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
        assert_eq!(db_snapshot(db), before, "{args:?}");
    }
}

/// Runs a command refused (exit 1) for two reasons: its two lines on stderr.
fn refused_twice(db: &std::path::Path, args: &[&str]) -> Vec<String> {
    let o = forfaits(db, args);
    assert_eq!(o.status.code(), Some(1), "{args:?}");
    let lines: Vec<String> = stderr(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{args:?}: {lines:?}");
    lines
}

/// Sami Mansouri's matricule in the sample.
const SAMI: &str = "10000000007919";

fn temp() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite3");
    (dir, db)
}

fn sample() -> String {
    fixture("users-sample.csv").to_str().unwrap().to_string()
}

/// A temporary database holding the sample's 25 accounts.
fn sample_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let (d, db) = temp();
    succeeded(forfaits(&db, &["import", &sample()]));
    (d, db)
}

#[test]
fn import_of_the_sample_ends_with_the_summary_line() {
    let (_d, db) = temp();
    let o = succeeded(forfaits(&db, &["import", &sample()]));
    assert_eq!(stdout(&o).lines().last(), Some("25 importés, 0 rejeté"));
    // A file refused whole ends with it too; the reason is on stderr, nothing is written.
    let d = tempfile::tempdir().unwrap();
    let mut mixed = "Hédi Ben Salah;10000000099991;9990001\n"
        .as_bytes()
        .to_vec();
    mixed.extend(b"M\xe9riem Gharbi;10000000099992;9990002\n");
    std::fs::write(d.path().join("deux.csv"), mixed).unwrap();
    std::fs::write(d.path().join("vide.csv"), "").unwrap();
    for (file, said) in [
        ("vide.csv", "Le fichier ne contient aucune ligne."),
        ("deux.csv", "mélange deux encodages"),
        ("absent.csv", "introuvable"),
    ] {
        let path = d.path().join(file);
        let before = db_snapshot(&db);
        let o = forfaits(&db, &["import", path.to_str().unwrap()]);
        assert_ne!(o.status.code(), Some(0), "{file}");
        assert_stderr_has(&o, said);
        assert_eq!(stdout(&o), "0 importé, 0 rejeté\n", "{file}");
        assert_eq!(db_snapshot(&db), before, "{file}");
    }
}

#[test]
fn search_json_lists_matching_accounts_with_their_balance() {
    let (_d, db) = sample_db();
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
    let (_d, db) = sample_db();
    succeeded(balance(&db, SAMI, "credit", "12,500", "Dépôt"));
    let o = forfaits(&db, &["search", "10000000007919", "--json"]);
    let row: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(row["solde"], "12,500");

    let before = db_snapshot(&db);
    let o = balance(&db, SAMI, "debit", "100", "Achat");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("Débit refusé"), "{err}");
    assert!(err.contains("12,500"), "{err}");
    assert_eq!(db_snapshot(&db), before, "a refused debit writes nothing");

    let o = succeeded(forfaits(&db, &["check"]));
    assert!(stdout(&o).contains("aucun problème"));
}

/// A key an earlier version let in (here the same number on two keys) is said with its account
/// and key; the base is sound, so the exit stays 0 and the summary counts what to correct.
#[test]
fn check_names_a_key_to_correct_and_still_exits_0() {
    let (_d, db) = sample_db();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE accounts SET phone10 = '+21699383470' WHERE matricule = '10000000000000'",
            [],
        )
        .unwrap();
    let o = succeeded(forfaits(&db, &["check"]));
    assert_eq!(
        stdout(&o).trim(),
        "Base vérifiée : 25 comptes, 0 mouvement, aucun problème ; 1 numéro de touche à \
         corriger (ci-dessus)."
    );
    assert_stderr_has(
        &o,
        "Compte 10000000000000 (Lotfi Ben Ali), touche 10 : le numéro +21699383470 figure déjà \
         sur la touche 1 ; la fiche et l'import refusent désormais ce numéro",
    );
}

#[test]
fn correction_is_signed_and_needs_a_reason() {
    let (_d, db) = sample_db();
    balance(&db, SAMI, "credit", "5", "Dépôt");
    let o = forfaits(&db, &["balance", "10000000007919", "correction", "-2,500"]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "motif");
    // Two problems, two lines (SPEC §9: one message per problem).
    let lines = refused_twice(&db, &["balance", "10000000007919", "debit", "0"]);
    assert!(
        lines[0].starts_with("Montant") && lines[1].starts_with("Motif"),
        "{lines:?}"
    );
    let o = succeeded(balance(&db, SAMI, "correction", "-2,500", "Erreur"));
    assert_stdout_has(&o, "2,500");
}

#[test]
fn bad_amounts_and_unknown_matricules_are_refused_in_french() {
    let (_d, db) = sample_db();
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
            "le matricule doit comporter 14 chiffres (reçu : 1234567890123, 13 chiffres)",
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
    // Both wrong: both said, each on its line.
    let said = refused_twice(&db, &["balance", "123", "credit", "abc"]);
    assert!(
        said[0].contains("14 chiffres") && said[1].contains("montant"),
        "{said:?}"
    );
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
        // A negative number names its option, not « argument inconnu : -5 ».
        (
            vec!["search", "x", "--limit", "-3"],
            "« -3 » invalide pour --limit",
        ),
        (
            vec!["account", "10000000007919", "--allowance", "-5"],
            "« -5 » invalide pour --allowance",
        ),
        (
            vec!["rules", "--max-call", "-1"],
            "« -1 » invalide pour --max-call",
        ),
        (
            vec!["balance", "10000000007919", "vider", "5"],
            "valeurs possibles",
        ),
        (vec!["export", "--sep", "|"], "';' ou ','"),
        (vec!["check", "--bizarre"], "argument inconnu"),
        (
            vec!["account", "10000000007919", "--enable", "--disable"],
            "options incompatibles : --enable et --disable",
        ),
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
    assert_stderr_has(&o, "Fichier introuvable");
    let o = forfaits(&d.path().join("nowhere/x.sqlite3"), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(&o, "introuvable");
    // A folder where a file is read is the same kind of error for every command.
    let (_s, sample) = sample_db();
    let folder = d.path().to_str().unwrap();
    for args in [
        &["restore", folder][..],
        &["backup", folder],
        &["calls", "import", folder],
    ] {
        let o = forfaits(&sample, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_stderr_has(&o, "dossier");
    }
}

#[test]
fn an_export_sheet_or_history_saved_over_a_database_is_refused_and_keeps_it() {
    let (d, db) = sample_db();
    let (base, wal) = (db.to_str().unwrap(), format!("{}-wal", db.display()));
    let replaced = "est une base de données : il n'est pas remplacé";
    each_refused_writing_nothing(
        &db,
        &[
            (&["export", "--out", base], 1, replaced),
            (&["export", "--format", "xlsx", "--out", base], 1, replaced),
            (&["sheet", SAMI, "--out", base], 1, replaced),
            (&["calls", "export", SAMI, "--out", base], 1, replaced),
            (
                &["export", "--out", &wal],
                1,
                "est le journal d'une base de données",
            ),
        ],
    );
    succeeded(forfaits(&db, &["check"]));
    // Yesterday's backup is a database too: an export leaves it, a new backup replaces it.
    let backup = d.path().join("hier.sqlite3");
    let backup = backup.to_str().unwrap();
    succeeded(forfaits(&db, &["backup", backup]));
    let o = forfaits(&db, &["export", "--out", backup]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    succeeded(forfaits(&db, &["backup", backup]));
    // Another desk's base, or an export, under a backup's mistyped name: kept as it is.
    let (_other_dir, other) = sample_db();
    succeeded(forfaits(&other, &["balance", SAMI, "credit", "5"]));
    let export = d.path().join("comptes.csv");
    succeeded(forfaits(
        &db,
        &["export", "--out", export.to_str().unwrap()],
    ));
    let exported = std::fs::read(&export).unwrap();
    let before = db_snapshot(&db);
    let o = forfaits(&other, &["backup", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "est une base de données qui a servi de base à Forfaits (mode WAL), pas une simple \
         sauvegarde : elle n'est pas remplacée",
    );
    assert_eq!(db_snapshot(&db), before);
    let o = forfaits(&other, &["backup", export.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "existe et n'est pas une sauvegarde Forfaits : il n'est pas remplacé",
    );
    assert_eq!(std::fs::read(&export).unwrap(), exported);
}

#[test]
fn commands_that_read_or_act_on_accounts_create_nothing_on_a_mistyped_path() {
    let (d, _) = temp();
    let db = d.path().join("nouvelle.db");
    let master = fixture("Master-sample.csv");
    for args in [
        &["check"][..],
        &["search", "ali"],
        &["export"],
        &["backup", d.path().join("b.sqlite3").to_str().unwrap()],
        &["calls", "export", "10000000000000"],
        &["balance", SAMI, "credit", "5"],
        &["account", SAMI, "--disable"],
        &["calls", "import", master.to_str().unwrap()],
        &[
            "sheet",
            "10000000000000",
            "--out",
            d.path().join("f.pdf").to_str().unwrap(),
        ],
    ] {
        let o = forfaits(&db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("Fichier introuvable") && stderr(&o).contains("nouvelle.db"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
    // A dry run checks the file all the same, and leaves no base behind.
    let o = succeeded(forfaits(&db, &["import", &sample(), "--dry-run"]));
    assert_stdout_has(&o, "25");
    assert!(
        !db.exists() && !stderr(&o).contains("Nouvelle base"),
        "{}",
        stderr(&o)
    );
    // Writing commands still create the base on first use, and say so once.
    let tariffs = fixture("tariffs-sample.csv");
    let o = succeeded(forfaits(
        &db,
        &["tariffs", "import", tariffs.to_str().unwrap()],
    ));
    assert_stderr_has(&o, &format!("Nouvelle base créée : {}.", db.display()));
    let o = succeeded(forfaits(&db, &["import", &sample()]));
    assert!(!stderr(&o).contains("Nouvelle base"), "{}", stderr(&o));
}

/// Makes `path` impossible to write, even for root (tests run as root in CI), until dropped.
struct ReadOnly(std::path::PathBuf);

impl ReadOnly {
    fn new(path: &std::path::Path) -> ReadOnly {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .unwrap()
            .stdout
            == b"0\n";
        let ok = if root {
            std::process::Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .unwrap()
                .success()
        } else {
            let mut p = std::fs::metadata(path).unwrap().permissions();
            p.set_readonly(true);
            std::fs::set_permissions(path, p).is_ok()
        };
        assert!(ok, "could not make {} read-only", path.display());
        assert!(std::fs::OpenOptions::new().write(true).open(path).is_err());
        ReadOnly(path.to_path_buf())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
        if let Ok(m) = std::fs::metadata(&self.0) {
            let mut p = m.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            p.set_readonly(false);
            let _ = std::fs::set_permissions(&self.0, p);
        }
    }
}

#[test]
fn a_read_only_backup_opens_for_search_export_and_check_unchanged() {
    let (d, db) = sample_db();
    let copy = d.path().join("sauvegarde.sqlite3");
    assert_eq!(
        forfaits(&db, &["backup", copy.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let before = std::fs::read(&copy).unwrap();
    let _guard = ReadOnly::new(&copy);
    let o = succeeded(forfaits(&copy, &["search", "Trabelsi", "--json"]));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    succeeded(forfaits(&copy, &["check"]));
    let o = succeeded(forfaits(&copy, &["export", "--format", "import"]));
    assert_eq!(stdout(&o).lines().count(), 25);
    // A write is refused in French, nothing changes.
    let o = balance(&copy, "10000000007919", "credit", "1", "x");
    assert_ne!(o.status.code(), Some(0));
    assert_stderr_has(&o, "lecture seule");
    assert_eq!(std::fs::read(&copy).unwrap(), before);

    // An older schema on read-only media is read through a migrated copy, left as it was.
    let old = d.path().join("ancienne.sqlite3");
    std::fs::copy(fixture("schema-v1.sqlite3"), &old).unwrap();
    let before = std::fs::read(&old).unwrap();
    let _guard = ReadOnly::new(&old);
    succeeded(forfaits(&old, &["check"]));
    let o = succeeded(forfaits(&old, &["export", "--format", "import"]));
    assert!(!stdout(&o).is_empty());
    assert_eq!(std::fs::read(&old).unwrap(), before);
}

/// The base the window keeps (WAL) on a file that cannot be written is read through a copy: a
/// write made there would vanish with it, reported as done.
#[test]
fn a_read_only_live_base_refuses_every_write_and_still_reads() {
    let (d, db) = sample_db();
    let live = d.path().join("vive.sqlite3");
    std::fs::copy(&db, &live).unwrap();
    let before = std::fs::read(&live).unwrap();
    let out = d.path().join("export.csv");
    let credit = ["balance", "10000000007919", "credit", "1", "--reason", "x"];
    {
        let _guard = ReadOnly::new(&live);
        let delete = ["account", "10000000007919", "--delete"];
        let disable = ["account", "10000000007919", "--disable"];
        for args in [&credit[..], &delete, &disable] {
            let o = forfaits(&live, args);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            assert_stderr_has(&o, "lecture seule");
        }
        // An export only reads: written, though the base cannot keep its Journal line.
        let o = forfaits(
            &live,
            &[
                "export",
                "--format",
                "import",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        succeeded(o);
        assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 25);
    }
    assert_eq!(std::fs::read(&live).unwrap(), before);

    // In a folder that cannot be written, where SQLite cannot make its `-shm`: read as well.
    let folder = d.path().join("lecture");
    std::fs::create_dir(&folder).unwrap();
    let inside = folder.join("base.sqlite3");
    std::fs::copy(&db, &inside).unwrap();
    let _guard = ReadOnly::new(&folder);
    let o = succeeded(forfaits(&inside, &["check"]));
    assert!(stdout(&o).contains("25 comptes"), "{}", stdout(&o));
    let o = forfaits(&inside, &credit);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_stderr_has(&o, "lecture seule");
    assert_eq!(std::fs::read(&inside).unwrap(), before);
    // With changes still in its `-wal` (its writer stopped) and no `-shm`: read with them.
    let logged = d.path().join("journal");
    std::fs::create_dir(&logged).unwrap();
    let base = logged.join("base.sqlite3");
    std::fs::copy(&db, &base).unwrap();
    let wal = logged.join("base.sqlite3-wal");
    let frames = {
        let c = rusqlite::Connection::open(&base).unwrap();
        c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        c.execute(
            "UPDATE accounts SET name = 'Nom dans le journal' WHERE matricule = '10000000007919'",
            [],
        )
        .unwrap();
        std::fs::read(&wal).unwrap()
    };
    // The file as it was before the change, which only its log holds.
    std::fs::copy(&db, &base).unwrap();
    std::fs::write(&wal, frames).unwrap();
    let _ = std::fs::remove_file(logged.join("base.sqlite3-shm"));
    let _guard_logged = ReadOnly::new(&logged);
    let o = succeeded(forfaits(&base, &["search", "10000000007919", "--json"]));
    assert!(stdout(&o).contains("Nom dans le journal"), "{}", stdout(&o));
    assert_eq!(forfaits(&base, &credit).status.code(), Some(2));
    // Through a link standing in a folder that can be written: the base's own folder counts.
    let link = d.path().join("lien.sqlite3");
    std::os::unix::fs::symlink(&inside, &link).unwrap();
    succeeded(forfaits(&link, &["search", "Trabelsi"]));
    let o = forfaits(&link, &credit);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&inside).unwrap(), before);
}

#[test]
fn backup_writes_through_a_link_and_refuses_devices_and_pipes() {
    let (d, db) = sample_db();
    let target = d.path().join("cible.sqlite3");
    succeeded(forfaits(&db, &["backup", target.to_str().unwrap()]));
    let link = d.path().join("lien.db");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    succeeded(forfaits(&db, &["backup", link.to_str().unwrap()]));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        forfaits(&target, &["search", "Trabelsi"]).status.code(),
        Some(0)
    );

    let fifo = d.path().join("tube");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for bad in [fifo.as_path(), std::path::Path::new("/dev/full")] {
        let o = forfaits(&db, &["backup", bad.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", bad.display());
        assert_stderr_has(&o, "n'est pas un fichier ordinaire");
        assert!(
            !std::fs::symlink_metadata(bad).unwrap().is_file(),
            "{} left as it was",
            bad.display()
        );
    }
    let o = forfaits(&db, &["export", "--out", "/dev/full"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
}

#[test]
fn amounts_with_misplaced_spaces_are_refused_and_write_nothing() {
    let (_d, db) = sample_db();
    for bad in ["12 5", "1 5", "1 0000", "1 00,5"] {
        let before = db_snapshot(&db);
        let o = balance(&db, SAMI, "credit", bad, "Dépôt");
        assert_eq!(o.status.code(), Some(1), "{bad}");
        assert!(
            stderr(&o).contains("montant invalide"),
            "{bad}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("groupes de trois chiffres"),
            "{bad}: {}",
            stderr(&o)
        );
        assert_eq!(db_snapshot(&db), before, "{bad}");
    }
    let o = succeeded(balance(&db, SAMI, "credit", "1\u{a0}000,5", "Dépôt"));
    assert_stdout_has(&o, "+1\u{202f}000,500");
}

#[test]
fn the_operator_is_the_system_account_when_user_variables_are_unset() {
    let (_d, db) = sample_db();
    let o = std::process::Command::new(bin())
        .args([
            "--db",
            db.to_str().unwrap(),
            "balance",
            "10000000007919",
            "credit",
            "1",
            "--reason",
            "cron",
        ])
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .env_remove("FORFAITS_DB")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let whoami = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let account = String::from_utf8(whoami.stdout).unwrap().trim().to_string();
    let c = rusqlite::Connection::open(&db).unwrap();
    let operator: String = c
        .query_row(
            "SELECT operator FROM movements ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(operator, account);
    assert_ne!(operator, "inconnu");
}

#[test]
fn a_file_that_is_not_a_forfaits_database_is_refused_untouched() {
    let (d, _) = temp();
    let notes = "ceci n'est pas une base".repeat(100);
    let db = write_file(d.path(), "notes.sqlite3", notes);
    let before = std::fs::read(&db).unwrap();
    let o = forfaits(&db, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(&o, "n'est pas une base");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn import_with_a_bad_line_writes_nothing_and_names_line_and_field() {
    let (d, db) = sample_db();
    let before = db_snapshot(&db);
    let f = write_file(
        d.path(),
        "bad.csv",
        "Nouvel Utilisateur;20000000000001;1111111\nMauvais;1234567890123;2222222\n",
    );
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("ligne 2, champ 2 (Matricule) : le matricule doit comporter 14 chiffres"),
        "{err}"
    );
    assert_eq!(stdout(&o).lines().last(), Some("0 importé, 1 rejeté"));
    assert_eq!(db_snapshot(&db), before);
}

#[test]
fn backup_writes_a_checked_copy_that_opens() {
    let (d, db) = sample_db();
    let copy = d.path().join("copie.sqlite3");
    succeeded(forfaits(&db, &["backup", copy.to_str().unwrap()]));
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
    let (d, db) = sample_db();
    let o = forfaits(&db, &["export"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("\u{feff}Nom utilisateur;Matricule;"));
    assert_eq!(text.lines().count(), 26);

    let out = d.path().join("import.csv");
    let to = out.to_str().unwrap();
    let o = forfaits(
        &db,
        &["export", "--format", "import", "--sep", ",", "--out", to],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("25 comptes exportés"));
    let db2 = d.path().join("copie.sqlite3");
    let o = forfaits(&db2, &["import", out.to_str().unwrap()]);
    assert_eq!(stdout(&o).lines().last(), Some("25 importés, 0 rejeté"));
}

#[test]
fn import_options_dry_run_skip_invalid_and_update_existing() {
    let (d, db) = temp();
    let f = write_file(
        d.path(),
        "mixte.csv",
        "Bon;10000000000001;1000001\nMauvais;123;1000002\n",
    );
    let o = forfaits(&db, &["import", f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Simulation"));
    // Every line refused: nothing was done, whatever --skip-invalid allowed.
    let bad = write_file(
        d.path(),
        "mauvais.csv",
        "Mauvais;123;1000002\nAutre;456;1000003\n",
    );
    for (file, code, summary) in [
        (&f, 0, "1 importé, 1 rejeté"),
        (&bad, 1, "0 importé, 2 rejetés"),
    ] {
        let o = forfaits(&db, &["import", file.to_str().unwrap(), "--skip-invalid"]);
        assert_eq!(o.status.code(), Some(code), "{summary}");
        assert_eq!(stdout(&o).lines().last(), Some(summary));
    }
    std::fs::write(&f, "Bon Renommé;10000000000001;1000001\n").unwrap();
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "existe déjà dans la base");
    let o = succeeded(forfaits(
        &db,
        &["import", f.to_str().unwrap(), "--update-existing"],
    ));
    assert!(stdout(&o).contains("1 compte mis à jour, 0 créé."));
    let o = forfaits(&db, &["search", "renomme"]);
    assert!(stdout(&o).contains("Bon Renommé"));
}

#[test]
fn search_accepts_several_words_and_an_empty_result_is_said() {
    let (_d, db) = sample_db();
    let o = forfaits(&db, &["search", "ben", "ali"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
    let o = forfaits(&db, &["search", "zorro"]);
    assert!(stderr(&o).contains("Aucun compte ne correspond à « zorro »"));
}

#[test]
fn search_finds_the_last_digits_of_a_number_a_matricule_and_the_middle_of_a_name() {
    let (_d, db) = sample_db();
    let found = |q: &str| -> Vec<String> {
        let o = succeeded(forfaits(&db, &["search", q, "--json"]));
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
fn calls_import_says_each_problem_in_the_order_of_the_lines() {
    let (d, db) = sample_db();
    let fixed_lines = "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2167;Fixe;0,090;60;60;0\n";
    let tariffs = write_file(d.path(), "fixe.csv", fixed_lines);
    succeeded(forfaits(
        &db,
        &["tariffs", "import", tariffs.to_str().unwrap()],
    ));
    let good = std::fs::read_to_string(fixture("Master-sample.csv")).unwrap();
    let first = good.lines().next().unwrap();
    let unknown = first
        .replace("\"8589669\"", "\"9999999\"")
        .replace("1763629200.1", "x1");
    let malformed = first
        .replace(",185,180,", ",185,cent,")
        .replace("1763629200.1", "x2");
    let file = write_file(
        d.path(),
        "m.csv",
        format!("{first}\n{unknown}\n{malformed}\n"),
    );
    let o = succeeded(forfaits(&db, &["calls", "import", file.to_str().unwrap()]));
    let err = stderr(&o);
    let said: Vec<&str> = err
        .lines()
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>()[1])
        .collect();
    // Line 1 has no tariff (a mobile), line 2 no account, line 3 no seconds.
    assert_eq!(said, ["1", "2", "3,"], "{err}");
}

/// Tariffs not imported yet: the calls would be kept at no cost and never billed afterwards
/// (a second load finds them loaded). Accounts with billing off need no tariff.
#[test]
fn calls_import_with_no_tariff_at_all_is_refused_unless_no_account_is_billed() {
    let (_d, db) = sample_db();
    let master = fixture("Master-sample.csv");
    let load = || forfaits(&db, &["calls", "import", master.to_str().unwrap()]);
    let before = db_snapshot(&db);
    let o = load();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "Aucun tarif n'est enregistré : 3 appels répondus de comptes facturés seraient chargés \
         sans coût, et ne pourraient plus être facturés. Importez d'abord la table des tarifs",
    );
    assert_stderr_has(&o, "Aucun appel n'a été chargé.");
    assert_eq!(db_snapshot(&db), before, "nothing written");
    for m in ["10000000000000", "10000000007919"] {
        succeeded(forfaits(&db, &["account", m, "--billing", "off"]));
    }
    let o = succeeded(load());
    assert_stdout_has(&o, "4 appels chargés (0 facturé");
}

#[test]
fn tariffs_and_calls_of_the_samples_give_the_expected_debits() {
    let (d, db) = sample_db();
    let t = succeeded(import_sample_tariffs(&db));
    assert!(stdout(&t).contains("6 tarifs importés (la table des tarifs a été remplacée)."));
    let again = succeeded(import_sample_tariffs(&db));
    assert_eq!(
        stdout(&again),
        "Aucun changement : le fichier redonne les 6 tarifs en place.\n\
         6 tarifs importés (la table des tarifs reste la même).\n"
    );
    let master = fixture("Master-sample.csv");
    let o = succeeded(forfaits(
        &db,
        &["calls", "import", master.to_str().unwrap()],
    ));
    assert_stdout_has(&o, "4 appels chargés (3 facturés pour 0,834");
    assert_stderr_has(&o, "aucun compte n'a l'identifiant 9999999");
    let row: serde_json::Value = serde_json::from_str(
        stdout(&forfaits(&db, &["search", "10000000000000", "--json"])).trim(),
    )
    .unwrap();
    assert_eq!(row["solde"], "-0,690");
    assert_eq!(row["duree_totale_s"], 241);

    let again = forfaits(&db, &["calls", "import", master.to_str().unwrap()]);
    assert_stdout_has(&again, "0 appel chargé");
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
    let o = forfaits_words(&db, "calls export 10000000000000 --from 2026-11-21");
    assert_eq!(stdout(&o).lines().count(), 1, "header only");
    let o = forfaits_words(&db, "calls export 10000000000000 --from hier");
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(&o, "AAAA-MM-JJ");
    let o = forfaits_words(
        &db,
        "calls export 10000000000000 --from 2026-11-21 --to 2026-11-20",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("période est vide"));
}

#[test]
fn a_broken_tariffs_file_changes_nothing_and_exits_1() {
    let (d, db) = temp();
    import_sample_tariffs(&db);
    let f = write_file(d.path(), "t.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;gratuit;30;6;0\n");
    let o = forfaits(&db, &["tariffs", "import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "ligne 2, champ 3 (prix_minute) : montant invalide");
    assert!(stdout(&o).contains("n'ont pas changé"));
}

#[test]
fn sheet_writes_a_pdf_that_pdftotext_reads() {
    let (d, db) = sample_db();
    balance(&db, "10000000023757", "credit", "20", "Dépôt");
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

    // A name the sheet's font cannot show is written, with a warning.
    let chinese = write_file(d.path(), "c.csv", "王小明 Wang;20000000000006;2000006;\n");
    succeeded(forfaits(&db, &["import", chinese.to_str().unwrap()]));
    let o = succeeded(forfaits(
        &db,
        &["sheet", "20000000000006", "--out", pdf.to_str().unwrap()],
    ));
    assert_stderr_has(
        &o,
        "Attention : la police de la fiche n'a pas « 王小明 » ; la fiche porte « ? » à la place.",
    );
}

#[test]
fn messages_agree_in_gender_and_number_and_elide_before_a_vowel() {
    let (d, db) = sample_db();
    let before = db_snapshot(&db);
    let o = balance(&db, "10000000063352", "correction", "-1", "Essai");
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(
        &o,
        "Correction refusée : le solde d'Hélène Haddad est de 0,000",
    );
    let o = forfaits(&db, &["balance", "99999999999999", "credit", "5"]);
    assert_stderr_has(
        &o,
        "Aucun compte ne correspond au matricule 99999999999999.",
    );
    assert_eq!(db_snapshot(&db), before, "refusals write nothing");

    let t = write_file(d.path(), "un-tarif.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+216;Tunisie;0,200;60;60;0\n");
    let o = forfaits(&db, &["tariffs", "import", t.to_str().unwrap()]);
    assert_stdout_has(&o, "1 tarif importé (");

    let f = write_file(
        d.path(),
        "maj.csv",
        "Hélène Haddad;10000000063352;4123476\nNouveau Venu;20000000000001;2000001\n",
    );
    let o = succeeded(forfaits(
        &db,
        &["import", f.to_str().unwrap(), "--update-existing"],
    ));
    assert_stdout_has(&o, "1 compte mis à jour, 1 créé.");
    assert_eq!(stdout(&o).lines().last(), Some("2 importés, 0 rejeté"));

    let master = fixture("Master-sample.csv");
    let o = forfaits(&db, &["calls", "import", master.to_str().unwrap()]);
    assert_stdout_has(&o, ", 1 compte inconnu,");
    let pdf = d.path().join("fiche.pdf");
    let o = forfaits(
        &db,
        &["sheet", "10000000063352", "--out", pdf.to_str().unwrap()],
    );
    assert_stderr_has(&o, "Fiche d'Hélène Haddad écrite");
}

#[test]
fn a_limit_too_large_for_a_number_is_refused_in_french() {
    let (_d, db) = temp();
    for (limit, expect) in [
        ("99999999999999999999", "nombre trop grand"),
        ("100001", "hors des limites permises (de 1 à 100000)"),
    ] {
        let o = forfaits(&db, &["search", "x", "--limit", limit]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains(expect), "{err}");
        assert!(
            !err.contains("number") && !err.contains("is not in"),
            "English left in: {err}"
        );
    }
}

#[test]
fn a_limit_above_a_page_lists_every_account_asked_for() {
    let (d, db) = temp();
    let users: String = (0..1_200)
        .map(|n| {
            format!(
                "Compte {n};{};{}\n",
                30_000_000_000_000u64 + n,
                3_000_000 + n
            )
        })
        .collect();
    let file = write_file(d.path(), "comptes.csv", users);
    succeeded(forfaits(&db, &["import", file.to_str().unwrap()]));
    for (limit, lines, said) in [
        ("1100", 1_100, "1 200 comptes trouvés, 1 100 affichés"),
        ("5000", 1_200, "1 200 comptes trouvés."),
    ] {
        let o = succeeded(forfaits(&db, &["search", "compte", "--limit", limit]));
        assert_eq!(stdout(&o).lines().count(), lines, "--limit {limit}");
        assert_stderr_has(&o, said);
    }
}

#[test]
fn a_file_the_user_may_not_read_is_said_so_by_every_command_that_reads_one() {
    use std::os::unix::fs::PermissionsExt;
    // Root reads everything: the commands run as `nobody`, on a base it may write.
    if !std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
    {
        eprintln!("not root: no other user to run as");
        return;
    }
    let (d, db) = sample_db();
    let copy = d.path().join("sauvegarde.sqlite3");
    succeeded(forfaits(&db, &["backup", copy.to_str().unwrap()]));
    let mode = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode(d.path(), 0o777);
    for entry in std::fs::read_dir(d.path()).unwrap() {
        mode(&entry.unwrap().path(), 0o666);
    }
    mode(&copy, 0o000);
    let before = db_snapshot(&db);
    let file = copy.to_str().unwrap();
    for args in [
        &["restore", file][..],
        &["import", file],
        &["calls", "import", file],
        &["tariffs", "import", file],
    ] {
        let o = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin())
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("FORFAITS_DB")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_stderr_has(
            &o,
            &format!("Accès refusé au fichier {file} : vérifiez les droits."),
        );
    }
    assert_eq!(db_snapshot(&db), before);
}

#[test]
fn restore_help_speaks_of_a_backup_to_read() {
    let o = std::process::Command::new(bin())
        .args(["restore", "--help"])
        .output()
        .unwrap();
    let h = stdout(&o);
    assert!(h.contains("Sauvegarde à lire"), "{h}");
    assert!(!h.contains("à écrire"), "{h}");
    let o = std::process::Command::new(bin())
        .args(["backup", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("Fichier de sauvegarde à écrire"));
}

#[test]
fn a_tariffs_import_says_which_prefixes_it_dropped() {
    let (d, db) = temp();
    let t = import_sample_tariffs(&db);
    assert!(!stdout(&t).contains("remplacés"), "nothing was in place");
    let f = write_file(d.path(), "un.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile Ooredoo;0,180;30;6;0\n");
    let o = succeeded(forfaits(&db, &["tariffs", "import", f.to_str().unwrap()]));
    assert!(
        stdout(&o)
            .contains("6 tarifs remplacés par 1 ; 5 préfixes disparaissent : +2165 Mobile Orange"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_day_that_does_not_exist_is_said_so() {
    let (_d, db) = sample_db();
    let o = forfaits_words(&db, "calls export 10000000000000 --from 31/02/2026");
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(
        &o,
        "la date 31/02/2026 n'existe pas : février 2026 compte 28 jours",
    );
}

/// `forfaits --db DB agi --listen 127.0.0.1:PORT`, started and waited for.
/// The `forfaits agi` process of a test; killed if the test ends without stopping it.
struct Service(Option<std::process::Child>);

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn start_service(db: &std::path::Path) -> (Service, String) {
    start_service_in(db, None)
}

/// The service, with the time zone `tz` when given (the site's hours are local).
fn start_service_in(db: &std::path::Path, tz: Option<&str>) -> (Service, String) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = std::process::Command::new(bin());
    if let Some(tz) = tz {
        cmd.env("TZ", tz);
    }
    let child = cmd
        .args(["--db", db.to_str().unwrap(), "agi", "--listen", &addr])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let service = Service(Some(child));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the service does not listen"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (service, addr)
}

fn agi_call(
    addr: &str,
    script: &str,
    args: &[&str],
    uniqueid: &str,
) -> forfaits_agi::asterisk::Outcome {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let call = forfaits_agi::asterisk::Call::new(script, args, uniqueid);
    rt.block_on(forfaits_agi::asterisk::run_within(
        addr,
        &call,
        std::time::Duration::from_secs(20),
    ))
    .unwrap()
}

fn stop_service(mut service: Service) -> (std::time::Duration, std::process::Output) {
    let mut child = service.0.take().expect("running");
    let t = std::time::Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = t + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the service did not stop"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let took = t.elapsed();
    (took, child.wait_with_output().unwrap())
}

#[test]
fn account_disable_then_autoriser_is_refused_and_enable_lets_it_through() {
    let (_d, db) = sample_db();
    import_sample_tariffs(&db);
    balance(&db, "10000000000000", "credit", "2", "Dépôt");
    let o = succeeded(forfaits(&db, &["account", "10000000000000", "--disable"]));
    assert_stdout_has(&o, "Etat du compte            Désactivé");
    let (service, addr) = start_service(&db);
    let refused = agi_call(&addr, "autoriser", &["8589669", "2"], "d.1");
    assert_eq!(refused.var("FORFAITS_MOTIF"), "compte_desactive");
    succeeded(forfaits(&db, &["account", "10000000000000", "--enable"]));
    let granted = agi_call(&addr, "autoriser", &["8589669", "2"], "d.2");
    assert_eq!(granted.var("FORFAITS_LIMITE_MS"), "666000");
    let o = forfaits(&db, &["account", "10000000000000", "--json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["reserve_unites_mineures"], 1998);
    assert_eq!(v["etat_compte"], "Activé");
    let (took, out) = stop_service(service);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    let log = stdout(&out);
    assert!(
        log.contains("autoriser d.1 compte_desactive compte=8589669"),
        "{log}"
    );
    assert!(
        log.contains("autoriser d.2 ok compte=8589669 numero=+21627468145 limite_ms=666000"),
        "{log}"
    );
    // The changes are in the journal like the window's.
    let c = rusqlite::Connection::open(&db).unwrap();
    let changes: i64 = c
        .query_row("SELECT count(*) FROM audit WHERE matricule = '10000000000000' AND details LIKE 'état du compte%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(changes, 2);
}

#[test]
fn balance_debit_under_a_call_in_progress_warns_that_its_bill_may_go_below_zero() {
    let (_d, db) = sample_db();
    import_sample_tariffs(&db);
    balance(&db, "10000000000000", "credit", "2", "Dépôt");
    let (service, addr) = start_service(&db);
    // SPEC §11's example: 666 s granted, 1,998 TND held until hang-up.
    let granted = agi_call(&addr, "autoriser", &["8589669", "2"], "r.1");
    assert_eq!(granted.var("FORFAITS_LIMITE_MS"), "666000");
    let kept = succeeded(balance(&db, "10000000000000", "debit", "0,002", "Frais"));
    assert_eq!(stderr(&kept), "", "1,998 left covers the call");
    let o = succeeded(balance(
        &db,
        "10000000000000",
        "debit",
        "1",
        "Remise famille",
    ));
    // Amounts are written with no-break spaces before the currency.
    let said = stderr(&o).replace(['\u{a0}', '\u{202f}'], " ");
    assert_eq!(
        said.trim(),
        "Attention : le solde (0,998 TND) ne couvre plus les 1,998 TND réservés pour les \
         appels en cours : à la fin de ces appels, le solde pourra devenir négatif."
    );
    let (_, out) = stop_service(service);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn account_options_change_billing_and_allowance_and_bad_ones_change_nothing() {
    let (_d, db) = sample_db();
    let o = succeeded(forfaits_words(
        &db,
        "account 10000000007919 --billing off --allowance 120",
    ));
    assert_stdout_has(&o, "Activation calcul billing Désactivé");
    assert_stdout_has(&o, "120 minutes");
    let o = succeeded(forfaits_words(&db, "account 10000000007919 --allowance 1"));
    assert_stdout_has(&o, "Durée d'appel             1 minute\n");
    let o = forfaits(&db, &["account", "10000000007919", "--allowance", "none"]);
    assert_stdout_has(&o, "illimitée");
    each_refused_writing_nothing(
        &db,
        &[
            (
                &["account", "10000000007919", "--allowance", "beaucoup"][..],
                2,
                "durée d'appel",
            ),
            (
                &["account", "10000000007919", "--billing", "peut-être"],
                2,
                "Erreur",
            ),
            (
                &["account", "10000000007919", "--enable", "--disable"],
                2,
                "Erreur",
            ),
            (
                &["account", "10000000007919", "--max-call", "0"],
                1,
                "de 1 à 1440 minutes",
            ),
            // A number out of range is refused like --max-call's, not as usage.
            (
                &["account", "10000000007919", "--allowance", "1000001"],
                1,
                "entre 0 et 1 000 000",
            ),
            (&["account", "1000000000791", "--disable"], 1, "14 chiffres"),
            (
                &["account", "99999999999999", "--disable"],
                1,
                "Aucun compte",
            ),
        ],
    );
}

#[test]
fn the_service_stops_on_sigterm_after_answering_the_call_it_is_deciding() {
    let (_d, db) = sample_db();
    let (service, addr) = start_service(&db);
    // Another program holds the write lock: the decision waits for it.
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let in_flight = {
        let addr = addr.clone();
        std::thread::spawn(move || agi_call(&addr, "autoriser", &["8589669", "9"], "t.1"))
    };
    // A client that never finishes its header is simply closed at the stop.
    let mut silent = std::net::TcpStream::connect(&addr).unwrap();
    std::io::Write::write_all(&mut silent, b"agi_network: yes\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        blocker.execute_batch("ROLLBACK").unwrap();
    });
    let (took, out) = stop_service(service);
    releaser.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    let answered = in_flight.join().unwrap();
    assert_eq!(
        answered.var("FORFAITS_MOTIF"),
        "touche_vide",
        "answered before the stop"
    );
    assert_stdout_has(&out, "arrêté");
}

#[test]
fn the_service_refuses_a_missing_base_and_a_busy_port_in_french() {
    let (d, db) = temp();
    let o = forfaits(
        &d.path().join("absente.sqlite3"),
        &["agi", "--listen", "127.0.0.1:0"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(&o, "introuvable");
    forfaits(&db, &["import", &sample()]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = forfaits(&db, &["agi", "--listen", &addr]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(&o, "Impossible d'écouter");
    let o = forfaits(&db, &["agi", "--listen", "pas-une-adresse"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn numbers_block_privilege_list_and_refuse_what_would_break_the_rules() {
    let (_d, db) = sample_db();
    // 0021627468145 is on Lotfi's key 2: blocking +2162* needs --force.
    let before = db_snapshot(&db);
    let o = forfaits_words(&db, "numbers block +2162* --reason 'opérateur suspect'");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("18 comptes portent ce numéro")
            && stderr(&o).contains("Lotfi Ben Ali (10000000000000), touches 2, 4")
            && stderr(&o).contains("Pour confirmer, relancez la commande avec --force."),
        "{}",
        stderr(&o)
    );
    assert_eq!(db_snapshot(&db), before);
    let o = forfaits_words(
        &db,
        "numbers block +2162* --reason 'opérateur suspect' --force",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    each_refused_writing_nothing(
        &db,
        &[
            (
                &["numbers", "block", "98765432", "--reason", " "][..],
                1,
                "le motif est obligatoire",
            ),
            (
                &["numbers", "block", "abc*", "--reason", "x"],
                1,
                "numéro ou préfixe invalide",
            ),
            // One key of one account: the question agrees.
            (
                &["numbers", "block", "99383470", "--reason", "x"],
                1,
                "1 compte porte ce numéro : Lotfi Ben Ali (10000000000000), touche 1. Confirmez \
                 pour l'interdire quand même (cette touche ne pourra plus appeler), ou retirez \
                 d'abord le numéro de ce compte.",
            ),
            (
                &["numbers", "block", "+2162*", "--reason", "x"],
                1,
                "déjà interdit",
            ),
            (
                &["numbers", "unblock", "+2169*"],
                1,
                "Le numéro interdit +2169* n'est pas dans la liste : rien n'a changé.",
            ),
            (
                &["numbers", "unblock", "+2162"],
                1,
                "Le numéro interdit +2162 n'est pas dans la liste ; la règle interdite est \
                 « +2162* » : écrivez-la ainsi",
            ),
            (&["numbers", "privilege", "71 000 111"], 2, "--label"),
            (
                &["numbers", "privilege", "12", "--label", "x"],
                1,
                "Numéro invalide",
            ),
        ],
    );
    let o = forfaits_words(
        &db,
        "numbers privilege '71 000 111' --label 'Me Trabelsi, avocat' --free",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = forfaits(&db, &["numbers", "list", "--json"]);
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0]["type"].as_str(), rows[0]["numero"].as_str()),
        (Some("interdit"), Some("+2162*"))
    );
    assert_eq!(
        (rows[1]["numero"].as_str(), rows[1]["gratuit"].as_bool()),
        (Some("+21671000111"), Some(true))
    );
    let o = forfaits(&db, &["numbers", "list"]);
    assert!(
        stdout(&o).contains("+2162*") && stdout(&o).contains("gratuit"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        forfaits(&db, &["numbers", "unblock", "+2162*"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        forfaits(&db, &["numbers", "unprivilege", "+21671000111"])
            .status
            .code(),
        Some(0)
    );
    let o = forfaits(&db, &["numbers", "list"]);
    assert_eq!(stdout(&o).matches("aucun").count(), 2, "{}", stdout(&o));
}

#[test]
fn importing_a_file_whose_key_holds_a_blocked_number_exits_1_and_writes_nothing() {
    let (d, db) = temp();
    forfaits_words(&db, "numbers block +2169* --reason 'réseau interdit'");
    let f = write_file(d.path(), "u.csv", "Ali Ben Salah;10000000000001;1000001;27468145\nSalma Jebali;10000000000002;1000002;;+21699000000\n");
    let before = db_snapshot(&db);
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(&o, "ligne 2, champ 5 (N° téléphone touche 2) : le numéro +21699000000 est interdit (règle « +2169* » : réseau interdit)");
    assert_eq!(db_snapshot(&db), before);
}

#[test]
fn rules_and_account_rule_options_reach_the_service_in_its_time_zone() {
    let (_d, db) = sample_db();
    forfaits(&db, &["account", "10000000000000", "--billing", "off"]);
    let o = succeeded(forfaits(&db, &["rules", "--max-call", "2"]));
    assert_stdout_has(&o, "2 minutes");
    each_refused_writing_nothing(
        &db,
        &[
            (
                &["rules", "--hours", "lundi 08:00-12:00"],
                1,
                "jour inconnu « lundi » : écrivez lun, mar, mer, jeu, ven, sam ou dim",
            ),
            // A script's unset variable does not lift the hours.
            (&["rules", "--hours", ""], 2, "horaires vides"),
            (&["rules", "--max-call", "0"], 1, "de 1 à 1440 minutes"),
            (&["rules", "--calls-per-day", "0"], 1, "suspendez le compte"),
        ],
    );
    // The hours are the site's local time: Tunis (UTC+1, no summer time) for this service.
    let tunis = chrono::Utc::now().naive_utc() + chrono::Duration::hours(1);
    let end = tunis + chrono::Duration::minutes(10);
    let hours = open_until(tunis, end);
    assert_eq!(
        forfaits(&db, &["rules", "--hours", &hours, "--max-call", "60"])
            .status
            .code(),
        Some(0)
    );
    let (service, addr) = start_service_in(&db, Some("Africa/Tunis"));
    let o = agi_call(&addr, "autoriser", &["8589669", "2"], "tz.1");
    let limit: i64 = o.var("FORFAITS_LIMITE_MS").parse().unwrap_or(0);
    assert!(
        (limit - 600_000).abs() <= 61_000,
        "window ends in about 10 minutes Tunis time: {limit}"
    );
    // Per-account override and suspension, then --resume.
    forfaits(&db, &["rules", "--hours", "toujours"]);
    let o = succeeded(forfaits_words(
        &db,
        "account 10000000000000 --max-call 5 --calls-per-day 2",
    ));
    assert_stdout_has(&o, "5 minutes");
    assert_eq!(
        agi_call(&addr, "autoriser", &["8589669", "2"], "tz.2").var("FORFAITS_LIMITE_MS"),
        "300000"
    );
    let o = forfaits_words(
        &db,
        "account 10000000000000 --suspend-until 2099-01-31 --reason discipline --json",
    );
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["etat_general"], "Suspendu jusqu'au 31/01/2099");
    assert_eq!(
        agi_call(&addr, "autoriser", &["8589669", "2"], "tz.3").var("FORFAITS_MOTIF"),
        "compte_suspendu"
    );
    let o = forfaits(&db, &["search", "Lotfi", "--json"]);
    assert_stdout_has(&o, "Suspendu jusqu'au 31/01/2099");
    assert_eq!(
        forfaits(&db, &["account", "10000000000000", "--resume"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        agi_call(&addr, "autoriser", &["8589669", "2"], "tz.4").var("FORFAITS_MOTIF"),
        "quota_journalier",
        "tz.1 and tz.2 today"
    );
    // The refusals below are compared byte for byte: the service is stopped first, or its
    // background checkpoint could copy earlier writes into the file between two snapshots.
    let (_took, out) = stop_service(service);
    assert_eq!(out.status.code(), Some(0));
    for (args, code) in [
        (
            &["account", "10000000000000", "--suspend-until", "2099-01-31"][..],
            2,
        ),
        (
            &[
                "account",
                "10000000000000",
                "--suspend-until",
                "2020-01-31",
                "--reason",
                "x",
            ],
            1,
        ),
        (
            &[
                "account",
                "10000000000000",
                "--suspend-until",
                "31/02/2099",
                "--reason",
                "x",
            ],
            2,
        ),
        (&["account", "10000000000000", "--max-call", "beaucoup"], 2),
        (&["account", "10000000000000", "--resume"], 1),
        // A valid change beside a refused one is not written either.
        (
            &["account", "10000000000000", "--disable", "--max-call", "0"],
            1,
        ),
        (
            &[
                "account",
                "10000000000000",
                "--billing",
                "off",
                "--suspend-until",
                "2020-01-31",
                "--reason",
                "x",
            ],
            1,
        ),
        (&["account", "10000000000000", "--disable", "--resume"], 1),
    ] {
        let before = db_snapshot(&db);
        let o = forfaits(&db, args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert_eq!(db_snapshot(&db), before, "{args:?}");
    }
    // A suspension that ended yesterday stays stored but is no longer said.
    let yesterday = chrono::Local::now().date_naive() - chrono::Days::new(1);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE accounts SET suspended_until = ?1, suspension_reason = 'discipline'
             WHERE matricule = '10000000000000'",
            [yesterday.format("%Y-%m-%d").to_string()],
        )
        .unwrap();
    let o = forfaits(&db, &["account", "10000000000000"]);
    assert!(!stdout(&o).contains("Suspendu"), "{}", stdout(&o));
}

#[test]
fn every_subcommand_of_the_help_is_in_the_readme() {
    let help = stdout(
        &std::process::Command::new(bin())
            .arg("--help")
            .output()
            .unwrap(),
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commandes"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(commands.len() >= 14, "{help}");
    for c in commands {
        let usage = format!("forfaits [--db FICHIER] {c}");
        assert!(
            readme
                .lines()
                .any(|l| l == usage || l.starts_with(&format!("{usage} "))),
            "`forfaits {c}` is not in the README's command line section"
        );
    }
}
