//! Files written whole or not at all: the content goes to a temporary file in the destination's
//! folder (so the final rename stays on one file system) and is renamed over the destination
//! only when complete. A crash or an error leaves the old file, never half a new one.

use crate::error::{Error, Result};
use std::path::Path;
use tempfile::NamedTempFile;

/// A temporary file beside `path`, named `{prefix}…`, after checking that `path` can be a file
/// there (French messages for a folder given as the file, or a missing folder).
pub(crate) fn temp_beside(path: &Path, prefix: &str) -> Result<NamedTempFile> {
    if path.is_dir() {
        return Err(Error::Io(format!(
            "{} est un dossier : indiquez un nom de fichier.",
            path.display()
        )));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Error::Io(format!(
            "Le dossier {} n'existe pas.",
            dir.display()
        )));
    }
    tempfile::Builder::new()
        .prefix(prefix)
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, &e))
}
