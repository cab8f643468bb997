//! The desktop shell: a Tauri window over the core. Commands only translate between the page and
//! `forfaits_core`; every rule lives in the core.

pub mod commands;
mod desktop;
mod progress;
mod seams;
mod state;

use std::path::PathBuf;

pub use state::AppState;

/// Names of the commands the page may call; the build script's app manifest lists the same
/// ones (checked by a test).
pub const COMMANDS: &[&str] = &[
    "infos_application",
    "lire_parametres",
    "enregistrer_parametres",
    "etat_service",
    "lire_journal",
    "infos_sauvegardes",
    "sauvegarder",
    "restaurer",
    "dossiers",
    "ouvrir_dossier",
    "lister_comptes",
    "obtenir_compte",
    "valider_compte",
    "creer_compte",
    "modifier_compte",
    "changer_etat_compte",
    "remettre_duree_zero",
    "supprimer_compte",
    "lister_mouvements",
    "apercu_mouvement",
    "saisir_mouvement",
    "choisir_fichier",
    "choisir_destination",
    "analyser_import",
    "importer_utilisateurs",
    "enregistrer_rapport_erreurs",
    "exporter_utilisateurs",
    "historique_appels",
    "exporter_historique",
    "demandes_appel",
    "analyser_appels",
    "charger_appels",
    "lister_tarifs",
    "analyser_tarifs",
    "importer_tarifs",
    "imprimer_fiche",
    "apercu_horaires",
    "enregistrer_regles",
    "lister_numeros",
    "interdire_numero",
    "retirer_interdiction",
    "privilegier_numero",
    "retirer_privilege",
    "regles_compte",
    "suspendre_compte",
    "lever_suspension",
];

/// Registers every command of the shell on a builder (shared by the app and the tests).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::infos_application,
        commands::app::lire_parametres,
        commands::app::enregistrer_parametres,
        commands::app::etat_service,
        commands::app::lire_journal,
        commands::app::infos_sauvegardes,
        commands::app::sauvegarder,
        commands::app::restaurer,
        commands::app::dossiers,
        commands::app::ouvrir_dossier,
        commands::accounts::lister_comptes,
        commands::accounts::obtenir_compte,
        commands::accounts::valider_compte,
        commands::accounts::creer_compte,
        commands::accounts::modifier_compte,
        commands::accounts::changer_etat_compte,
        commands::accounts::remettre_duree_zero,
        commands::accounts::supprimer_compte,
        commands::balance::lister_mouvements,
        commands::balance::apercu_mouvement,
        commands::balance::saisir_mouvement,
        commands::files::choisir_fichier,
        commands::files::choisir_destination,
        commands::import::analyser_import,
        commands::import::importer_utilisateurs,
        commands::import::enregistrer_rapport_erreurs,
        commands::export::exporter_utilisateurs,
        commands::calls::historique_appels,
        commands::calls::exporter_historique,
        commands::calls::demandes_appel,
        commands::calls::analyser_appels,
        commands::calls::charger_appels,
        commands::calls::lister_tarifs,
        commands::calls::analyser_tarifs,
        commands::calls::importer_tarifs,
        commands::calls::imprimer_fiche,
        commands::rules::apercu_horaires,
        commands::rules::enregistrer_regles,
        commands::rules::lister_numeros,
        commands::rules::interdire_numero,
        commands::rules::retirer_interdiction,
        commands::rules::privilegier_numero,
        commands::rules::retirer_privilege,
        commands::rules::regles_compte,
        commands::rules::suspendre_compte,
        commands::rules::lever_suspension,
    ])
}

/// Opens the window on the database at `db` (the default one when `None`).
pub fn run(db: Option<PathBuf>) -> Result<(), String> {
    let state = AppState::open(db).map_err(|e| e.to_string())?;
    let db_path = state.db_path().to_path_buf();
    with_commands(
        tauri::Builder::default()
            // First: a second launch must stop here and hand over to the running window.
            .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
                desktop::focus_main(app)
            }))
            .plugin(tauri_plugin_window_state::Builder::default().build()),
    )
    .manage(state)
    .setup(move |app| {
        use tauri::Manager;
        if let Ok(dir) = app.path().app_log_dir() {
            if let Some(guard) = desktop::start_logging(&dir) {
                app.manage(LogGuard(guard));
            }
        }
        tracing::info!(
            "Forfaits {} ouvert sur {}",
            env!("CARGO_PKG_VERSION"),
            db_path.display()
        );
        desktop::remember_geometry(app.handle());
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
