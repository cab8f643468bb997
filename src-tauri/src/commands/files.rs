//! Native dialogs and dropped files. The path the person chose stays on this side: the page gets
//! a token (`jeton`) and the path to show, and hands the token to the command that uses the file
//! (see `chosen.rs`).

use crate::chosen::{Chosen, Use};
use crate::seams::{pick_file, DialogKind};
use crate::{AppState, Call};
use forfaits_core::Error;
use serde::Serialize;
use std::path::PathBuf;
use tauri::{Emitter, Manager, Runtime, WebviewWindow};

fn filter(kind: &str) -> (String, Vec<String>) {
    match kind {
        "pdf" => ("Document PDF".into(), vec!["pdf".into()]),
        "sqlite" => (
            "Sauvegarde Forfaits".into(),
            vec!["sqlite3".into(), "sqlite".into(), "db".into()],
        ),
        "xlsx" => ("Classeur Excel".into(), vec!["xlsx".into()]),
        // Ajouter plusieurs utilisateurs: CSV, or the first sheet of a workbook.
        "utilisateurs" => (
            "Fichier CSV ou classeur (Excel, LibreOffice)".into(),
            ["csv", "txt", "xlsx", "ods"].map(String::from).to_vec(),
        ),
        _ => ("Fichier CSV".into(), vec!["csv".into(), "txt".into()]),
    }
}

window_commands! {
    /// A file to read (`None`: cancelled).
    choisir_fichier(window: WebviewWindow, state: Call, titre: String, type_fichier: String)
        -> Option<Chosen> {
        choose(window, &state, DialogKind::Open, titre, &type_fichier).await
    }

    /// A file to write, proposing `nom` (`None`: cancelled).
    choisir_destination(
        window: WebviewWindow,
        state: Call,
        titre: String,
        nom: String,
        type_fichier: String
    ) -> Option<Chosen> {
        choose(window, &state, DialogKind::Save { file_name: nom }, titre, &type_fichier).await
    }
}

/// Asks for a file in the native dialog `kind` and keeps it behind a token: to be read when an
/// open dialog chose it, to be written when a save dialog named it.
async fn choose<R: Runtime>(
    window: WebviewWindow<R>,
    state: &Call<'_>,
    kind: DialogKind,
    titre: String,
    type_fichier: &str,
) -> Result<Option<Chosen>, Error> {
    let usage = match kind {
        DialogKind::Open => Use::Read,
        DialogKind::Save { .. } => Use::Write,
    };
    let (label, extensions) = filter(type_fichier);
    let path = pick_file(window, kind, titre, (label, extensions.clone())).await;
    let chosen = state.chosen.clone();
    state
        .run_blocking(move || {
            let path = path.map(|p| match usage {
                Use::Read => p,
                Use::Write => typed_extension(p, &extensions),
            });
            path.map(|p| chosen.issue(p, usage)).transpose()
        })
        .await
}

/// A name typed without an extension gets the kind's (`liste` → `liste.xlsx`), as desktop
/// programs do, so the file opens with the right program. Not when that name is already taken:
/// the dialog asked before overwriting the name typed, not that one, so the name stays as typed.
fn typed_extension(path: PathBuf, extensions: &[String]) -> PathBuf {
    match extensions.first() {
        Some(ext) if path.extension().is_none() => {
            let with = path.with_extension(ext);
            if with.exists() {
                path
            } else {
                with
            }
        }
        _ => path,
    }
}

/// Event that hands the page a dropped file (`Chosen`).
pub const DROPPED: &str = "fichier-depose";

/// A file dropped on the window: kept like a file picked to be read, and announced to the page
/// by its token (Tauri's own drop event still tells the page where the pointer is).
pub fn dropped<R: Runtime>(window: &tauri::Window<R>, paths: &[PathBuf]) {
    let Some(path) = paths.iter().find(|p| p.is_file()) else {
        return;
    };
    match window
        .state::<AppState>()
        .chosen
        .issue(path.clone(), Use::Read)
    {
        Ok(chosen) => {
            if let Err(e) = window.emit(DROPPED, &chosen) {
                tracing::warn!("fichier déposé non transmis à la page : {e}");
            }
        }
        Err(e) => tracing::warn!("fichier déposé refusé : {e} ({})", e.causes()),
    }
}

/// An analysis of a chosen file, and the token for the command that acts on the same file once
/// the person confirmed (the first token was spent by the analysis).
#[derive(Serialize)]
pub struct Analysed<T: Serialize> {
    #[serde(flatten)]
    pub rapport: T,
    pub jeton: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_extension_gets_the_kinds_unless_that_file_exists() {
        let dir = tempfile::tempdir().unwrap();
        let xlsx = vec!["xlsx".to_string()];
        let typed = dir.path().join("liste");
        assert_eq!(
            typed_extension(typed.clone(), &xlsx),
            dir.path().join("liste.xlsx")
        );
        let named = dir.path().join("liste.csv");
        assert_eq!(typed_extension(named.clone(), &xlsx), named);
        std::fs::write(dir.path().join("liste.xlsx"), b"x").unwrap();
        assert_eq!(typed_extension(typed.clone(), &xlsx), typed);
        assert_eq!(typed_extension(typed.clone(), &[]), typed);
    }
}
