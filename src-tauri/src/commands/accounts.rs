//! Forfaits utilisateurs: the table, the account form, state toggle, deletion.

use super::view::{AccountFormView, AccountView};
use crate::Call;
use forfaits_core::domain::{AccountForm, FieldError};

use forfaits_core::store::accounts::{Deleted, ListQuery};
use forfaits_core::Error;
use serde::Serialize;

#[derive(Serialize)]
pub struct PageView {
    pub total: u64,
    pub decalage: u64,
    pub lignes: Vec<AccountView>,
}

/// One page of the table, sorted and filtered by the search text.
#[tauri::command]
pub async fn lister_comptes(state: Call<'_>, requete: ListQuery) -> Result<PageView, Error> {
    state
        .with_base(move |s| {
            let p = s.list_accounts(&requete)?;
            Ok(PageView {
                total: p.total,
                decalage: p.offset,
                lignes: p.rows.into_iter().map(AccountView::from).collect(),
            })
        })
        .await
        .inspect(|_| state.warm_up_once())
}

#[tauri::command]
pub async fn obtenir_compte(state: Call<'_>, id: i64) -> Result<AccountView, Error> {
    state
        .with_base(move |s| Ok(s.get_account(id)?.into()))
        .await
}

/// Every problem of the form, without saving (inline validation as fields are left).
#[tauri::command]
pub async fn valider_compte(
    state: Call<'_>,
    formulaire: AccountFormView,
    id: Option<i64>,
) -> Result<Vec<FieldError>, Error> {
    let form = AccountForm::from(formulaire);
    state.with_base(move |s| s.validate_form(&form, id)).await
}

#[tauri::command]
pub async fn creer_compte(
    state: Call<'_>,
    formulaire: AccountFormView,
) -> Result<AccountView, Error> {
    let form = AccountForm::from(formulaire);
    state
        .with_base(move |s| {
            let (d, opening) = s.draft_from_form(&form)?;
            Ok(s.create_account(&d, opening)?.into())
        })
        .await
}

#[tauri::command]
pub async fn modifier_compte(
    state: Call<'_>,
    id: i64,
    formulaire: AccountFormView,
) -> Result<AccountView, Error> {
    let form = AccountForm::from(formulaire);
    state
        .with_base(move |s| {
            let (d, _) = s.draft_from_form(&form)?;
            Ok(s.update_account(id, &d)?.into())
        })
        .await
}

#[tauri::command]
pub async fn changer_etat_compte(
    state: Call<'_>,
    id: i64,
    active: bool,
) -> Result<AccountView, Error> {
    state
        .with_base(move |s| Ok(s.set_enabled(id, active)?.into()))
        .await
}

#[tauri::command]
pub async fn remettre_duree_zero(state: Call<'_>, id: i64) -> Result<AccountView, Error> {
    state
        .with_store(move |s| Ok(s.reset_used_seconds(id)?.into()))
        .await
}

#[tauri::command]
pub async fn supprimer_compte(state: Call<'_>, id: i64) -> Result<Deleted, Error> {
    state.with_base(move |s| s.delete_account(id)).await
}
