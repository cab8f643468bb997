//! Taxation in the window: call history of an account, loading call records, tariffs, sheet.

use super::files::Analysed;
use crate::chosen::{ChosenFiles, Use};
use crate::progress::Progress;
use crate::seams::{open_with_system, print_window};
use crate::Call;
use forfaits_core::calls::history::{CallView, Period};
use forfaits_core::calls::{CallsOptions, CallsReport, MatchBy};
use forfaits_core::control::{Attempt, AttemptCounts};
use forfaits_core::dates::PeriodText;
use forfaits_core::page::Page;
use forfaits_core::rating::Tariff;
use forfaits_core::sheet::{content, SheetContent};
use forfaits_core::store::{default_db_path, folders, now};
use forfaits_core::tariff_diff::{preview_tariffs, TariffsPreview};
use forfaits_core::tariffs::TariffsReport;
use forfaits_core::{Base, Error};
use serde::Serialize;
use tauri::{AppHandle, Runtime, WebviewWindow};

#[derive(Serialize)]
pub struct History {
    pub total: u64,
    pub appels: Vec<CallView>,
}

/// The period as typed: a day that does not exist or an inverted period comes back as errors
/// of the fields `depuis` / `jusqua`.
fn period(p: &PeriodText) -> Result<Period, Error> {
    let (depuis, jusqua) = p.bounds()?;
    Ok(Period { depuis, jusqua })
}

impl From<(u64, Vec<CallView>)> for History {
    fn from((total, appels): (u64, Vec<CallView>)) -> History {
        History { total, appels }
    }
}

#[derive(Serialize)]
pub struct Attempts {
    pub total: u64,
    pub refusees: u64,
    pub en_cours: u64,
    pub demandes: Vec<Attempt>,
}

impl From<(AttemptCounts, Vec<Attempt>)> for Attempts {
    fn from((n, demandes): (AttemptCounts, Vec<Attempt>)) -> Attempts {
        Attempts {
            total: n.total,
            refusees: n.refused,
            en_cours: n.open,
            demandes,
        }
    }
}

window_commands! {
    /// A page of the period's calls, newest first, below the call `apres` (the last shown).
    historique_appels(id: i64, periode: PeriodText, limite: u32, apres: Option<i64>) -> History {
        with_base(|s| Ok(s.calls(id, period(&periode)?, Page { limit: limite, after: apres })?.into()))
    }

    /// The call attempts of the same period (« Demandes d'appel »): what the telephony server
    /// asked and what Forfaits answered, newest first.
    demandes_appel(id: i64, periode: PeriodText, limite: u32, apres: Option<i64>) -> Attempts {
        with_base(|s| Ok(s.attempts_in(id, period(&periode)?, Page { limit: limite, after: apres }, now())?.into()))
    }

    /// Writes the period's calls to the file chosen in the save dialog (`jeton`).
    exporter_historique(id: i64, periode: PeriodText, jeton: String) -> u64 {
        with_own_base(|s, chosen| {
            s.export_calls_to_file(id, period(&periode)?, &chosen.take(&jeton, Use::Write)?)
        })
    }
}

/// Rates the call records behind `jeton`; a preview (`dry_run`) also returns the token for
/// loading the same file.
async fn calls<R: Runtime>(
    app: AppHandle<R>,
    state: &Call<'_>,
    jeton: String,
    colonne: MatchBy,
    dry_run: bool,
) -> Result<Analysed<CallsReport>, Error> {
    let (chosen, stops) = (state.chosen.clone(), state.stops.clone());
    state
        .with_own_base(move |s| {
            let path = chosen.take(&jeton, Use::Read)?;
            let mut p = Progress::new(app, "appels", stops);
            let mut r = s.load_calls(
                &path,
                CallsOptions {
                    match_by: colonne,
                    dry_run,
                },
                &mut |pr| p.report(pr.octets, pr.octets_total, pr.lignes),
            )?;
            r.keep_listed();
            let jeton = match dry_run {
                true => chosen.issue(path, Use::Read)?.jeton,
                false => String::new(),
            };
            Ok(Analysed { rapport: r, jeton })
        })
        .await
}

/// What the tariffs file behind `jeton` would change, and the token for importing it.
fn tariffs_preview(
    s: &mut Base,
    chosen: &ChosenFiles,
    jeton: &str,
) -> Result<Analysed<TariffsPreview>, Error> {
    let path = chosen.take(jeton, Use::Read)?;
    let rapport = preview_tariffs(s, &path)?;
    let jeton = chosen.issue(path, Use::Read)?.jeton;
    Ok(Analysed { rapport, jeton })
}

window_commands! {
    /// Rates the file without writing (the preview); `jeton` in the answer loads the same file.
    analyser_appels(app: AppHandle, state: Call, jeton: String, colonne: MatchBy)
        -> Analysed<CallsReport> {
        calls(app, &state, jeton, colonne, true).await
    }

    charger_appels(app: AppHandle, state: Call, jeton: String, colonne: MatchBy) -> CallsReport {
        Ok(calls(app, &state, jeton, colonne, false).await?.rapport)
    }

    lister_tarifs() -> Vec<Tariff> { with_base(|s| s.tariffs()) }

    /// Checks a tariffs file and tells what it would change, without writing: the page shows it
    /// and asks before calling `importer_tarifs` with the `jeton` of the answer.
    analyser_tarifs(jeton: String) -> Analysed<TariffsPreview> {
        with_own_base(|s, chosen| tariffs_preview(s, &chosen, &jeton))
    }

    importer_tarifs(jeton: String) -> TariffsReport {
        with_own_base(|s, chosen| s.import_tariffs(&chosen.take(&jeton, Use::Read)?, false))
    }

    /// What the account sheet says (*Imprimer*): the page lays it out for the print dialog. The
    /// PDF of [`enregistrer_fiche_pdf`] is drawn from the same content, so both say the same.
    fiche_compte(id: i64) -> SheetContent { with_base(|s| Ok(content(&s.sheet(id)?.data()))) }
}

/// Opens the system's print dialog on the window, which prints only the sheet the page just
/// laid out (its print stylesheet hides the rest). The dialog belongs to the webview: GTK's on
/// Linux, WebView2's on Windows, the print panel on macOS.
#[tauri::command]
pub async fn imprimer_fenetre<R: Runtime>(window: WebviewWindow<R>) -> Result<(), Error> {
    print_window(&window).map_err(|e| {
        tracing::error!("imprimer_fenetre : {e}");
        Error::file(format!(
            "La fenêtre d'impression n'a pas pu s'ouvrir ({e}). Utilisez « Enregistrer en PDF » puis imprimez le fichier."
        ))
    })
}

#[derive(Serialize)]
pub struct SavedSheet {
    pub chemin: String,
    /// False when no PDF viewer could open it: the page says where it is.
    pub ouverte: bool,
    /// Characters of the name the PDF's font lacks, said (they are printed as `?`).
    pub attention: Option<String>,
}

/// *Enregistrer en PDF*: writes the account sheet beside the database (folder `fiches`) and
/// opens it in the system's PDF viewer. A machine without a viewer still gets its sheet: the
/// launcher's failure goes to the log, the page says where the file is.
#[tauri::command]
pub async fn enregistrer_fiche_pdf(state: Call<'_>, id: i64) -> Result<SavedSheet, Error> {
    let (path, attention) = state
        .with_base(move |b| {
            // A site's sheets go beside the desk's own default database.
            let dir = match b {
                Base::Local(s) => s.sheets_dir(),
                Base::Site(_) => folders::beside(&default_db_path(), folders::SHEETS),
            };
            let sheet = b.sheet(id)?;
            Ok((sheet.write_in(&dir)?, sheet.data().unprintable_warning()))
        })
        .await?;
    let ouverte = match open_with_system(&path) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("lecteur de PDF introuvable pour {} : {e}", path.display());
            false
        }
    };
    Ok(SavedSheet {
        chemin: path.display().to_string(),
        ouverte,
        attention,
    })
}
