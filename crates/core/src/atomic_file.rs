//! Files written whole or not at all: the content goes to a temporary file in the destination's
//! folder (so the final rename stays on one file system) and is renamed over the destination
//! only when complete. A crash or an error leaves the old file, never half a new one.
//!
//! The destination must be a regular file or a new path. A symbolic link is written through
//! (its target is replaced, the link stays); a device, a pipe or a socket is refused, since
//! renaming over it would replace the node itself (`/dev/full` becoming a 5 MB file).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

pub(crate) struct WholeFile {
    tmp: NamedTempFile,
    dest: PathBuf,
}

impl WholeFile {
    /// A temporary file beside the destination `path` (its link target, if it is a link), named
    /// `{prefix}…`. A database, or the journal of one, is never the destination: an export
    /// saved over the open base (or yesterday's backup) under a mistaken name would replace
    /// every account with a page of text.
    pub(crate) fn new(path: &Path, prefix: &str) -> Result<WholeFile> {
        Self::over(destination(path)?, prefix, true)
    }

    /// [`WholeFile::new`] for a backup, which may replace an earlier backup, and nothing else:
    /// not a base that has served (backups are written in rollback mode, Forfaits opens a base
    /// in WAL mode), not the journal of one, not another program's database, not another kind
    /// of file (an export under a mistaken name).
    pub(crate) fn replacing_databases(path: &Path, prefix: &str) -> Result<WholeFile> {
        let dest = destination(path)?;
        // A journal holding changes is said first, by `over`: the file is not read meanwhile.
        let why = match a_database(&dest) {
            Some(Kept::Database) if live_journal(&dest).is_some() => None,
            Some(Kept::Database) if in_wal_mode(&dest) => Some(
                "est une base de données qui a servi de base à Forfaits (mode WAL), pas une \
                 simple sauvegarde : elle n'est pas remplacée",
            ),
            Some(Kept::Database) if !forfaits_tables(&dest) => {
                Some("est une base de données d'un autre programme : elle n'est pas remplacée")
            }
            None if std::fs::metadata(&dest).is_ok_and(|m| m.len() > 0) => {
                Some("existe et n'est pas une sauvegarde Forfaits : il n'est pas remplacé")
            }
            _ => None,
        };
        if let Some(why) = why {
            return Err(Error::Rejected(format!(
                "{} {why}. Choisissez un autre nom de fichier.",
                dest.display()
            )));
        }
        Self::over(dest, prefix, false)
    }

    fn over(dest: PathBuf, prefix: &str, not_a_database: bool) -> Result<WholeFile> {
        let why = match a_database(&dest) {
            Some(Kept::Database) if not_a_database => Some("est une base de données"),
            Some(Kept::Journal) => Some("est le journal d'une base de données"),
            _ => None,
        };
        if let Some(why) = why {
            return Err(Error::Rejected(format!(
                "{} {why} : il n'est pas remplacé. Choisissez un autre nom de fichier.",
                dest.display()
            )));
        }
        // A database with changes still in its journal is open in another program, or was left
        // by one that stopped: renamed over, the new file would be read with the old journal
        // applied to it, a damaged base.
        if let Some(journal) = live_journal(&dest) {
            return Err(Error::Rejected(format!(
                "{} est une base dont le journal {} contient encore des modifications (ouverte \
                 dans un autre programme, ou fermée brutalement) : elle n'est pas remplacée. \
                 Choisissez un autre nom de fichier.",
                dest.display(),
                journal.display()
            )));
        }
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(Error::file(format!(
                "Le dossier {} n'existe pas.",
                dir.display()
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        // A new file is its owner's only (names and numbers of people); a file replaced keeps
        // who may read it, or a colleague's script reading yesterday's export would lose it.
        if let Ok(kept) = std::fs::metadata(&dest) {
            // Its group too, where the system lets this user give it (a member of it, root).
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let _ = std::os::unix::fs::fchown(tmp.as_file(), None, Some(kept.gid()));
            }
            tmp.as_file()
                .set_permissions(kept.permissions())
                .map_err(|e| Error::io(&dest, e))?;
        }
        Ok(WholeFile { tmp, dest })
    }

    /// Where the content is being written (the temporary file).
    pub(crate) fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub(crate) fn as_file(&self) -> &File {
        self.tmp.as_file()
    }

    /// Flushes to disk and puts the file in place.
    pub(crate) fn persist(self) -> Result<()> {
        let dest = self.dest;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&dest, e))?;
        self.tmp
            .persist(&dest)
            .map_err(|e| Error::io(&dest, e.error))?;
        Ok(())
    }
}

impl Write for WholeFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// A file no export may replace.
enum Kept {
    /// An SQLite database, known by its first bytes whatever its name.
    Database,
    /// The write-ahead log, shared memory or rollback journal beside one.
    Journal,
}

fn a_database(dest: &Path) -> Option<Kept> {
    let is_sqlite = |p: &Path| {
        let mut head = [0u8; 16];
        std::fs::File::open(p)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok_and(|()| &head == b"SQLite format 3\0")
    };
    if is_sqlite(dest) {
        return Some(Kept::Database);
    }
    let name = dest.file_name()?.to_str()?;
    ["-wal", "-shm", "-journal"].into_iter().find_map(|suffix| {
        let base = dest.with_file_name(name.strip_suffix(suffix)?);
        is_sqlite(&base).then_some(Kept::Journal)
    })
}

/// Whether the SQLite file at `db` has the tables of a Forfaits base (read only).
fn forfaits_tables(db: &Path) -> bool {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let Ok(c) = rusqlite::Connection::open_with_flags(db, flags) else {
        return false;
    };
    c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'
         AND name IN ('accounts', 'movements', 'audit', 'settings')",
        [],
        |r| r.get::<_, i64>(0),
    )
    .is_ok_and(|n| n == 4)
}

/// Whether the SQLite file at `db` is in WAL mode (its header's read and write versions are 2).
fn in_wal_mode(db: &Path) -> bool {
    let mut head = [0u8; 20];
    std::fs::File::open(db)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| head[18] == 2 && head[19] == 2)
}

/// The `-wal` or `-journal` beside a database, when it holds something.
fn live_journal(db: &Path) -> Option<PathBuf> {
    let name = db.file_name()?.to_str()?;
    ["-wal", "-journal"].into_iter().find_map(|suffix| {
        let journal = db.with_file_name(format!("{name}{suffix}"));
        std::fs::metadata(&journal)
            .is_ok_and(|m| m.len() > 0)
            .then_some(journal)
    })
}

/// The file to replace: `path` itself, or the regular file a link leads to.
fn destination(path: &Path) -> Result<PathBuf> {
    let meta = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(Error::io(path, e)),
        Ok(m) => m,
    };
    let (target, meta) = if meta.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(|e| {
            Error::file(format!(
                "{} est un lien vers un fichier qui n'existe pas : choisissez un autre fichier.",
                path.display()
            ))
            .because(e)
        })?;
        let meta = std::fs::metadata(&target).map_err(|e| Error::io(&target, e))?;
        (target, meta)
    } else {
        (path.to_path_buf(), meta)
    };
    if meta.is_dir() {
        return Err(Error::file(format!(
            "{} est un dossier : indiquez un nom de fichier.",
            path.display()
        )));
    }
    if !meta.is_file() {
        return Err(Error::file(format!(
            "{} n'est pas un fichier ordinaire (périphérique, tube ou socket) : choisissez un fichier.",
            path.display()
        )));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) -> Result<()> {
        let mut f = WholeFile::new(path, ".essai-")?;
        f.write_all(text.as_bytes()).unwrap();
        f.persist()
    }

    #[test]
    fn a_database_or_its_journal_is_never_replaced_by_a_file_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("nom quelconque.txt");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let before = std::fs::read(&db).unwrap();
        let err = write(&db, "Nom;Matricule").unwrap_err();
        assert!(matches!(err, Error::Rejected(_)));
        assert!(
            err.to_string()
                .contains("est une base de données : il n'est pas remplacé"),
            "{err}"
        );
        let wal = dir.path().join("nom quelconque.txt-wal");
        assert!(wal.exists());
        let err = write(&wal, "x").unwrap_err().to_string();
        assert!(err.contains("journal d'une base de données"), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), before);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "no temporary file left"
        );
        let err = WholeFile::replacing_databases(&wal, ".essai-")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("journal d'une base de données"), "{err}");
        // Not a base in service (WAL mode), open or closed: a backup is in rollback mode.
        let refused = |db: &Path, said: &str| {
            let err = WholeFile::replacing_databases(db, ".essai-")
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(said), "{err}");
        };
        let in_service = "qui a servi de base à Forfaits (mode WAL), pas une simple sauvegarde";
        // Open, its journal holds changes: that is said first.
        refused(&db, "contient encore des modifications");
        drop(conn);
        assert!(!wal.exists(), "closed cleanly, its journal is gone");
        refused(&db, in_service);
        // Nor another program's database in rollback mode.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        refused(&db, "est une base de données d'un autre programme");
        // Not a backup whose journal holds changes (it would be applied to the new file).
        conn.execute_batch(
            "CREATE TABLE accounts (x); CREATE TABLE movements (x);
             CREATE TABLE audit (x); CREATE TABLE settings (x);",
        )
        .unwrap();
        drop(conn);
        let journal = dir.path().join("nom quelconque.txt-journal");
        std::fs::write(&journal, b"changes").unwrap();
        refused(&db, "contient encore des modifications");
        std::fs::remove_file(&journal).unwrap();
        // Nor a file of another kind (an export under a mistaken name); an empty one may go.
        let export = dir.path().join("export.csv");
        std::fs::write(&export, "Nom;Matricule").unwrap();
        refused(&export, "existe et n'est pas une sauvegarde Forfaits");
        std::fs::write(&export, "").unwrap();
        WholeFile::replacing_databases(&export, ".essai-").unwrap();
        // A backup may replace an earlier one.
        let mut f = WholeFile::replacing_databases(&db, ".essai-").unwrap();
        f.write_all(b"copie").unwrap();
        f.persist().unwrap();
        assert_eq!(std::fs::read(&db).unwrap(), b"copie");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_its_owners_and_a_replaced_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("nouveau.csv");
        write(&new, "a").unwrap();
        assert_eq!(mode(&new), 0o600);
        let shared = dir.path().join("partage.csv");
        std::fs::write(&shared, "ancien").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
        // Another group, where this user may give one (root in CI): kept as well.
        use std::os::unix::fs::MetadataExt;
        let group = std::os::unix::fs::chown(&shared, None, Some(65534)).is_ok();
        write(&shared, "nouveau").unwrap();
        assert_eq!(mode(&shared), 0o644);
        if group {
            assert_eq!(std::fs::metadata(&shared).unwrap().gid(), 65534);
        }
        assert_eq!(std::fs::read(&shared).unwrap(), b"nouveau");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("vrai.txt");
        std::fs::write(&target, "ancien").unwrap();
        let link = dir.path().join("lien.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write(&link, "nouveau").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "nouveau");
        let dangling = dir.path().join("perdu.txt");
        std::os::unix::fs::symlink(dir.path().join("absent.txt"), &dangling).unwrap();
        let err = write(&dangling, "x").unwrap_err().to_string();
        assert!(
            err.contains("lien vers un fichier qui n'existe pas"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_and_left_alone() {
        let err = write(Path::new("/dev/full"), "x").unwrap_err().to_string();
        assert!(err.contains("n'est pas un fichier ordinaire"), "{err}");
        assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("tube");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let err = write(&fifo, "x").unwrap_err().to_string();
        assert!(err.contains("n'est pas un fichier ordinaire"), "{err}");
        assert!(!std::fs::symlink_metadata(&fifo).unwrap().is_file());
    }

    #[test]
    fn a_folder_or_a_missing_folder_is_refused_in_french() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(dir.path(), "x").unwrap_err().to_string();
        assert!(err.contains("est un dossier"), "{err}");
        let err = write(&dir.path().join("absent/f.txt"), "x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("n'existe pas"), "{err}");
    }
}
