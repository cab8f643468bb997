//! Forfaits utilisateurs: the table, the account form, state toggle, deletion.

use super::view::{AccountFormView, AccountView};
use crate::Call;
use forfaits_core::domain::{AccountForm, FieldError};

use forfaits_core::store::accounts::{Deleted, ListQuery};
use forfaits_core::{Base, Error};
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
                lignes: AccountView::page(p.rows),
            })
        })
        .await
        .inspect(|_| state.warm_up_once())
}

window_commands! {
    obtenir_compte(id: i64) -> AccountView { with_base(|s| Ok(s.get_account(id)?.into())) }

    /// Every problem of the form, without saving (inline validation as fields are left).
    valider_compte(formulaire: AccountFormView, id: Option<i64>) -> Vec<FieldError> {
        with_base(|s| s.validate_form(&AccountForm::from(formulaire), id))
    }

    creer_compte(formulaire: AccountFormView) -> AccountView {
        with_base(|s| create(s, formulaire))
    }

    modifier_compte(id: i64, formulaire: AccountFormView) -> AccountView {
        with_base(|s| update(s, id, formulaire))
    }

    changer_etat_compte(id: i64, active: bool) -> AccountView {
        with_base(|s| Ok(s.set_enabled(id, active)?.into()))
    }

    remettre_duree_zero(id: i64) -> AccountView {
        with_base(|s| Ok(s.reset_used_seconds(id)?.into()))
    }

    supprimer_compte(id: i64) -> Deleted { with_base(|s| s.delete_account(id)) }
}

/// The form saved as a new account, with its opening balance.
fn create(s: &mut Base, formulaire: AccountFormView) -> Result<AccountView, Error> {
    let (d, opening) = s.draft_from_form(&AccountForm::from(formulaire))?;
    Ok(s.create_account(&d, opening)?.into())
}

/// The form saved over the account `id` (an opening balance is for a new account only).
fn update(s: &mut Base, id: i64, formulaire: AccountFormView) -> Result<AccountView, Error> {
    let (d, _) = s.draft_from_form(&AccountForm::from(formulaire))?;
    Ok(s.update_account(id, &d)?.into())
}
