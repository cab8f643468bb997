//! Gestion de solde: movements of an account, and the ones a clerk types.

use super::view::AccountView;
use forfaits_core::domain::Money;
use forfaits_core::page::Page;
use forfaits_core::store::ledger::{parse_amount, Movement, MovementKind, MovementPreview};
use forfaits_core::{Base, Error};
use serde::Serialize;

#[derive(Serialize)]
pub struct Movements {
    pub total: u64,
    pub mouvements: Vec<Movement>,
    /// What calls in progress hold on the balance (minor units).
    pub reserve: i64,
}

impl Movements {
    fn of(s: &mut Base, id: i64, limite: u32, apres: Option<i64>) -> Result<Movements, Error> {
        Ok(Movements {
            total: s.count_movements(id)?,
            mouvements: s.movements(
                id,
                Page {
                    limit: limite,
                    after: apres,
                },
            )?,
            reserve: s.reserved_amount(id, forfaits_core::store::now())?,
        })
    }
}

#[derive(Serialize)]
pub struct Recorded {
    pub mouvement: Movement,
    pub compte: AccountView,
}

/// The amount as typed (`12,500`), read in the currency of the settings.
fn amount(s: &Base, kind: MovementKind, montant: &str) -> Result<Money, Error> {
    parse_amount(&s.settings()?.currency, kind, montant)
}

/// The movement typed, saved once confirmed when its amount asks for it, and the account after.
fn record(
    s: &mut Base,
    id: i64,
    kind: MovementKind,
    montant: &str,
    motif: &str,
    confirme: bool,
) -> Result<Recorded, Error> {
    let amount = amount(s, kind, montant)?;
    let mouvement = s.confirmed_movement(id, kind, amount, motif, confirme)?;
    Ok(Recorded {
        mouvement,
        compte: s.get_account(id)?.into(),
    })
}

window_commands! {
    /// A page of the account's movements, newest first, below the movement `apres` (the last
    /// shown).
    lister_mouvements(id: i64, limite: u32, apres: Option<i64>) -> Movements {
        with_base(|s| Movements::of(s, id, limite, apres))
    }

    /// What the movement would do (the button's label, the confirmation), without saving it.
    apercu_mouvement(id: i64, r#type: MovementKind, montant: String) -> MovementPreview {
        with_base(|s| s.preview_movement(id, r#type, amount(s, r#type, &montant)?))
    }

    /// `type`: recharge, debit, correction or remboursement; `montant` as typed (`12,500`);
    /// `confirme` once the person confirmed an amount above the threshold.
    saisir_mouvement(
        id: i64,
        r#type: MovementKind,
        montant: String,
        motif: String,
        confirme: Option<bool>
    ) -> Recorded {
        with_base(|s| record(s, id, r#type, &montant, &motif, confirme.unwrap_or(false)))
    }
}
