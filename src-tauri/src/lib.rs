//! The desktop shell: a Tauri window over the core. Commands only translate between the page and
//! `forfaits_core`; every rule lives in the core.

pub mod commands;
mod state;

use std::path::PathBuf;

pub use state::AppState;

/// Names of the commands the page may call; the build script's app manifest lists the same
/// ones (checked by a test).
pub const COMMANDS: &[&str] = &["infos_application", "lister_comptes"];

/// Registers every command of the shell on a builder (shared by the app and the tests).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::infos_application,
        commands::accounts::lister_comptes,
    ])
}

/// Opens the window on the database at `db` (the default one when `None`).
pub fn run(db: Option<PathBuf>) -> Result<(), String> {
    let state = AppState::open(db).map_err(|e| e.to_string())?;
    with_commands(tauri::Builder::default())
        .manage(state)
        .run(tauri::generate_context!())
        .map_err(|e| format!("La fenêtre n'a pas pu s'ouvrir : {e}"))
}
