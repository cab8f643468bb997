//! Gestion de solde: movements of an account, and the ones a clerk types.

use super::view::AccountView;
use crate::Call;
use forfaits_core::store::ledger::{parse_amount, Movement, MovementKind, MovementPreview};
use forfaits_core::Error;
use serde::Serialize;

#[derive(Serialize)]
pub struct Movements {
    pub total: u64,
    pub mouvements: Vec<Movement>,
    /// What calls in progress hold on the balance (minor units).
    pub reserve: i64,
}

#[tauri::command]
pub async fn lister_mouvements(
    state: Call<'_>,
    id: i64,
    limite: u32,
    decalage: u64,
) -> Result<Movements, Error> {
    state
        .with_base(move |s| {
            Ok(Movements {
                total: s.count_movements(id)?,
                mouvements: s.movements(id, limite, decalage)?,
                reserve: s.reserved_amount(id, forfaits_core::store::now())?,
            })
        })
        .await
}

#[derive(Serialize)]
pub struct Recorded {
    pub mouvement: Movement,
    pub compte: AccountView,
}

/// What the movement would do (the button's label, the confirmation), without saving it.
#[tauri::command]
pub async fn apercu_mouvement(
    state: Call<'_>,
    id: i64,
    r#type: MovementKind,
    montant: String,
) -> Result<MovementPreview, Error> {
    state
        .with_base(move |s| {
            let amount = parse_amount(&s.settings()?.currency, r#type, &montant)?;
            s.preview_movement(id, r#type, amount)
        })
        .await
}

/// `type`: recharge, debit, correction or remboursement; `montant` as typed (`12,500`);
/// `confirme` once the person confirmed an amount above the threshold.
#[tauri::command]
pub async fn saisir_mouvement(
    state: Call<'_>,
    id: i64,
    r#type: MovementKind,
    montant: String,
    motif: String,
    confirme: Option<bool>,
) -> Result<Recorded, Error> {
    state
        .with_base(move |s| {
            let amount = parse_amount(&s.settings()?.currency, r#type, &montant)?;
            let mouvement =
                s.confirmed_movement(id, r#type, amount, &motif, confirme.unwrap_or(false))?;
            Ok(Recorded {
                mouvement,
                compte: s.get_account(id)?.into(),
            })
        })
        .await
}
