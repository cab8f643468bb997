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

/// The window's import: its invalid lines skipped, the accounts already there updated when
/// `mise_a_jour`; nothing written when `dry_run` (the preview).
fn options(dry_run: bool, mise_a_jour: bool) -> ImportOptions {
    ImportOptions {
        dry_run,
        skip_invalid: true,
        update_existing: mise_a_jour,
    }
}

/// Reads the file behind `jeton`; a preview (`opts.dry_run`) also returns the token for importing
/// the same file.
async fn run<R: Runtime>(
    app: AppHandle<R>,
    state: &Call<'_>,
    jeton: String,
    opts: ImportOptions,
) -> Result<Analysed<ImportView>, Error> {
    let (chosen, stops) = (state.chosen.clone(), state.stops.clone());
    let (report, name, next) = state
        .with_own_base(move |s| {
            let path = chosen.take(&jeton, Use::Read)?;
            let mut p = Progress::new(app, "import", stops);
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
                true => chosen.issue(path, Use::Read)?.jeton,
                false => String::new(),
            };
            Ok((report, name, next))
        })
        .await?;
    let (view, all) = ImportView::new(report, &name);
    *state
        .last_import_errors
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = all;
    Ok(Analysed {
        rapport: view,
        jeton: next,
    })
}

window_commands! {
    /// Reads and checks the whole file, writes nothing; `jeton` in the answer imports the same
    /// file.
    analyser_import(app: AppHandle, state: Call, jeton: String, mise_a_jour: bool)
        -> Analysed<ImportView> {
        run(app, &state, jeton, options(true, mise_a_jour)).await
    }

    /// Imports the valid lines of the file (the preview showed which).
    importer_utilisateurs(app: AppHandle, state: Call, jeton: String, mise_a_jour: bool)
        -> ImportView {
        Ok(run(app, &state, jeton, options(false, mise_a_jour)).await?.rapport)
    }
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
