//! What the page receives for an account: its fields under the page's names, plus the derived
//! *Etat général*. The core's `Account` has its own (English) names; this is the only place the
//! page's are written for it.

use forfaits_core::domain::Account;
use forfaits_core::domain::AccountForm;
use forfaits_core::store::settings::SettingsForm;
use forfaits_core::store::Settings;
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// An account and the day its suspension is judged on.
#[derive(Debug)]
pub struct AccountView {
    account: Account,
    today: chrono::NaiveDate,
}

impl From<Account> for AccountView {
    fn from(account: Account) -> Self {
        let today = chrono::Local::now().date_naive();
        AccountView { account, today }
    }
}

impl AccountView {
    /// A page of accounts, every one judged on the same day.
    pub fn page(accounts: Vec<Account>) -> Vec<AccountView> {
        let today = chrono::Local::now().date_naive();
        let view = |account| AccountView { account, today };
        accounts.into_iter().map(view).collect()
    }
}

/// Written by hand so that each of the page's names stands once, beside the field it carries
/// (a derived view would declare every name, then copy every field into it).
impl Serialize for AccountView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = &self.account;
        let e = a.etat_on(self.today);
        let mut m = s.serialize_struct("Compte", 20)?;
        m.serialize_field("id", &a.id)?;
        m.serialize_field("nom", &a.name)?;
        m.serialize_field("matricule", &a.matricule)?;
        m.serialize_field("identifiant", &a.identifiant)?;
        m.serialize_field("etat_compte", &a.enabled)?;
        m.serialize_field("billing", &a.billing)?;
        m.serialize_field("duree_appel_min", &a.allowance_minutes)?;
        m.serialize_field("duree_totale_s", &a.used_seconds)?;
        // Minor units.
        m.serialize_field("solde", &a.balance)?;
        m.serialize_field("telephones", &a.phones)?;
        m.serialize_field("cree_le", &a.created_at)?;
        m.serialize_field("modifie_le", &a.updated_at)?;
        m.serialize_field("duree_max_appel_min", &a.max_call_minutes)?;
        m.serialize_field("appels_par_jour", &a.calls_per_day)?;
        m.serialize_field("suspendu_jusqu_au", &a.suspended_until)?;
        m.serialize_field("motif_suspension", &a.suspension_reason)?;
        m.serialize_field("etat_general", e.code())?;
        m.serialize_field("etat_general_libelle", &e.label())?;
        // Calls suspended today (a suspension ends by itself after its last day).
        m.serialize_field("suspendu", &a.suspended_on(self.today))?;
        m.end()
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
    /// The most `duree_max_appel` may be (the core's `MAX_CALL_MINUTES`), for the form's hint.
    pub duree_max_appel_plafond: u32,
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
            duree_max_appel_plafond: forfaits_core::store::settings::MAX_CALL_MINUTES,
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
    /// Days as typed; absent where backups are not offered (a site): unchanged.
    #[serde(default)]
    pub retention_sauvegardes: Option<String>,
    pub adresse_service: String,
    #[serde(default)]
    pub seuil_confirmation: String,
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
            agi_address: f.adresse_service,
            confirmation_threshold: f.seuil_confirmation,
        }
    }
}
