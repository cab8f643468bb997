//! The status line, the About box, Paramètres and the Journal.

use super::session::Rights;
use super::view::{SettingsFormView, SettingsView};
use crate::chosen::Use;
use crate::state::Session;
use crate::Call;
use forfaits_core::site::SiteStore;
use forfaits_core::store::audit::{AuditEntry, AuditFilter};
use forfaits_core::store::backup::Restored;
use forfaits_core::store::settings::{parse_agi_address, SettingsForm};
use forfaits_core::store::{default_db_path, folders};
use forfaits_core::Error;
use forfaits_core::{Base, Store};
use serde::Serialize;

#[derive(Serialize)]
pub struct Infos {
    pub version: &'static str,
    /// The SQLite file's path, or the site's `user@host:port/base`.
    pub base: String,
    /// What the status line shows: the file's name, or « caisse1 · caisse · postgres://… ».
    pub base_nom: String,
    pub devise: String,
    pub decimales: u8,
    pub indicatif: String,
    pub schema: i64,
    pub operateur: String,
    /// The signed-in user of a site (`None` on the SQLite file).
    pub site: Option<Session>,
    /// What the page offers.
    pub droits: Rights,
}

/// « caisse1 · caisse · postgres://serveur:5432/forfaits ».
fn site_status(s: &SiteStore) -> String {
    let user = s.operator();
    let place = s
        .label()
        .strip_prefix(&format!("{user}@"))
        .unwrap_or(s.label());
    format!("{user} · {} · postgres://{place}", s.role().word())
}

/// What the status line and the About box show.
#[tauri::command]
pub async fn infos_application(state: Call<'_>) -> Result<Infos, Error> {
    let path = state.local_path().map(|p| {
        (
            p.display().to_string(),
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    });
    state
        .with_base(move |b| {
            // The page asks again after a refusal: the role may have changed since sign-in.
            if let Base::Site(s) = b {
                s.refresh_role()?;
            }
            let st = b.settings()?;
            let (base, base_nom, schema, site, droits) = match b {
                Base::Local(s) => {
                    let (base, nom) = path.unwrap_or_default();
                    (base, nom, s.file_schema_version()?, None, Rights::local())
                }
                Base::Site(s) => (
                    s.label().to_string(),
                    site_status(s),
                    forfaits_core::site::schema_version() as i64,
                    Some(Session {
                        utilisateur: s.operator().to_string(),
                        role: s.role().word(),
                        adresse: s.label().to_string(),
                    }),
                    Rights::site(s.role()),
                ),
            };
            Ok(Infos {
                version: env!("CARGO_PKG_VERSION"),
                base,
                base_nom,
                devise: st.currency.code,
                decimales: st.currency.decimals,
                indicatif: st.country_code.as_str().to_string(),
                schema,
                operateur: b.operator().to_string(),
                site,
                droits,
            })
        })
        .await
}

window_commands! {
    lire_parametres() -> SettingsView { with_base(|b| Ok(b.settings()?.into())) }

    enregistrer_parametres(formulaire: SettingsFormView) -> SettingsView {
        with_base(|b| Ok(b.save_settings_form(&SettingsForm::from(formulaire))?.into()))
    }
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
        .with_base(move |s| match adresse {
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

#[derive(Serialize)]
pub struct Backups {
    pub dossier: String,
    pub retention_jours: u32,
}

impl Backups {
    fn of(s: &Store) -> Result<Backups, Error> {
        Ok(Backups {
            dossier: s.backup_dir().display().to_string(),
            retention_jours: s.settings()?.backup_retention_days,
        })
    }
}

window_commands! {
    lire_journal(filtre: AuditFilter) -> Vec<AuditEntry> {
        with_base(|s| s.audit_entries(&filtre))
    }

    infos_sauvegardes() -> Backups { with_store(|s| Backups::of(s)) }

    /// A backup now, to the file chosen in the save dialog (`jeton`).
    sauvegarder(jeton: String) -> u64 {
        with_own_store(|s, chosen| s.backup_to(&chosen.take(&jeton, Use::Write)?))
    }

    /// Replaces the database content by a checked backup (`jeton`, chosen in the open dialog);
    /// the previous content is kept aside.
    restaurer(jeton: String) -> Restored {
        with_store(|s, chosen| s.restore_from(&chosen.take(&jeton, Use::Read)?))
    }
}

#[derive(Serialize)]
pub struct Folders {
    pub donnees: String,
    pub journaux: String,
    pub sauvegardes: String,
}

fn folders<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &crate::AppState,
) -> Result<Folders, Error> {
    use tauri::Manager;
    // On a site, the desk's own folders: beside its default database (where its sheets go);
    // a site has no backups of a desk's.
    let db = desk_db(state);
    let data = db.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    Ok(Folders {
        donnees: data.display().to_string(),
        journaux: app
            .path()
            .app_log_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        sauvegardes: match state.local_path() {
            Some(db) => folders::beside(db, folders::BACKUPS).display().to_string(),
            None => String::new(),
        },
    })
}

/// The SQLite file open, or on a site the desk's default one (its folders hold the desk's
/// sheets and logs).
fn desk_db(state: &crate::AppState) -> std::path::PathBuf {
    state
        .local_path()
        .map(|p| p.to_path_buf())
        .unwrap_or_else(default_db_path)
}

/// Where the database, the logs and the backups are (shown in Paramètres).
#[tauri::command]
pub async fn dossiers<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: Call<'_>,
) -> Result<Folders, Error> {
    folders(&app, &state)
}

/// Opens one of those folders in the file manager; the page names it, never gives a path.
#[tauri::command]
pub async fn ouvrir_dossier<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: Call<'_>,
    quel: String,
) -> Result<String, Error> {
    let sheets = folders::beside(&desk_db(&state), folders::SHEETS)
        .display()
        .to_string();
    let f = match quel.as_str() {
        "fiches" => None,
        _ => Some(folders(&app, &state)?),
    };
    state
        .run_blocking(move || {
            let dir = match (quel.as_str(), f) {
                ("fiches", _) => sheets,
                ("donnees", Some(f)) => f.donnees,
                ("journaux", Some(f)) => f.journaux,
                ("sauvegardes", Some(f)) if !f.sauvegardes.is_empty() => f.sauvegardes,
                // A site's backups are its server's.
                ("sauvegardes", Some(_)) => {
                    return Err(forfaits_core::base::sqlite_only("Sauvegardes", None))
                }
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

/// *Annuler* on long work (`tache`: `import`, `export` or `appels`): the work stops at its next
/// progress report and keeps nothing; false when no such work runs (it had just ended).
#[tauri::command]
pub async fn annuler_travail(state: Call<'_>, tache: String) -> Result<bool, Error> {
    let asked = state.stops.ask(&tache);
    tracing::info!(tache = %tache, en_cours = asked, "annulation demandée");
    Ok(asked)
}
