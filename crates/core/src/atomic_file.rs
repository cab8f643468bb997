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
    /// `{prefix}…`.
    pub(crate) fn new(path: &Path, prefix: &str) -> Result<WholeFile> {
        let dest = destination(path)?;
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
