//! `backup`: a consistent copy made with SQLite's online backup, even while another program
//! writes. The copy is written beside its destination under a temporary name and renamed into
//! place only once complete and checked, so a failed backup never leaves a half file.

use super::Store;
use crate::atomic_file::WholeFile;
use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Store {
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        backup_connection(&self.conn, self.path(), dest)
    }
}

/// A consistent copy of what `src` (the database at `db`) sees, written whole to `dest`.
fn backup_connection(src: &Connection, db: &Path, dest: &Path) -> Result<u64> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if same(dest, db) {
        return Err(Error::Rejected(
            "La sauvegarde ne peut pas remplacer la base elle-même : choisissez un autre fichier."
                .into(),
        ));
    }
    let tmp = WholeFile::replacing_databases(dest, ".forfaits-sauvegarde-")?;
    {
        let mut dst = Connection::open(tmp.path())?;
        let backup = rusqlite::backup::Backup::new(src, &mut dst)?;
        backup.run_to_completion(256, Duration::from_millis(10), None)?;
    }
    let copy = Connection::open(tmp.path())?;
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    let ok: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    drop(copy);
    if ok != "ok" {
        return Err(Error::database(format!(
            "La copie de sauvegarde n'a pas passé la vérification ({ok}) ; elle n'a pas été gardée."
        )));
    }
    let size = std::fs::metadata(tmp.path())
        .map_err(|e| Error::io(tmp.path(), e))?
        .len();
    tmp.persist()?;
    Ok(size)
}

/// Tables of a complete Forfaits database, parents before children (the order a restore copies
/// them in), with the schema version that brought each one.
const TABLES: [(&str, i64); 14] = [
    ("settings", 1),
    ("accounts", 1),
    ("movements", 1),
    ("audit", 1),
    ("search_buckets", 1),
    ("tariffs", 2),
    ("calls", 2),
    ("forgotten_calls", 9),
    ("call_attempts", 4),
    ("call_holds", 4),
    ("blocked_numbers", 5),
    ("privileged_numbers", 5),
    ("search_grams", 6),
    ("search_words", 6),
];

/// What a restore did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Restored {
    /// Where the database as it was before the restore was kept; `None` when it held nothing
    /// (a base just created, as by `restore` onto a new path).
    pub precedente: Option<std::path::PathBuf>,
    pub comptes: u64,
}

/// Name of the automatic backup of a day.
fn daily_name(day: chrono::NaiveDate) -> String {
    format!("forfaits-{}.sqlite3", day.format("%Y-%m-%d"))
}

impl Store {
    /// The day's automatic backup, if it is not made yet; backups older than the retention
    /// setting are removed. Returns the new backup's path.
    pub fn auto_backup(&self, today: chrono::NaiveDate) -> Result<Option<std::path::PathBuf>> {
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(daily_name(today));
        let made = if path.exists() {
            None
        } else {
            self.backup_to(&path)?;
            Some(path)
        };
        let keep = self.settings()?.backup_retention_days as i64;
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let day = name
                .strip_prefix("forfaits-")
                .and_then(|r| r.strip_suffix(".sqlite3"))
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            if let Some(day) = day {
                if (today - day).num_days() >= keep {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok(made)
    }

    /// Replaces the content of the database by a backup, after checking it: it must be a
    /// complete Forfaits database of a schema this version knows, intact, with its ledger
    /// invariant holding. The database as it was is saved beside it, under the same write lock
    /// as the replacement: no other program's write can land between the two, so the safety
    /// copy is exactly what was replaced. Other programs see the old content or the new, never a
    /// mix; one still writing past the wait gets the restore refused, nothing changed.
    pub fn restore_from(&mut self, file: &Path) -> Result<Restored> {
        match std::fs::metadata(file) {
            Ok(m) if m.is_file() => {}
            // What the path is, not what it holds: an I/O error (exit 2), as for a backup.
            Ok(_) => {
                return Err(Error::file(format!(
                    "{} n'est pas un fichier de sauvegarde (c'est un dossier ou un périphérique).",
                    file.display()
                )))
            }
            Err(e) => {
                return Err(
                    Error::file(format!("Fichier introuvable : {}.", file.display())).because(e),
                )
            }
        }
        let same = match (file.canonicalize(), self.path().canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(Error::Rejected(
                "Ce fichier est la base elle-même : choisissez une sauvegarde.".into(),
            ));
        }
        let refuse = |why: String| {
            Error::Rejected(format!(
                "{} ne peut pas être restauré : {why}",
                file.display()
            ))
        };
        // Work on a copy: checking (and migrating an older schema) must not touch the backup.
        let work = tempfile::Builder::new()
            .prefix(".forfaits-restauration-")
            .tempdir_in(self.backup_dir().parent().unwrap_or(Path::new(".")))
            .map_err(|e| Error::io(file, e))?;
        let copy = work.path().join("copie.sqlite3");
        // A file that cannot be read is said as such (« Accès refusé »), not taken for one
        // that is not a backup.
        std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        {
            let src = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|_| not_a_backup(file))?;
            let mut dst = Connection::open(&copy)?;
            rusqlite::backup::Backup::new(&src, &mut dst)
                .and_then(|b| b.run_to_completion(256, Duration::from_millis(5), None))
                .map_err(|_| not_a_backup(file))?;
            complete_backup(&dst).map_err(refuse)?;
        }
        let refuse_err = |e: Error| {
            refuse(if e.is_corrupt() {
                "le fichier est endommagé".into()
            } else {
                e.to_string()
            })
        };
        let checked = Store::open(&copy).map_err(refuse_err)?;
        let report = checked.check().map_err(refuse_err)?;
        if !report.ok() {
            return Err(Error::Rejected(format!(
                "{} ne peut pas être restauré, la vérification a trouvé : {}",
                file.display(),
                report.problemes.lignes.join(" ; ")
            )));
        }
        drop(checked);

        let db = self.path().to_path_buf();
        let operator = self.operator().to_string();
        // ATTACH is refused inside a transaction: attach first, then take the write lock.
        self.conn
            .execute("ATTACH DATABASE ?1 AS restauree", [copy.to_string_lossy()])?;
        let result = (|| -> Result<(u64, Option<PathBuf>)> {
            let tx = self.write_tx()?;
            let mut blank = true;
            for (t, _) in &TABLES[1..] {
                let sql = format!("SELECT NOT EXISTS (SELECT 1 FROM main.{t})");
                blank &= tx.query_row(&sql, [], |r| r.get::<_, bool>(0))?;
            }
            // Named under the lock: a second restore in the same second, here or from another
            // process, must not replace the copy of what the first one replaced.
            let aside = (!blank).then(|| {
                aside_name(
                    &db,
                    &chrono::Local::now().format("%Y%m%d-%H%M%S").to_string(),
                )
            });
            if let Some(aside) = &aside {
                // SQLite's backup cannot read through a connection that holds a write
                // transaction; a second connection can, and while the lock is ours it sees
                // exactly the last committed state, the one about to be replaced.
                let reader =
                    Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                backup_connection(&reader, &db, aside)?;
            }
            for (t, _) in TABLES.iter().rev() {
                tx.execute(&format!("DELETE FROM main.{t}"), [])?;
            }
            for (t, _) in TABLES {
                tx.execute(
                    &format!("INSERT INTO main.{t} SELECT * FROM restauree.{t}"),
                    [],
                )?;
            }
            let n: i64 = tx.query_row("SELECT count(*) FROM main.accounts", [], |r| r.get(0))?;
            super::audit::record(
                &tx,
                &operator,
                "Restauration d'une sauvegarde",
                None,
                &match &aside {
                    Some(aside) => format!(
                        "{} ({n} comptes) ; base précédente gardée dans {}",
                        file.display(),
                        aside.display()
                    ),
                    None => format!(
                        "{} ({n} comptes) ; la base remplacée était vide",
                        file.display()
                    ),
                },
            )?;
            tx.commit()?;
            Ok((n as u64, aside))
        })();
        self.conn.execute("DETACH DATABASE restauree", [])?;
        let (comptes, precedente) = result?;
        Ok(Restored {
            precedente,
            comptes,
        })
    }
}

/// `forfaits-avant-restauration-{stamp}.sqlite3` beside the base, `…-2.sqlite3` and so on when
/// that name is taken: a safety copy is never replaced.
fn aside_name(db: &Path, stamp: &str) -> PathBuf {
    let stem = format!("forfaits-avant-restauration-{stamp}");
    (1..)
        .map(|n| match n {
            1 => db.with_file_name(format!("{stem}.sqlite3")),
            n => db.with_file_name(format!("{stem}-{n}.sqlite3")),
        })
        .find(|p| !p.exists())
        .expect("a free name")
}

/// Whether a copied backup is a whole Forfaits database of a schema this version knows, before
/// it is opened as one (opening would otherwise take an empty file for a new database).
fn complete_backup(conn: &Connection) -> std::result::Result<(), String> {
    let not_sqlite = |_| "ce n'est pas une base de données SQLite".to_string();
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(not_sqlite)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| e.to_string())?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(not_sqlite)?;
    if id == 0 && tables.is_empty() {
        return Err("le fichier est vide : ce n'est pas une sauvegarde".into());
    }
    if id != super::APPLICATION_ID {
        return Err("ce n'est pas une base de données Forfaits".into());
    }
    let known = super::schema_version() as i64;
    if !(1..=known).contains(&version) {
        return Err(format!(
            "version de schéma {version} inconnue (cette version de Forfaits lit les schémas 1 à {known})"
        ));
    }
    let missing: Vec<&str> = TABLES
        .iter()
        .filter(|(t, since)| *since <= version && !tables.iter().any(|have| have == t))
        .map(|(t, _)| *t)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "la sauvegarde est incomplète, il lui manque : {}",
            missing.join(", ")
        ));
    }
    Ok(())
}

fn not_a_backup(file: &Path) -> Error {
    Error::Rejected(format!(
        "{} n'est pas une sauvegarde Forfaits lisible.",
        file.display()
    ))
}

#[cfg(test)]
mod tests {
    /// A table the list forgets is neither checked in a backup nor copied by a restore: the
    /// restored base would lose it without a word.
    #[test]
    fn a_restore_copies_every_table_of_a_new_database() {
        let (_dir, store) = crate::store::temp_store();
        let mut tables: Vec<String> = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        tables.sort();
        let mut listed: Vec<String> = super::TABLES.iter().map(|(t, _)| t.to_string()).collect();
        listed.sort();
        assert_eq!(listed, tables);
    }

    #[test]
    fn a_second_restore_in_the_same_second_keeps_the_first_safety_copy() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite3");
        let name = |db| super::aside_name(db, "20261202-163310");
        let first = name(&db);
        assert!(first.ends_with("forfaits-avant-restauration-20261202-163310.sqlite3"));
        std::fs::write(&first, "copie 1").unwrap();
        let second = name(&db);
        assert!(second.ends_with("forfaits-avant-restauration-20261202-163310-2.sqlite3"));
        std::fs::write(&second, "copie 2").unwrap();
        assert!(name(&db).to_string_lossy().ends_with("-163310-3.sqlite3"));
    }
}
