//! The status line, the About box, Paramètres and the Journal.

use super::view::{SettingsFormView, SettingsView};
use crate::chosen::Use;
use crate::Call;
use forfaits_core::store::audit::{AuditEntry, AuditFilter};
use forfaits_core::store::folders;
use forfaits_core::store::settings::{parse_agi_address, SettingsForm};
use forfaits_core::Error;
use serde::Serialize;

#[derive(Serialize)]
pub struct Infos {
    pub version: &'static str,
    pub base: String,
    pub base_nom: String,
    pub devise: String,
    pub decimales: u8,
    pub indicatif: String,
    pub schema: i64,
    pub operateur: String,
}

/// What the status line and the About box show.
#[tauri::command]
pub async fn infos_application(state: Call<'_>) -> Result<Infos, Error> {
    let base = state.db_path().display().to_string();
    let base_nom = state
        .db_path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state
        .with_store(move |s| {
            let st = s.settings()?;
            Ok(Infos {
                version: env!("CARGO_PKG_VERSION"),
                base,
                base_nom,
                devise: st.currency.code,
                decimales: st.currency.decimals,
                indicatif: st.country_code.as_str().to_string(),
                schema: s.file_schema_version()?,
                operateur: s.operator().to_string(),
            })
        })
        .await
}

#[tauri::command]
pub async fn lire_parametres(state: Call<'_>) -> Result<SettingsView, Error> {
    state.with_store(|s| Ok(s.settings()?.into())).await
}

#[tauri::command]
pub async fn enregistrer_parametres(
    state: Call<'_>,
    formulaire: SettingsFormView,
) -> Result<SettingsView, Error> {
    let form = SettingsForm::from(formulaire);
    state
        .with_store(move |s| Ok(s.save_settings_form(&form)?.into()))
        .await
}

/// How long Paramètres waits for the call-control service's answer.
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

#[derive(Serialize)]
pub struct ServiceStatus {
    pub adresse: String,
    pub en_marche: bool,
    /// « Service en marche (Forfaits 0.1.0) », « Aucun service ne répond sur 127.0.0.1:4573 ».
    pub message: String,
}

/// Whether a call-control service answers at `adresse` as typed (checked like the setting), or
/// at the saved address when none is given.
#[tauri::command]
pub async fn etat_service(
    state: Call<'_>,
    adresse: Option<String>,
) -> Result<ServiceStatus, Error> {
    let adresse = state
        .with_store(move |s| match adresse {
            Some(a) => Ok(parse_agi_address(&a).map_err(Error::field)?.to_string()),
            None => Ok(s.settings()?.agi_address),
        })
        .await?;
    let (en_marche, message) = match forfaits_agi::probe(&adresse, PROBE_TIMEOUT).await {
        Ok(version) => (true, format!("Service en marche ({version})")),
        Err(why) => (false, why),
    };
    Ok(ServiceStatus {
        adresse,
        en_marche,
        message,
    })
}

#[tauri::command]
pub async fn lire_journal(state: Call<'_>, filtre: AuditFilter) -> Result<Vec<AuditEntry>, Error> {
    state.with_store(move |s| s.audit_entries(&filtre)).await
}

#[derive(Serialize)]
pub struct Backups {
    pub dossier: String,
    pub retention_jours: u32,
}

#[tauri::command]
pub async fn infos_sauvegardes(state: Call<'_>) -> Result<Backups, Error> {
    state
        .with_store(|s| {
            Ok(Backups {
                dossier: s.backup_dir().display().to_string(),
                retention_jours: s.settings()?.backup_retention_days,
            })
        })
        .await
}

/// A backup now, to the file chosen in the save dialog (`jeton`).
#[tauri::command]
pub async fn sauvegarder(state: Call<'_>, jeton: String) -> Result<u64, Error> {
    let chosen = state.chosen.clone();
    state
        .with_own_store(move |s| s.backup_to(&chosen.take(&jeton, Use::Write)?))
        .await
}

/// Replaces the database content by a checked backup (`jeton`, chosen in the open dialog); the
/// previous content is kept aside.
#[tauri::command]
pub async fn restaurer(
    state: Call<'_>,
    jeton: String,
) -> Result<forfaits_core::store::backup::Restored, Error> {
    let chosen = state.chosen.clone();
    state
        .with_store(move |s| s.restore_from(&chosen.take(&jeton, Use::Read)?))
        .await
}

#[derive(Serialize)]
pub struct Folders {
    pub donnees: String,
    pub journaux: String,
    pub sauvegardes: String,
}

fn folders<R: tauri::Runtime>(app: &tauri::AppHandle<R>, state: &crate::AppState) -> Folders {
    use tauri::Manager;
    let data = state
        .db_path()
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    Folders {
        donnees: data.display().to_string(),
        journaux: app
            .path()
            .app_log_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        sauvegardes: folders::beside(state.db_path(), folders::BACKUPS)
            .display()
            .to_string(),
    }
}

/// Where the database, the logs and the backups are (shown in Paramètres).
#[tauri::command]
pub async fn dossiers<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: Call<'_>,
) -> Result<Folders, Error> {
    Ok(folders(&app, &state))
}

/// Opens one of those folders in the file manager; the page names it, never gives a path.
#[tauri::command]
pub async fn ouvrir_dossier<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: Call<'_>,
    quel: String,
) -> Result<String, Error> {
    let f = folders(&app, &state);
    let sheets = folders::beside(state.db_path(), folders::SHEETS)
        .display()
        .to_string();
    state
        .run_blocking(move || {
            let dir = match quel.as_str() {
                "donnees" => f.donnees,
                "journaux" => f.journaux,
                "sauvegardes" => f.sauvegardes,
                "fiches" => sheets,
                _ => return Err(Error::Rejected(format!("Dossier inconnu : {quel}."))),
            };
            let path = std::path::PathBuf::from(&dir);
            std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
            crate::seams::open_with_system(&path).map_err(|e| {
                Error::file(format!(
                    "Impossible d'ouvrir le dossier {dir} : aucun gestionnaire de fichiers n'a \
                     répondu. Ouvrez-le à la main depuis votre explorateur de fichiers."
                ))
                .because(e)
            })?;
            Ok(dir)
        })
        .await
}
