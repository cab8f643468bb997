//! Ajouter plusieurs utilisateurs: preview (a dry run) then import of the valid lines, with
//! progress events; the error report saved as CSV.

use crate::progress::Progress;
use crate::Call;
use forfaits_core::import::line::LineError;
use forfaits_core::import::{import_users, write_error_report, ImportOptions, ImportReport};
use forfaits_core::Error;
use serde::Serialize;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime};

/// Errors listed in the window; the report file holds them all.
const SHOWN_ERRORS: usize = 500;

#[derive(Serialize)]
pub struct ImportView {
    pub lignes_lues: u64,
    pub valides: u64,
    pub rejetees: u64,
    pub crees: u64,
    pub mis_a_jour: u64,
    pub ecrit: bool,
    pub erreurs: Vec<LineError>,
    pub erreurs_total: u64,
    pub encodage: &'static str,
    pub separateur: String,
    pub fichier: String,
}

impl ImportView {
    fn new(mut r: ImportReport, file: &str) -> (ImportView, Vec<LineError>) {
        let all = std::mem::take(&mut r.erreurs);
        let view = ImportView {
            lignes_lues: r.lignes_lues,
            valides: r.valides,
            rejetees: r.rejetees,
            crees: r.crees,
            mis_a_jour: r.mis_a_jour,
            ecrit: r.ecrit,
            erreurs: all.iter().take(SHOWN_ERRORS).cloned().collect(),
            erreurs_total: r.erreurs_total,
            encodage: r.encodage,
            separateur: r.separateur,
            fichier: file.to_string(),
        };
        (view, all)
    }
}

async fn run<R: Runtime>(
    app: AppHandle<R>,
    state: &Call<'_>,
    chemin: String,
    opts: ImportOptions,
) -> Result<ImportView, Error> {
    let path = PathBuf::from(&chemin);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report = state
        .with_own_store(move |s| {
            let mut p = Progress::new(app, "import");
            import_users(
                s,
                &path,
                opts,
                &mut |pr| p.report(pr.octets, pr.octets_total, pr.lignes),
                &mut |_| {},
            )
        })
        .await?;
    let (view, all) = ImportView::new(report, &name);
    *state
        .last_import_errors
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = all;
    Ok(view)
}

/// Reads and checks the whole file, writes nothing.
#[tauri::command]
pub async fn analyser_import<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    chemin: String,
    mise_a_jour: bool,
) -> Result<ImportView, Error> {
    let opts = ImportOptions {
        dry_run: true,
        skip_invalid: true,
        update_existing: mise_a_jour,
    };
    run(app, &state, chemin, opts).await
}

/// Imports the valid lines of the file (the preview showed which).
#[tauri::command]
pub async fn importer_utilisateurs<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    chemin: String,
    mise_a_jour: bool,
) -> Result<ImportView, Error> {
    let opts = ImportOptions {
        dry_run: false,
        skip_invalid: true,
        update_existing: mise_a_jour,
    };
    run(app, &state, chemin, opts).await
}

/// Writes the errors of the last preview or import as CSV.
#[tauri::command]
pub async fn enregistrer_rapport_erreurs(state: Call<'_>, chemin: String) -> Result<u64, Error> {
    let errors = state
        .last_import_errors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let n = errors.len() as u64;
    state
        .run_blocking(move || write_error_report(&errors, &PathBuf::from(chemin)))
        .await?;
    Ok(n)
}
