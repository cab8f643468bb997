//! Folders kept beside the database file, named once for every front: the window shows and
//! opens them, the store writes backups there, the window and the command line write sheets.

use std::path::{Path, PathBuf};

/// The automatic (daily) backups.
pub const BACKUPS: &str = "sauvegardes";
/// The account sheets the window saves as PDF.
pub const SHEETS: &str = "fiches";

/// `folder` beside the database at `db` (the working folder for a bare file name).
pub fn beside(db: &Path, folder: &str) -> PathBuf {
    db.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(folder)
}

impl super::Store {
    /// Folder of the automatic backups: `sauvegardes` beside the database.
    pub fn backup_dir(&self) -> PathBuf {
        beside(self.path(), BACKUPS)
    }

    /// Folder of the saved account sheets: `fiches` beside the database.
    pub fn sheets_dir(&self) -> PathBuf {
        beside(self.path(), SHEETS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_file_name_keeps_its_folders_in_the_working_folder() {
        assert_eq!(
            beside(Path::new("f.sqlite3"), BACKUPS),
            Path::new("./sauvegardes")
        );
        assert_eq!(
            beside(Path::new("/d/f.sqlite3"), SHEETS),
            Path::new("/d/fiches")
        );
    }
}
