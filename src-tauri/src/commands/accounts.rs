use super::view::AccountView;
use crate::AppState;
use forfaits_core::store::accounts::ListQuery;
use forfaits_core::Error;
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct PageView {
    pub total: u64,
    pub decalage: u64,
    pub lignes: Vec<AccountView>,
}

/// One page of the table, sorted and filtered by the search text.
#[tauri::command]
pub async fn lister_comptes(
    state: State<'_, AppState>,
    requete: ListQuery,
) -> Result<PageView, Error> {
    state
        .with_store(move |s| {
            let p = s.list_accounts(&requete)?;
            Ok(PageView {
                total: p.total,
                decalage: p.decalage,
                lignes: p.lignes.into_iter().map(AccountView::from).collect(),
            })
        })
        .await
}
