//! The desktop shell: a Tauri window over the core. Commands only translate between the page and
//! `forfaits_core`; every rule lives in the core.

pub(crate) mod chosen;
pub mod commands;
mod desktop;
mod progress;
mod seams;
pub mod signin;
mod state;

use std::path::PathBuf;

pub use desktop::log_to;
pub use state::{AppState, Call, Place};

/// Reads `src-tauri/commands.list`: the names of the commands the page may call (`COMMANDS`),
/// the ones it does not call with the reason (`UNUSED_BY_PAGE`), and [`with_commands`], which
/// registers their handlers. The build script reads the same list for the app manifest.
macro_rules! commands {
    ($($(#[unused = $why:literal])? $module:ident::$name:ident),* $(,)?) => {
        /// Names of the commands the page may call, as the app manifest lists them.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Commands of the list that `ui/js/api.js` does not call, each with its reason.
        pub const UNUSED_BY_PAGE: &[(&str, &str)] = &[$($((stringify!($name), $why),)?)*];

        /// Registers every command of the shell on a builder (shared by the app and the tests).
        pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
            builder.invoke_handler(tauri::generate_handler![$(commands::$module::$name),*])
        }
    };
}

include!("../commands.list");

/// Opens the window on the database at `db` (`FORFAITS_DB`, else the default one, when `None`);
/// on a site, the window asks who signs in first.
pub fn run(db: Option<PathBuf>) -> Result<(), String> {
    let state = AppState::open(db).map_err(|e| e.to_string())?;
    let place = state.place().clone();
    with_commands(
        tauri::Builder::default()
            // First: a second launch must stop here and hand over to the running window.
            .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
                desktop::focus_main(app)
            }))
            .plugin(tauri_plugin_window_state::Builder::default().build()),
    )
    .manage(state)
    // A dropped file is kept here like a chosen one; the page gets its token.
    .on_window_event(|window, event| {
        if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
            commands::files::dropped(window, paths);
        }
    })
    .setup(move |app| {
        use tauri::Manager;
        if let Ok(dir) = app.path().app_log_dir() {
            if let Some(guard) = desktop::start_logging(&dir) {
                app.manage(LogGuard(guard));
            }
        }
        desktop::remember_geometry(app.handle());
        let db_path = match place {
            Place::Local(path) => path,
            Place::Site(url) => {
                let shown = signin::parse_url(&url).fields;
                tracing::info!(
                    "Forfaits {} ouvert sur la base de site {}/{}",
                    env!("CARGO_PKG_VERSION"),
                    shown.serveur,
                    shown.base
                );
                // A site's backups are the server's (pg_dump), not the desk's.
                return Ok(());
            }
        };
        tracing::info!(
            "Forfaits {} ouvert sur {}",
            env!("CARGO_PKG_VERSION"),
            db_path.display()
        );
        // The day's automatic backup, away from the window's start-up.
        std::thread::spawn(move || match forfaits_core::Store::open(&db_path) {
            Ok(store) => match store.auto_backup(chrono::Local::now().date_naive()) {
                Ok(Some(p)) => tracing::info!("sauvegarde automatique : {}", p.display()),
                Ok(None) => {}
                Err(e) => tracing::error!("sauvegarde automatique impossible : {e}"),
            },
            Err(e) => tracing::error!("sauvegarde automatique impossible : {e}"),
        });
        Ok(())
    })
    .run(tauri::generate_context!())
    .map_err(|e| format!("La fenêtre n'a pas pu s'ouvrir : {e}"))
}

/// Keeps the log writer alive as long as the application.
struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);
