//! Nothing is lost or half-written: the real binary killed (`kill -9`) in the middle of long
//! work, several processes writing at once, backups taken while writing, restores checked.

use crate::support::*;
use forfaits_core::prelude::*;
use forfaits_core::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn users_file(dir: &Path, n: usize, start: usize) -> PathBuf {
    let f = dir.join(format!("users-{n}-{start}.csv"));
    let mut text = String::with_capacity(n * 60);
    for i in start..start + n {
        text.push_str(&format!(
            "Personne {i};{:014};{:07};2{:07};+2165{:07}\n",
            10_000_000_000_000u64 + i as u64,
            1_000_000 + i,
            i,
            i
        ));
    }
    std::fs::write(&f, text).unwrap();
    f
}

/// Asterisk records for identifiants 1000000..1000000+accounts, to keys and elsewhere.
fn calls_file(dir: &Path, n: usize, accounts: usize) -> PathBuf {
    let f = dir.join(format!("calls-{n}.csv"));
    let mut text = String::with_capacity(n * 200);
    for i in 0..n {
        let a = i % accounts;
        let dst = if i % 3 == 0 {
            format!("9{:07}", i % 10_000_000)
        } else {
            format!("2{a:07}")
        };
        let billsec = if i % 5 == 0 { 0 } else { 10 + i % 300 };
        let disp = if billsec == 0 {
            "NO ANSWER"
        } else {
            "ANSWERED"
        };
        text.push_str(&format!(
            "\"{}\",\"1\",\"{dst}\",\"d\",\"c\",\"a\",\"b\",\"Dial\",\"x\",\"2026-11-{:02} 10:{:02}:{:02}\",\"\",\"\",{},{billsec},\"{disp}\",\"BILLING\",\"k{i}\",\"\"\n",
            1_000_000 + a,
            1 + i % 28,
            i % 60,
            (i / 60) % 60,
            billsec + 5
        ));
    }
    std::fs::write(&f, text).unwrap();
    f
}

/// A database `name` in `dir` holding `n` generated accounts.
fn db_of_users(dir: &Path, name: &str, n: usize) -> PathBuf {
    let db = dir.join(name);
    succeeded(forfaits(
        &db,
        &["import", users_file(dir, n, 0).to_str().unwrap()],
    ));
    db
}

/// A database `name` in `dir` holding the sample's 25 accounts.
fn db_of_sample(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    let o = forfaits(
        &db,
        &["import", fixture("users-sample.csv").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    db
}

/// `forfaits backup` of `db` into `copy`, which must succeed.
fn backup(db: &Path, copy: &Path) {
    succeeded(forfaits(db, &["backup", copy.to_str().unwrap()]));
}

/// The one number `sql` counts.
fn count(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn accounts(db: &Path) -> u64 {
    Store::open(db).unwrap().count_accounts().unwrap()
}

fn check_passes(db: &Path) {
    let o = forfaits(db, &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "check after the kill: {}",
        stderr(&o)
    );
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

/// Starts `forfaits --db DB args…` and kills it with SIGKILL after `ms`; true if it was still
/// running (the kill landed in the middle of the work).
fn kill_after(db: &Path, args: &[&str], ms: u64) -> bool {
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while t.elapsed() < Duration::from_millis(ms) {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill(); // SIGKILL on Unix
    let _ = child.wait();
    running
}

/// A kill test proves something only if enough kills landed while the work was running.
fn assert_kills_landed(killed_inside: u32, at_least: u32, work: &str) {
    assert!(
        killed_inside >= at_least,
        "{at_least} kills must land during {work}, {killed_inside} did"
    );
}

#[test]
fn an_import_killed_anywhere_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = users_file(dir.path(), 150_000, 0);
    let mut killed_inside = 0;
    for (i, ms) in [60, 250, 600, 1000, 1500, 2200].into_iter().enumerate() {
        let db = dir.path().join(format!("k{i}.sqlite3"));
        // Half the runs start from a database holding an account (the line-by-line path), half
        // from an empty one (the bulk path that drops and rebuilds indexes).
        let before = if i % 2 == 0 {
            0
        } else {
            forfaits(
                &db,
                &[
                    "import",
                    users_file(dir.path(), 1, 900_000).to_str().unwrap(),
                ],
            );
            1
        };
        killed_inside += kill_after(&db, &["import", file.to_str().unwrap()], ms) as u32;
        check_passes(&db);
        let n = accounts(&db);
        assert!(
            n == before || n == before + 150_000,
            "kill after {ms} ms left {n} accounts"
        );
        if n == before {
            // Nothing half-done blocks a new import of the same file.
            succeeded(forfaits(&db, &["import", file.to_str().unwrap()]));
            assert_eq!(accounts(&db), before + 150_000);
            check_passes(&db);
        }
    }
    assert_kills_landed(killed_inside, 3, "the import");
}

#[test]
fn a_call_load_killed_anywhere_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db0 = db_of_users(dir.path(), "base.sqlite3", 2_000);
    import_sample_tariffs(&db0);
    let calls = calls_file(dir.path(), 200_000, 2_000);
    let mut killed_inside = 0;
    for (i, ms) in [100, 700, 1500, 2600].into_iter().enumerate() {
        let db = dir.path().join(format!("c{i}.sqlite3"));
        std::fs::copy(&db0, &db).unwrap();
        killed_inside += kill_after(&db, &["calls", "import", calls.to_str().unwrap()], ms) as u32;
        check_passes(&db);
        let c = rusqlite::Connection::open(&db).unwrap();
        let loaded = count(&c, "SELECT count(*) FROM calls");
        let debits = count(&c, "SELECT count(*) FROM movements WHERE kind = 'appel'");
        assert!(
            loaded == 0 || loaded == 200_000,
            "kill after {ms} ms left {loaded} calls"
        );
        assert_eq!(
            loaded == 0,
            debits == 0,
            "calls and their debits go together"
        );
    }
    assert_kills_landed(killed_inside, 2, "the load");
}

#[test]
fn an_export_killed_anywhere_leaves_no_half_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_of_users(dir.path(), "e.sqlite3", 150_000);
    for ms in [15, 60, 150, 300] {
        let out = dir.path().join(format!("export-{ms}.csv"));
        kill_after(&db, &["export", "--out", out.to_str().unwrap()], ms);
        if out.exists() {
            let lines = std::fs::read_to_string(&out).unwrap().lines().count();
            assert_eq!(lines, 150_001, "an export file is complete or absent");
        }
        check_passes(&db);
    }
}

#[test]
fn several_processes_writing_money_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_of_users(dir.path(), "p.sqlite3", 50);
    import_sample_tariffs(&db);
    let m = "10000000000000";
    balance(&db, m, "credit", "1000", "Dépôt");
    let calls = calls_file(dir.path(), 5_000, 50);
    let mut handles = Vec::new();
    for p in 0..4 {
        let db = db.clone();
        handles.push(std::thread::spawn(move || {
            for i in 0..15 {
                let (op, amount) = if p % 2 == 0 {
                    ("credit", format!("{},{:03}", 1 + i, p))
                } else {
                    ("debit", "0,001".to_string())
                };
                succeeded(balance(&db, m, op, &amount, "Concurrence"));
            }
        }));
    }
    let loader = {
        let db = db.clone();
        std::thread::spawn(move || forfaits(&db, &["calls", "import", calls.to_str().unwrap()]))
    };
    for h in handles {
        h.join().unwrap();
    }
    succeeded(loader.join().unwrap());
    check_passes(&db);
    let s = Store::open(&db).unwrap();
    let a = s.account_by_matricule(m).unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    let call_cost: i64 = c
        .query_row(
            "SELECT ifnull(sum(cost), 0) FROM calls WHERE account_id = ?1",
            [a.id],
            |r| r.get(0),
        )
        .unwrap();
    let credits: i64 = (0..2)
        .map(|p: i64| (0..15).map(|i: i64| (1 + i) * 1000 + p * 2).sum::<i64>())
        .sum();
    let expected = 1_000_000 + credits - 2 * 15 - call_cost;
    assert_eq!(
        a.balance, expected,
        "every credit, debit and call debit is there exactly once"
    );
}

#[test]
fn a_backup_taken_while_another_process_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_of_users(dir.path(), "b.sqlite3", 3_000);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut s = Store::open(&db).unwrap();
            let ids: Vec<i64> = (1..=3000).collect();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let id = ids[n % ids.len()];
                s.manual_movement(
                    id,
                    forfaits_core::store::ledger::MovementKind::Recharge,
                    forfaits_core::domain::Money(7),
                    "",
                )
                .unwrap();
                n += 1;
            }
            n
        })
    };
    for i in 0..5 {
        let copy = dir.path().join(format!("copie-{i}.sqlite3"));
        backup(&db, &copy);
        check_passes(&copy);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(writer.join().unwrap() > 10, "the writer was really writing");
    check_passes(&db);
}

/// The sample's base in `dir`, and its backup named `name` beside it.
fn sample_and_backup(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let db = db_of_sample(dir, "r.sqlite3");
    let copy = dir.join(name);
    backup(&db, &copy);
    (db, copy)
}

#[test]
fn a_damaged_index_is_said_in_one_french_line_by_check_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let (db, copy) = sample_and_backup(dir.path(), "sauvegarde.sqlite3");
    // The name index's page replaced by the matricule index's: the base opens, its accounts
    // read, and SQLite's integrity check finds 25 rows missing from the index.
    let root = |index: &str| -> usize {
        let c = rusqlite::Connection::open(&copy).unwrap();
        let page: i64 = c
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [index],
                |r| r.get(0),
            )
            .unwrap();
        page as usize - 1
    };
    let (name, matricule) = (root("accounts_name"), root("accounts_matricule"));
    let mut bytes = std::fs::read(&copy).unwrap();
    let size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let page = bytes[matricule * size..(matricule + 1) * size].to_vec();
    bytes[name * size..(name + 1) * size].copy_from_slice(&page);
    std::fs::write(&copy, bytes).unwrap();
    let said =
        "Le fichier de la base est endommagé (25 anomalies relevées par SQLite ; la première : \
                « row 1 missing from index accounts_name ») : restaurez la dernière sauvegarde.";
    let before = db_snapshot(&db);
    let o = forfaits(&db, &["restore", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
    assert_eq!(db_snapshot(&db), before);
    let o = forfaits(&copy, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).trim(), said);
    assert_eq!(stdout(&o).trim(), "Base vérifiée : 1 problème trouvé.");
}

#[test]
fn restore_replaces_the_content_after_checking_and_keeps_the_previous_base() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_of_sample(dir.path(), "r.sqlite3");
    balance(&db, "10000000007919", "credit", "12,500", "Dépôt");
    let copy = dir.path().join("sauvegarde.sqlite3");
    backup(&db, &copy);
    // Life goes on after the backup…
    balance(&db, "10000000007919", "debit", "2", "Achat");
    forfaits(
        &db,
        &["import", users_file(dir.path(), 10, 500).to_str().unwrap()],
    );
    assert_eq!(accounts(&db), 35);

    // …broken files are refused and change nothing.
    let text = write_file(dir.path(), "texte.sqlite3", "pas une base".repeat(500));
    let foreign = dir.path().join("autre.sqlite3");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute("CREATE TABLE t(x)", [])
        .unwrap();
    let altered = dir.path().join("alteree.sqlite3");
    std::fs::copy(&copy, &altered).unwrap();
    rusqlite::Connection::open(&altered)
        .unwrap()
        .execute(
            "UPDATE accounts SET balance = 999999 WHERE matricule = '10000000007919'",
            [],
        )
        .unwrap();
    let damaged = dir.path().join("abimee.sqlite3");
    // Every b-tree page but the first loses its header: the structure itself is broken.
    let mut bytes = std::fs::read(&copy).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let page = if page == 1 { 65536 } else { page };
    for start in (page..bytes.len()).step_by(page) {
        for b in &mut bytes[start..start + 64] {
            *b = 0xA5;
        }
    }
    std::fs::write(&damaged, bytes).unwrap();
    for (bad, expect) in [
        (&text, "n'est pas une sauvegarde Forfaits"),
        (&foreign, "n'est pas une base de données Forfaits"),
        (&altered, "somme de ses mouvements"),
        (&damaged, "ne peut pas être restauré"),
        (&dir.path().join("absent.sqlite3"), "introuvable"),
    ] {
        let o = forfaits(&db, &["restore", bad.to_str().unwrap()]);
        assert_ne!(o.status.code(), Some(0), "{}", bad.display());
        assert!(
            stderr(&o).contains(expect),
            "{}: {}",
            bad.display(),
            stderr(&o)
        );
        assert_eq!(
            accounts(&db),
            35,
            "unchanged after refusing {}",
            bad.display()
        );
    }

    let o = succeeded(forfaits(&db, &["restore", copy.to_str().unwrap()]));
    assert_stdout_has(&o, "25 comptes");
    assert_eq!(accounts(&db), 25);
    let row: serde_json::Value = serde_json::from_str(
        stdout(&forfaits(&db, &["search", "10000000007919", "--json"])).trim(),
    )
    .unwrap();
    assert_eq!(row["solde"], "12,500", "the balance of the backup");
    check_passes(&db);
    assert_eq!(
        safety_copies(dir.path()),
        [35],
        "the previous content was kept aside"
    );
    // Restored again at once (the same second, most often): a second copy, the first kept.
    succeeded(forfaits(&db, &["restore", copy.to_str().unwrap()]));
    assert_eq!(
        safety_copies(dir.path()),
        [25, 35],
        "what each restore replaced"
    );
}

#[test]
fn a_restore_onto_a_new_path_keeps_no_empty_copy_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_of_sample(dir.path(), "r.sqlite3");
    let copy = dir.path().join("sauvegarde.sqlite3");
    backup(&db, &copy);
    let new_dir = dir.path().join("nouveau-poste");
    std::fs::create_dir(&new_dir).unwrap();
    let fresh = new_dir.join("forfaits.sqlite3");
    let o = succeeded(forfaits(&fresh, &["restore", copy.to_str().unwrap()]));
    assert_stdout_has(
        &o,
        "(25 comptes). La base remplacée était vide : rien n'a été mis de côté.",
    );
    assert_eq!(accounts(&fresh), 25);
    assert_eq!(safety_copies(&new_dir), [0u64; 0], "nothing to keep aside");
    check_passes(&fresh);
}

/// The accounts of each copy that restores kept beside the base, fewest first.
fn safety_copies(dir: &Path) -> Vec<u64> {
    let mut kept: Vec<u64> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("forfaits-avant-restauration-")
        })
        .map(|e| accounts(&e.path()))
        .collect();
    kept.sort();
    kept
}

#[test]
fn a_database_of_the_first_schema_opens_with_this_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v1.sqlite3");
    std::fs::copy(fixture("schema-v1.sqlite3"), &db).unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the fixture was written by schema version 1");
    drop(c);
    check_passes(&db);
    let s = Store::open(&db).unwrap();
    assert_eq!(
        s.file_schema_version().unwrap(),
        forfaits_core::store::schema_version() as i64
    );
    let a = s.account_by_matricule("10000000007919").unwrap();
    assert_eq!((a.name.as_str(), a.balance), ("Sami Mansouri", 12_500));
    drop(s);
    // The search index of the upgraded file finds any part of a number or a name.
    let o = forfaits(&db, &["search", "3470"]);
    assert_stdout_has(&o, "Lotfi Ben Ali");
    let o = forfaits(&db, &["search", "ouazi"]);
    assert_stderr_has(&o, "Aucun compte");
    let o = forfaits(&db, &["search", "ouari"]);
    assert_stdout_has(&o, "Zied Zouari");
    // The new tables work on the upgraded file.
    import_sample_tariffs(&db);
    let o = forfaits(
        &db,
        &[
            "calls",
            "import",
            fixture("Master-sample.csv").to_str().unwrap(),
        ],
    );
    assert_stdout_has(&o, "4 appels chargés");
    check_passes(&db);
}

#[test]
fn restore_refuses_what_is_not_a_complete_backup_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_of_sample(dir.path(), "r.sqlite3");
    let zero = write_file(dir.path(), "vide.sqlite3", b"");
    let empty = dir.path().join("sqlite-vide.sqlite3");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); DROP TABLE t; VACUUM;")
        .unwrap();
    let id_only = dir.path().join("id-seul.sqlite3");
    let c = rusqlite::Connection::open(&id_only).unwrap();
    c.pragma_update(None, "application_id", forfaits_core::store::APPLICATION_ID)
        .unwrap();
    c.pragma_update(None, "user_version", 3).unwrap();
    drop(c);
    let partial = dir.path().join("partielle.sqlite3");
    backup(&db, &partial);
    rusqlite::Connection::open(&partial)
        .unwrap()
        .execute_batch("DROP TABLE calls;")
        .unwrap();
    let future = dir.path().join("future.sqlite3");
    std::fs::copy(&partial, &future).unwrap();
    rusqlite::Connection::open(&future)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let folder = dir.path().to_path_buf();
    for (bad, code, expect) in [
        (&zero, 1, "le fichier est vide"),
        (&empty, 1, "le fichier est vide"),
        (&id_only, 1, "il lui manque"),
        (&partial, 1, "il lui manque : calls"),
        (&future, 1, "schéma 99 inconnue"),
        // The path's fault, not the content's: an I/O error.
        (&folder, 2, "n'est pas un fichier de sauvegarde"),
    ] {
        let before = db_snapshot(&db);
        let o = forfaits(&db, &["restore", bad.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(code),
            "{}: {}",
            bad.display(),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(expect),
            "{}: {}",
            bad.display(),
            stderr(&o)
        );
        assert_eq!(db_snapshot(&db), before, "{}", bad.display());
        assert_eq!(accounts(&db), 25);
    }
}

/// Waits until another process holds the write lock of `db` (true), or `child` has ended first.
fn wait_for_writer(db: &Path, child: &mut std::process::Child) -> bool {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::ZERO).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        match c.execute_batch("BEGIN IMMEDIATE; ROLLBACK;") {
            Err(_) => return true,
            Ok(()) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    false
}

#[test]
fn a_restore_during_an_import_in_another_process_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, old) = sample_and_backup(dir.path(), "ancienne.sqlite3");
    // Matricules and identifiants apart from the sample's.
    let big = users_file(dir.path(), 60_000, 3_900_000);
    let mut import = Command::new(bin())
        .args([
            "--db",
            db.to_str().unwrap(),
            "import",
            big.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        wait_for_writer(&db, &mut import),
        "the import ended before it was seen writing: make the file larger"
    );
    // The import holds the write lock: the restore starts now, from another process.
    let restore = Command::new(bin())
        .args([
            "--db",
            db.to_str().unwrap(),
            "restore",
            old.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let imported = succeeded(import.wait_with_output().unwrap());
    assert_stdout_has(&imported, "60000 importés");
    let aside: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("forfaits-avant-restauration-")
        })
        .collect();
    match restore.status.code() {
        Some(0) => {
            // The restore waited for the import: its safety copy holds the import.
            assert_eq!(accounts(&db), 25, "the backup's content");
            assert_eq!(aside.len(), 1);
            assert_eq!(
                accounts(&aside[0]),
                25 + 60_000,
                "the import is in the safety copy"
            );
        }
        _ => {
            // Or it gave up waiting, in French, and changed nothing.
            assert_stderr_has(&restore, "occupée");
            assert_eq!(accounts(&db), 25 + 60_000);
        }
    }
    check_passes(&db);
}
