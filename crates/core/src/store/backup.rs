//! `backup`: a consistent copy made with SQLite's online backup, even while another program
//! writes. The copy is written beside its destination under a temporary name and renamed into
//! place only once complete and checked, so a failed backup never leaves a half file.

use super::Store;
use crate::atomic_file::temp_beside;
use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

impl Store {
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        if dest.is_dir() {
            return Err(Error::Io(format!(
                "{} est un dossier : indiquez le nom du fichier de sauvegarde.",
                dest.display()
            )));
        }
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        };
        if same(dest, self.path()) {
            return Err(Error::Rejected(
                "La sauvegarde ne peut pas remplacer la base elle-même : choisissez un autre fichier."
                    .into(),
            ));
        }
        let tmp = temp_beside(dest, ".forfaits-sauvegarde-")?;
        {
            let mut dst = Connection::open(tmp.path())?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
            backup.run_to_completion(256, Duration::from_millis(10), None)?;
        }
        let copy = Connection::open(tmp.path())?;
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        let ok: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        drop(copy);
        if ok != "ok" {
            return Err(Error::Database(format!(
                "La copie de sauvegarde n'a pas passé la vérification ({ok}) ; elle n'a pas été gardée."
            )));
        }
        let size = std::fs::metadata(tmp.path())
            .map_err(|e| Error::io(tmp.path(), &e))?
            .len();
        tmp.persist(dest).map_err(|e| Error::io(dest, &e.error))?;
        Ok(size)
    }
}

/// Tables copied by a restore, parents before children.
const TABLES: [&str; 9] = [
    "settings",
    "accounts",
    "movements",
    "audit",
    "search_buckets",
    "search_grams",
    "search_words",
    "tariffs",
    "calls",
];

/// What a restore did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Restored {
    /// Where the database as it was before the restore was kept.
    pub precedente: std::path::PathBuf,
    pub comptes: u64,
}

/// Name of the automatic backup of a day.
fn daily_name(day: chrono::NaiveDate) -> String {
    format!("forfaits-{}.sqlite3", day.format("%Y-%m-%d"))
}

impl Store {
    /// Folder of the automatic backups: `sauvegardes` beside the database.
    pub fn backup_dir(&self) -> std::path::PathBuf {
        self.path()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("sauvegardes")
    }

    /// The day's automatic backup, if it is not made yet; backups older than the retention
    /// setting are removed. Returns the new backup's path.
    pub fn auto_backup(&self, today: chrono::NaiveDate) -> Result<Option<std::path::PathBuf>> {
        let dir = self.backup_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, &e))?;
        let path = dir.join(daily_name(today));
        let made = if path.exists() {
            None
        } else {
            self.backup_to(&path)?;
            Some(path)
        };
        let keep = self.settings()?.backup_retention_days as i64;
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, &e))?;
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
    /// Forfaits database this version can read, intact, with its ledger invariant holding. The
    /// database as it was is first saved beside it. The copy happens in one transaction of the
    /// live database, so other programs using it see the old content or the new, never a mix.
    pub fn restore_from(&mut self, file: &Path) -> Result<Restored> {
        if !file.is_file() {
            return Err(Error::Io(format!(
                "Fichier introuvable : {}.",
                file.display()
            )));
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
        // Work on a copy: checking (and migrating an older schema) must not touch the backup.
        let work = tempfile::Builder::new()
            .prefix(".forfaits-restauration-")
            .tempdir_in(self.backup_dir().parent().unwrap_or(Path::new(".")))
            .map_err(|e| Error::io(file, &e))?;
        let copy = work.path().join("copie.sqlite3");
        {
            let src = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|_| not_a_backup(file))?;
            let mut dst = Connection::open(&copy)?;
            rusqlite::backup::Backup::new(&src, &mut dst)
                .and_then(|b| b.run_to_completion(256, Duration::from_millis(5), None))
                .map_err(|_| not_a_backup(file))?;
        }
        let refuse = |e: Error| {
            let why = match &e {
                Error::Database(m) if m.contains("endommagée") => {
                    "le fichier est endommagé".into()
                }
                other => other.to_string(),
            };
            Error::Rejected(format!(
                "{} ne peut pas être restauré : {why}",
                file.display()
            ))
        };
        let checked = Store::open(&copy).map_err(refuse)?;
        let report = checked.check().map_err(refuse)?;
        if !report.ok() {
            return Err(Error::Rejected(format!(
                "{} ne peut pas être restauré, la vérification a trouvé : {}",
                file.display(),
                report.problemes.join(" ; ")
            )));
        }
        drop(checked);

        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let aside = self
            .path()
            .with_file_name(format!("forfaits-avant-restauration-{stamp}.sqlite3"));
        self.backup_to(&aside)?;

        let operator = self.operator().to_string();
        self.conn
            .execute("ATTACH DATABASE ?1 AS restauree", [copy.to_string_lossy()])?;
        let result = (|| -> Result<u64> {
            let tx = self.write_tx()?;
            for t in TABLES.iter().rev() {
                tx.execute(&format!("DELETE FROM main.{t}"), [])?;
            }
            for t in TABLES {
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
                &format!(
                    "{} ({n} comptes) ; base précédente gardée dans {}",
                    file.display(),
                    aside.display()
                ),
            )?;
            tx.commit()?;
            Ok(n as u64)
        })();
        self.conn.execute("DETACH DATABASE restauree", [])?;
        let comptes = result?;
        Ok(Restored {
            precedente: aside,
            comptes,
        })
    }
}

fn not_a_backup(file: &Path) -> Error {
    Error::Rejected(format!(
        "{} n'est pas une sauvegarde Forfaits lisible.",
        file.display()
    ))
}
