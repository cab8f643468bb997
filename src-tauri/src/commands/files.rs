//! Native dialogs: the page asks for a path, then hands it to the command that uses it.

use crate::seams::{pick_file, DialogKind};
use tauri::{Runtime, WebviewWindow};

fn filter(kind: &str) -> (String, Vec<String>) {
    match kind {
        "pdf" => ("Document PDF".into(), vec!["pdf".into()]),
        "sqlite" => (
            "Sauvegarde Forfaits".into(),
            vec!["sqlite3".into(), "sqlite".into(), "db".into()],
        ),
        _ => ("Fichier CSV".into(), vec!["csv".into(), "txt".into()]),
    }
}

/// Path of a file to read (`None`: cancelled).
#[tauri::command]
pub async fn choisir_fichier<R: Runtime>(
    window: WebviewWindow<R>,
    titre: String,
    type_fichier: String,
) -> Result<Option<String>, ()> {
    Ok(
        pick_file(window, DialogKind::Open, titre, filter(&type_fichier))
            .await
            .map(|p| p.display().to_string()),
    )
}

/// Path of a file to write, proposing `nom` (`None`: cancelled).
#[tauri::command]
pub async fn choisir_destination<R: Runtime>(
    window: WebviewWindow<R>,
    titre: String,
    nom: String,
    type_fichier: String,
) -> Result<Option<String>, ()> {
    Ok(pick_file(
        window,
        DialogKind::Save { file_name: nom },
        titre,
        filter(&type_fichier),
    )
    .await
    .map(|p| p.display().to_string()))
}
