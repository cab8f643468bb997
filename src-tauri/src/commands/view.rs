//! What the page receives for an account: its fields under the page's names, plus the derived
//! *Etat général*. The core's `Account` has its own (English) names; this is the only place the
//! page's are written for it.

use forfaits_core::domain::Account;
use forfaits_core::domain::AccountForm;
use forfaits_core::store::settings::SettingsForm;
use forfaits_core::store::Settings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
pub struct AccountView {
    pub id: i64,
    pub nom: String,
    pub matricule: String,
    pub identifiant: String,
    pub etat_compte: bool,
    pub billing: bool,
    pub duree_appel_min: Option<u32>,
    pub duree_totale_s: i64,
    /// Minor units.
    pub solde: i64,
    pub telephones: Vec<Option<String>>,
    pub cree_le: i64,
    pub modifie_le: i64,
    pub duree_max_appel_min: Option<u32>,
    pub appels_par_jour: Option<u32>,
    pub suspendu_jusqu_au: Option<chrono::NaiveDate>,
    pub motif_suspension: String,
    pub etat_general: &'static str,
    pub etat_general_libelle: String,
    /// Calls suspended today (a suspension ends by itself after its last day).
    pub suspendu: bool,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        let e = a.etat_general();
        AccountView {
            suspendu: a.suspended_on(chrono::Local::now().date_naive()),
            etat_general: e.code(),
            etat_general_libelle: e.label(),
            id: a.id,
            nom: a.name,
            matricule: a.matricule,
            identifiant: a.identifiant,
            etat_compte: a.enabled,
            billing: a.billing,
            duree_appel_min: a.allowance_minutes,
            duree_totale_s: a.used_seconds,
            solde: a.balance,
            telephones: a.phones,
            cree_le: a.created_at,
            modifie_le: a.updated_at,
            duree_max_appel_min: a.max_call_minutes,
            appels_par_jour: a.calls_per_day,
            suspendu_jusqu_au: a.suspended_until,
            motif_suspension: a.suspension_reason,
        }
    }
}

/// The account form as the page sends it, under the same names it receives.
#[derive(Debug, Deserialize)]
pub struct AccountFormView {
    pub nom: String,
    pub matricule: String,
    pub identifiant: String,
    pub etat_compte: bool,
    pub billing: bool,
    #[serde(default)]
    pub duree_appel: String,
    /// Opening balance, as typed; only read when the account is created.
    #[serde(default)]
    pub solde: String,
    #[serde(default)]
    pub telephones: Vec<String>,
}

impl From<AccountFormView> for AccountForm {
    fn from(f: AccountFormView) -> Self {
        AccountForm {
            name: f.nom,
            matricule: f.matricule,
            identifiant: f.identifiant,
            enabled: f.etat_compte,
            billing: f.billing,
            allowance: f.duree_appel,
            opening_balance: f.solde,
            phones: f.telephones,
        }
    }
}

/// Paramètres as the page receives them, under the same names it sends them back.
#[derive(Debug, Serialize)]
pub struct SettingsView {
    pub devise: String,
    pub decimales: u8,
    /// `+216`, as typed.
    pub indicatif: String,
    pub etat_defaut: bool,
    pub billing_defaut: bool,
    pub duree_defaut: Option<u32>,
    /// Minor units.
    pub solde_defaut: i64,
    pub retention_sauvegardes: u32,
    pub duree_max_appel: u32,
    pub adresse_service: String,
    /// Minor units.
    pub seuil_confirmation: i64,
    /// The schedule's canonical text (`toujours`, `lun-ven 08:00-12:00`…).
    pub horaires: String,
    pub appels_par_jour: Option<u32>,
}

impl From<Settings> for SettingsView {
    fn from(s: Settings) -> Self {
        SettingsView {
            devise: s.currency.code,
            decimales: s.currency.decimals,
            indicatif: format!("+{}", s.country_code.as_str()),
            etat_defaut: s.default_enabled,
            billing_defaut: s.default_billing,
            duree_defaut: s.default_allowance_min,
            solde_defaut: s.default_opening_balance.0,
            retention_sauvegardes: s.backup_retention_days,
            duree_max_appel: s.max_call_minutes,
            adresse_service: s.agi_address,
            seuil_confirmation: s.confirmation_threshold.0,
            horaires: s.call_hours.to_string(),
            appels_par_jour: s.calls_per_day,
        }
    }
}

/// The Paramètres form as typed.
#[derive(Debug, Deserialize)]
pub struct SettingsFormView {
    pub devise: String,
    pub decimales: u8,
    pub indicatif: String,
    pub etat_defaut: bool,
    pub billing_defaut: bool,
    #[serde(default)]
    pub duree_defaut: String,
    #[serde(default)]
    pub solde_defaut: String,
    #[serde(default = "default_retention")]
    pub retention_sauvegardes: u32,
    #[serde(default)]
    pub duree_max_appel: Option<u32>,
    #[serde(default)]
    pub adresse_service: Option<String>,
    #[serde(default)]
    pub seuil_confirmation: String,
}

fn default_retention() -> u32 {
    Settings::default().backup_retention_days
}

impl From<SettingsFormView> for SettingsForm {
    fn from(f: SettingsFormView) -> Self {
        SettingsForm {
            currency: f.devise,
            decimals: f.decimales,
            country_code: f.indicatif,
            default_enabled: f.etat_defaut,
            default_billing: f.billing_defaut,
            default_allowance: f.duree_defaut,
            default_opening_balance: f.solde_defaut,
            backup_retention_days: f.retention_sauvegardes,
            max_call_minutes: f.duree_max_appel,
            agi_address: f.adresse_service,
            confirmation_threshold: f.seuil_confirmation,
        }
    }
}
