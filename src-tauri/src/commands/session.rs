//! Sign-in to a site (SPEC §13) and what the signed-in role may do in the window: the page
//! offers only those actions (the server refuses the others anyway, in French).

use crate::signin::{self, keyring_store, Remembered, SiteFields};
use crate::state::Place;
use crate::Call;
use forfaits_core::site::Role;
use forfaits_core::Error;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tauri::{AppHandle, Manager, Runtime};

/// What the page offers. On the desk's SQLite file, everything; on a site, what the role may do
/// among what a site does (the rest is hidden, not refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rights {
    pub creer: bool,
    pub modifier: bool,
    /// The table's Activé / Désactivé switch.
    pub etat: bool,
    pub supprimer: bool,
    pub importer: bool,
    pub exporter: bool,
    /// Movement kinds of *Gestion de solde* (`recharge`, `debit`, `correction`, `remboursement`).
    pub mouvements: Vec<&'static str>,
    pub imprimer: bool,
    /// *Télécharger historique des appels*.
    pub historique: bool,
    /// The account form's *Règles* and *Remettre à zéro* of the call minutes.
    pub regles: bool,
    /// The views *Appels et tarifs*, *Numéros*, *Journal*, *Paramètres*.
    pub appels: bool,
    pub numeros: bool,
    pub journal: bool,
    pub parametres: bool,
    /// *Paramètres → Sauvegardes*: the desk's own file; a site's are the server's.
    pub sauvegardes: bool,
}

const ALL_KINDS: [&str; 4] = ["recharge", "debit", "correction", "remboursement"];

impl Rights {
    pub fn local() -> Rights {
        Rights {
            creer: true,
            modifier: true,
            etat: true,
            supprimer: true,
            importer: true,
            exporter: true,
            mouvements: ALL_KINDS.to_vec(),
            imprimer: true,
            historique: true,
            regles: true,
            appels: true,
            numeros: true,
            journal: true,
            parametres: true,
            sauvegardes: true,
        }
    }

    /// On a site: `forfaits_admin` everything a site does; `forfaits_caisse` search, view,
    /// *Recharge*, print, call history; `forfaits_lecture` search, view, print (roles.sql
    /// enforces the same).
    pub fn site(role: Role) -> Rights {
        let admin = role == Role::Admin;
        Rights {
            creer: admin,
            modifier: admin,
            etat: admin,
            supprimer: admin,
            importer: admin,
            exporter: admin,
            mouvements: match role {
                Role::Admin => ALL_KINDS.to_vec(),
                Role::Caisse => vec!["recharge"],
                Role::Lecture | Role::Telephonie => Vec::new(),
            },
            imprimer: true,
            // The administrator's: an account's call rules and the blocked and privileged
            // numbers (the other roles have no right on them, roles.sql).
            regles: admin,
            numeros: admin,
            journal: admin,
            // SPEC §13: the cash desk sees an account's calls too.
            historique: matches!(role, Role::Admin | Role::Caisse),
            // *Appels et tarifs*: loading the call records, the tariffs.
            appels: admin,
            // The settings with the site's call rules (roles.sql: the others read them only).
            parametres: admin,
            // A site is saved on its server (pg_dump), not by a desk.
            sauvegardes: false,
        }
    }
}

/// The sign-in form as it opens.
#[derive(Debug, Serialize)]
pub struct SignInView {
    /// A site not signed in yet: the page shows the form before anything else.
    pub requise: bool,
    #[serde(flatten)]
    pub champs: SiteFields,
    pub retenir_mot_de_passe: bool,
    /// A password is kept in the keyring for these fields: it may be left empty.
    pub mot_de_passe_retenu: bool,
}

fn remembered_file<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    app.path()
        .app_config_dir()
        .ok()
        .map(|d| d.join(signin::REMEMBERED_FILE))
}

#[tauri::command]
pub async fn etat_connexion<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
) -> Result<SignInView, Error> {
    let Place::Site(url) = state.place().clone() else {
        return Ok(SignInView {
            requise: false,
            champs: SiteFields::default(),
            retenir_mot_de_passe: false,
            mot_de_passe_retenu: false,
        });
    };
    let signed = state.is_signed_in().await;
    let file = remembered_file(&app);
    state
        .run_blocking(move || {
            let remembered = file.as_deref().and_then(signin::read_remembered);
            let form = signin::prefill(
                &signin::parse_url(&url),
                remembered.as_ref(),
                &forfaits_core::store::current_operator(),
            );
            let kept = form.retenir_mot_de_passe
                && signin::label(&form.fields)
                    .ok()
                    .and_then(|l| keyring_store::get(&l))
                    .is_some();
            Ok(SignInView {
                requise: !signed,
                champs: form.fields,
                retenir_mot_de_passe: form.retenir_mot_de_passe,
                mot_de_passe_retenu: kept,
            })
        })
        .await
}

/// The sign-in form as typed.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(flatten)]
    pub champs: SiteFields,
    #[serde(default)]
    pub mot_de_passe: String,
    #[serde(default)]
    pub retenir_mot_de_passe: bool,
}

#[derive(Debug, Serialize)]
pub struct SignedIn {
    pub utilisateur: String,
    pub role: &'static str,
    pub adresse: String,
    /// Signed in, but something to say (the keyring could not keep the password).
    pub avertissement: Option<String>,
}

/// Signs in to the site with the form's fields. The password typed, else the one of the
/// starting URL for the same fields, else the keyring's, else PostgreSQL's own (`PGPASSWORD`,
/// `~/.pgpass`). The fields are remembered (never the password); the password goes to the
/// keyring only when the clerk ticked *Retenir le mot de passe*.
#[tauri::command]
pub async fn se_connecter<R: Runtime>(
    app: AppHandle<R>,
    state: Call<'_>,
    formulaire: SignInForm,
) -> Result<SignedIn, Error> {
    let Place::Site(start_url) = state.place().clone() else {
        return Err(Error::Rejected(
            "Cette fenêtre travaille sur un fichier SQLite : il n'y a pas de connexion à faire."
                .into(),
        ));
    };
    let SignInForm {
        champs,
        mot_de_passe,
        retenir_mot_de_passe: keep,
    } = formulaire;
    let label = signin::label(&champs).map_err(Error::Rejected)?;
    let given = signin::parse_url(&start_url);
    let typed = (!mot_de_passe.is_empty()).then_some(mot_de_passe);
    let lookup = label.clone();
    let fields = champs.clone();
    let password = state
        .run_blocking(move || {
            let from_url = given
                .password
                .filter(|_| signin::label(&given.fields).ok() == Some(lookup.clone()));
            Ok(typed
                .clone()
                .or(from_url)
                .or_else(|| keyring_store::get(&lookup)))
        })
        .await?;
    let url = signin::build_url(
        &fields,
        password.as_deref(),
        &signin::parse_url(&start_url).query,
    )
    .map_err(Error::Rejected)?;
    let session = state.sign_in(url).await?;
    let file = remembered_file(&app);
    let avertissement = state
        .run_blocking(move || {
            if let Some(file) = file {
                let r = Remembered {
                    fields: champs,
                    retenir_mot_de_passe: keep,
                };
                if let Err(e) = signin::write_remembered(&file, &r) {
                    tracing::warn!("connexion non retenue ({}) : {e}", file.display());
                }
            }
            Ok(match (keep, password) {
                (true, Some(p)) => keyring_store::save(&label, &p).err(),
                (true, None) => None,
                (false, _) => {
                    keyring_store::forget(&label);
                    None
                }
            })
        })
        .await?;
    Ok(SignedIn {
        utilisateur: session.utilisateur,
        role: session.role,
        adresse: session.adresse,
        avertissement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_is_offered_what_the_server_lets_it_do() {
        let caisse = Rights::site(Role::Caisse);
        assert_eq!(caisse.mouvements, ["recharge"]);
        assert!(caisse.imprimer);
        assert!(
            !caisse.creer
                && !caisse.modifier
                && !caisse.etat
                && !caisse.supprimer
                && !caisse.importer
        );
        let lecture = Rights::site(Role::Lecture);
        assert!(lecture.mouvements.is_empty());
        assert!(lecture.imprimer && !lecture.exporter && !lecture.modifier);
        let admin = Rights::site(Role::Admin);
        assert_eq!(admin.mouvements, ALL_KINDS);
        assert!(admin.creer && admin.supprimer && admin.importer && admin.exporter);
        // An account's call rules, the numbers and the Journal: the administrator's only.
        for r in [&caisse, &lecture] {
            assert!(!r.regles && !r.numeros && !r.journal);
        }
        assert!(admin.regles && admin.numeros && admin.journal);
        assert!(admin.historique && caisse.historique && !lecture.historique);
        assert!(admin.appels && !caisse.appels && !lecture.appels);
        assert!(admin.parametres && !caisse.parametres && !lecture.parametres);
        // A site's backups are its server's, whoever signs in.
        for r in [admin, caisse, lecture] {
            assert!(!r.sauvegardes);
        }
        assert!(Rights::local().sauvegardes);
        assert_eq!(Rights::local().mouvements, ALL_KINDS);
    }
}
