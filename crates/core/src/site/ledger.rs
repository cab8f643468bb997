//! Balance movements on a site: all go through the server's `forfaits_mouvement` (roles.sql),
//! which locks the account, applies the rule of the movement's kind and the role, and writes the
//! balance, the movement and the Journal's line in one transaction.

use super::SiteStore;
use crate::desk::TypedMovement;
use crate::error::{Error, Result};
use crate::store::ledger::{below_zero, Movement, MovementKind};

/// What each kind is called in a refusal: « Votre rôle (caisse) ne permet pas de débiter un
/// compte. »
fn action(kind: MovementKind) -> &'static str {
    match kind {
        MovementKind::Recharge => "recharger un compte",
        MovementKind::Debit => "débiter un compte",
        MovementKind::Correction => "corriger un solde",
        MovementKind::Remboursement => "rembourser un compte",
        MovementKind::Initial | MovementKind::Appel => "saisir ce mouvement",
    }
}

impl SiteStore {
    /// A movement through the server's `forfaits_mouvement`; the cash desk may only add a
    /// *Recharge* (the server refuses the rest).
    pub(super) fn movement_through_server(&mut self, m: TypedMovement) -> Result<Movement> {
        let (account_id, kind, signed) = (m.account_id, m.kind, m.amount);
        let decimals = i32::from(m.currency.decimals);
        let refused = self.refusal(action(kind));
        let row = self
            .client
            .borrow_mut()
            .query_opt(
                "SELECT movement_id, at, balance_before, balance_after, refused
                 FROM forfaits_mouvement($1, $2, $3, $4, $5)",
                &[&account_id, &kind.code(), &signed, &m.reason, &decimals],
            )
            .map_err(|e| match e.code() {
                Some(c) if *c == postgres::error::SqlState::NUMERIC_VALUE_OUT_OF_RANGE => {
                    Error::Rejected("Montant hors limites.".into())
                }
                _ => refused(e),
            })?
            .ok_or_else(|| Error::no_account(account_id))?;
        let (before, after): (i64, i64) = (row.get(2), row.get(3));
        if row.get::<_, bool>(4) {
            let name = self.get_account(account_id)?.name;
            return Err(below_zero(kind, &name, &m.currency, before, signed, after));
        }
        let operator = self.operator().to_string();
        Ok(m.saved(row.get(0), row.get(1), after, &operator))
    }

    /// A page of an account's movements, newest first.
    pub fn movements(&self, account_id: i64, page: crate::page::Page) -> Result<Vec<Movement>> {
        crate::store::ledger::movements(&mut *self.client.borrow_mut(), account_id, page)
    }
}
