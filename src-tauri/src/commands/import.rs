//! Ajouter plusieurs utilisateurs: preview (a dry run) then import of the valid lines, with
//! progress events; the error report saved as CSV.

use super::files::Analysed;
use crate::chosen::Use;
use crate::progress::Progress;
use crate::Call;
use forfaits_core::import::line::LineError;
use forfaits_core::import::{write_error_report, ImportOptions, ImportReport};
use forfaits_core::Error;
use serde::Serialize;
use tauri::{AppHandle, Runtime};

/// Errors listed in the window; the report file holds them all.
const SHOWN_ERRORS: usize = 500;

/// The core's report as the page gets it: the first [`SHOWN_ERRORS`] errors and the file's name.
#[derive(Serialize)]
pub struct ImportView {
    #[serde(flatten)]
    pub rapport: ImportReport,
    pub fichier: String,
}

impl ImportView {
    fn new(mut r: ImportReport, file: &str) -> (ImportView, Vec<LineError>) {
        let all = std::mem::take(&mut r.erreurs);
        r.erreurs = all.iter().take(SHOWN_ERRORS).cloned().collect();
        let view = ImportView {
            rapport: r,
            fichier: file.to_string(),
        };
        (view, all)
    }
}

/// Reads the file behind `jeton` (a preview when `opts.dry_run`, which also returns the token
/// for importing the same file).
async fn run<R: Runtime>(
    app: AppHandle<R>,
    state: &Call<'_>,
    jeton: String,
    opts: ImportOptions,
) -> Result<(ImportView, Option<String>), Error> {
    let chosen = state.chosen.clone();
    let (report, name, next) = state
        .with_own_base(move |s| {
            let path = chosen.take(&jeton, Use::Read)?;
            let mut p = Progress::new(app, "import");
            let report = s.import_users(
                &path,
                opts,
                &mut |pr| p.report(pr.octets, pr.octets_total, pr.lignes),
                &mut |_| {},
            )?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let next = match opts.dry_run {
                true => Some(chosen.issue(path, Use::Read)?.jeton),
                false => None,
            };
            Ok((report, name, next))
        })
        .await?;
    let (view, all) = ImportView::new(report, &name);
    *state
        .last_import_errors
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = all;
    Ok((view, next))
}

/// Reads and checks the whole file, writes nothing; `jeton` in the answer imports the same file.
#[tauri::command]
pub async fn analyser_import<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    jeton: String,
    mise_a_jour: bool,
) -> Result<Analysed<ImportView>, Error> {
    let opts = ImportOptions {
        dry_run: true,
        skip_invalid: true,
        update_existing: mise_a_jour,
    };
    let (rapport, next) = run(app, &state, jeton, opts).await?;
    Ok(Analysed {
        rapport,
        jeton: next.unwrap_or_default(),
    })
}

/// Imports the valid lines of the file (the preview showed which).
#[tauri::command]
pub async fn importer_utilisateurs<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    jeton: String,
    mise_a_jour: bool,
) -> Result<ImportView, Error> {
    let opts = ImportOptions {
        dry_run: false,
        skip_invalid: true,
        update_existing: mise_a_jour,
    };
    Ok(run(app, &state, jeton, opts).await?.0)
}

/// Writes the errors of the last preview or import as CSV, to the file chosen in the save
/// dialog (`jeton`).
#[tauri::command]
pub async fn enregistrer_rapport_erreurs(state: Call<'_>, jeton: String) -> Result<u64, Error> {
    let errors = state
        .last_import_errors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let n = errors.len() as u64;
    let chosen = state.chosen.clone();
    state
        .run_blocking(move || write_error_report(&errors, &chosen.take(&jeton, Use::Write)?))
        .await?;
    Ok(n)
}
