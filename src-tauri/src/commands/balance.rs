//! Gestion de solde: movements of an account, and the ones a clerk types.

use super::view::AccountView;
use crate::AppState;
use forfaits_core::domain::{Field, FieldError};
use forfaits_core::store::ledger::{Movement, MovementKind};
use forfaits_core::Error;
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct Movements {
    pub total: u64,
    pub mouvements: Vec<Movement>,
}

#[tauri::command]
pub async fn lister_mouvements(
    state: State<'_, AppState>,
    id: i64,
    limite: u32,
    decalage: u64,
) -> Result<Movements, Error> {
    state
        .with_store(move |s| {
            Ok(Movements {
                total: s.count_movements(id)?,
                mouvements: s.movements(id, limite.min(500), decalage)?,
            })
        })
        .await
}

#[derive(Serialize)]
pub struct Recorded {
    pub mouvement: Movement,
    pub compte: AccountView,
}

/// `type`: recharge, debit, correction or remboursement; `montant` as typed (`12,500`).
#[tauri::command]
pub async fn saisir_mouvement(
    state: State<'_, AppState>,
    id: i64,
    r#type: MovementKind,
    montant: String,
    motif: String,
) -> Result<Recorded, Error> {
    state
        .with_store(move |s| {
            let currency = s.settings()?.currency;
            let amount = currency
                .parse(&montant, r#type == MovementKind::Correction)
                .map_err(|m| Error::field(FieldError::new(Field::Amount, m)))?;
            let mouvement = s.manual_movement(id, r#type, amount, &motif)?;
            Ok(Recorded {
                mouvement,
                compte: s.get_account(id)?.into(),
            })
        })
        .await
}
