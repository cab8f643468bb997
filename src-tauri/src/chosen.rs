//! Files the person chose in a native dialog, or dropped on the window. Their paths stay here;
//! the page gets an opaque token (`jeton`) for each and hands it back to the one command that
//! reads or writes the file. A token serves once, and only the way it was chosen (a file picked
//! to be read is never written), so a page that ever ran foreign script could not name a file
//! the person did not choose.

use forfaits_core::{Error, Result};
use serde::Serialize;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What the person chose the file for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Picked in an open dialog, or dropped: to be read.
    Read,
    /// Named in a save dialog: to be written.
    Write,
}

/// Tokens not used yet; the oldest are forgotten beyond this many (a dialog answered and then
/// abandoned leaves one behind).
const KEPT: usize = 16;

/// The tokens given out and not used yet; clones share them (a command's worker takes one).
#[derive(Clone, Default)]
pub struct ChosenFiles {
    files: Arc<Mutex<VecDeque<(String, Use, PathBuf)>>>,
}

/// What the page gets for a chosen file: the token, and the path to show (never to send back).
#[derive(Serialize, Debug)]
pub struct Chosen {
    pub jeton: String,
    pub fichier: String,
}

impl ChosenFiles {
    /// Keeps `path` and returns the token that stands for it.
    pub fn issue(&self, path: PathBuf, usage: Use) -> Result<Chosen> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| {
            Error::file("Le système n'a pas fourni de nombre aléatoire : choisissez à nouveau.")
                .because(e)
        })?;
        let jeton: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let fichier = path.display().to_string();
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        if files.len() == KEPT {
            files.pop_front();
        }
        files.push_back((jeton.clone(), usage, path));
        Ok(Chosen { jeton, fichier })
    }

    /// The file behind `jeton`, which is spent: a second use, a token of another use, or
    /// anything else (a path) is refused.
    pub fn take(&self, jeton: &str, usage: Use) -> Result<PathBuf> {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let found = files.iter().position(|(j, _, _)| j == jeton);
        match found.and_then(|i| files.remove(i)) {
            Some((_, u, path)) if u == usage => Ok(path),
            _ => Err(Error::Rejected(
                "Ce fichier n'a pas été choisi dans la fenêtre pour cette opération, ou il a déjà \
                 servi : choisissez-le à nouveau."
                    .into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_serves_once_and_only_for_its_use() {
        let files = ChosenFiles::default();
        let c = files.issue(PathBuf::from("/tmp/a.csv"), Use::Read).unwrap();
        assert_eq!(c.jeton.len(), 32);
        assert_eq!(c.fichier, "/tmp/a.csv");
        assert!(files.take("/tmp/a.csv", Use::Read).is_err());
        assert_eq!(
            files.take(&c.jeton, Use::Read).unwrap(),
            PathBuf::from("/tmp/a.csv")
        );
        assert!(files.take(&c.jeton, Use::Read).is_err());
        let w = files.issue(PathBuf::from("/tmp/b.csv"), Use::Read).unwrap();
        assert!(files.take(&w.jeton, Use::Write).is_err());
        assert!(
            files.take(&w.jeton, Use::Read).is_err(),
            "spent by the refusal"
        );
        let first = files.issue(PathBuf::from("/tmp/0"), Use::Read).unwrap();
        for i in 0..KEPT {
            files
                .issue(PathBuf::from(format!("/tmp/{i}")), Use::Read)
                .unwrap();
        }
        assert!(files.take(&first.jeton, Use::Read).is_err(), "forgotten");
    }
}
