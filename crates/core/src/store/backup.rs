//! `backup`: a consistent copy made with SQLite's online backup, even while another program
//! writes. The copy is written beside its destination under a temporary name and renamed into
//! place only once complete and checked, so a failed backup never leaves a half file.

use super::Store;
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
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(Error::Io(format!(
                "Le dossier {} n'existe pas.",
                dir.display()
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(".forfaits-sauvegarde-")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, &e))?;
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
