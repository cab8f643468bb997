//! What the window's shared operations ([`Desk`]: the account form, a new account, the
//! *Gestion de solde*) read and write on a site (SPEC §4, §13), with the refusals of the server
//! for a role that may not.

use super::accounts::{audit_and_commit, AccountRow};
use super::SiteStore;
use crate::control::db::reservations;
use crate::desk::{Desk, TypedMovement};
use crate::domain::{AccountDraft, FieldError, Money};
use crate::error::{Error, Result};
use crate::store::accounts::uniqueness_errors;
use crate::store::ledger;
use crate::store::ledger::Movement;
use crate::store::now;
use postgres::error::SqlState;
use postgres::types::ToSql;

impl SiteStore {
    /// Whether the connection was lost (the server restarted, the network went away): a
    /// window that stays open all day signs in again rather than failing every command.
    pub fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }
}

impl Desk for SiteStore {
    fn taken(&self, keys: [Option<&str>; 2], except: Option<i64>) -> Result<Vec<FieldError>> {
        uniqueness_errors(&mut *self.client.borrow_mut(), keys, except)
    }

    fn insert_account(&mut self, d: &AccountDraft, opening: Money, journal: &str) -> Result<i64> {
        let dup = self.taken(d.unique_keys(), None)?;
        if !dup.is_empty() {
            return Err(Error::Fields(dup));
        }
        let (names, values, _) = AccountRow::columns();
        let sql = format!(
            "INSERT INTO accounts ({names}, balance, created_at, updated_at)
             VALUES ({values}, $19, $20, $20) RETURNING id"
        );
        let t = now();
        let refused = self.refusal("ajouter un compte");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        let row = AccountRow::new(d, &super::settings::settings_held(&mut tx)?.country_code);
        let mut params = row.params();
        params.extend([&opening.0 as &(dyn ToSql + Sync), &t]);
        let id: i64 = tx
            .query_one(&sql, &params)
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    row.taken_meanwhile()
                } else {
                    refused(e)
                }
            })?
            .get(0);
        if opening.0 > 0 {
            tx.execute(
                "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
                 VALUES ($1, $2, 'initial', $3, $3, '', session_user)",
                &[&id, &t, &opening.0],
            )
            .map_err(&refused)?;
        }
        audit_and_commit(tx, "Création du compte", row.subject(), journal).map_err(&refused)?;
        Ok(id)
    }

    fn balance(&self, account_id: i64) -> Result<i64> {
        ledger::balance(&mut *self.client.borrow_mut(), account_id)
    }

    fn count_movements(&self, account_id: i64) -> Result<u64> {
        ledger::count_movements(&mut *self.client.borrow_mut(), account_id)
    }

    /// What calls in progress hold on the balance; a role refused the holds is shown none.
    fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64> {
        match reservations(&mut *self.client.borrow_mut(), account_id, now) {
            Ok((money, _)) => Ok(money),
            Err(e) if super::is_role_refusal(&e) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn write_movement(&mut self, m: TypedMovement) -> Result<Movement> {
        self.movement_through_server(m)
    }
}
