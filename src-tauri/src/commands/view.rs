//! What the page receives for an account: the stored fields plus the derived *Etat général*.

use forfaits_core::domain::Account;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub compte: Account,
    pub etat_general: &'static str,
    pub etat_general_libelle: String,
    /// Calls suspended today (a suspension ends by itself after its last day).
    pub suspendu: bool,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        let e = a.etat_general();
        let suspendu = a.suspended_on(chrono::Local::now().date_naive());
        AccountView {
            suspendu,
            compte: a,
            etat_general: e.code(),
            etat_general_libelle: e.label(),
        }
    }
}
