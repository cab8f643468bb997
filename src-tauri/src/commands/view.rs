//! What the page receives for an account: the stored fields plus the derived *Etat général*.

use forfaits_core::domain::Account;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub compte: Account,
    pub etat_general: &'static str,
    pub etat_general_libelle: String,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        let e = a.etat_general();
        AccountView {
            compte: a,
            etat_general: e.code(),
            etat_general_libelle: e.label(),
        }
    }
}
