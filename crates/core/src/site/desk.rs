//! What a desk's window does on a site beyond the command line's operations (SPEC §4, §13): an
//! account created, and what the shared operations of [`Desk`] read and write here, with the
//! same refusals of the server for a role that may not.

use super::accounts::{audit, search_text};
use super::SiteStore;
use crate::desk::{Desk, TypedMovement};
use crate::domain::{Account, AccountDraft, Field, FieldError, Money};
use crate::error::{Error, Result};
use crate::search::index::name_key;
use crate::store::accounts::UNIQUE;
use crate::store::columns::{self, PHONE_LIST};
use crate::store::ledger::Movement;
use crate::store::now;
use postgres::error::SqlState;
use postgres::types::ToSql;

/// `$first, $first + 1, …` for the ten keys of an INSERT.
fn phone_params(first: usize) -> String {
    columns::phone_params(first).replace('?', "$")
}

impl SiteStore {
    /// Whether the connection was lost (the server restarted, the network went away): a
    /// window that stays open all day signs in again rather than failing every command.
    pub fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }

    /// Creates an account, as [`Store::create_account`](crate::Store::create_account): a
    /// non-zero opening balance is its first movement (*Solde initial*), written in the same
    /// transaction with the Journal's line; the server refuses it to a role that may not.
    pub fn create_account(&mut self, d: &AccountDraft, opening: Money) -> Result<Account> {
        if opening.0 < 0 {
            return Err(Error::field(FieldError::new(
                Field::Balance,
                "le solde initial ne peut pas être négatif",
            )));
        }
        let settings = self.settings()?;
        let cc = &settings.country_code;
        let blocked = self.number_rules()?.key_errors(&d.phones, None, cc);
        if !blocked.is_empty() {
            return Err(Error::Fields(blocked));
        }
        let (name, matricule, identifiant) = (
            d.name.as_str().to_string(),
            d.matricule.as_str().to_string(),
            d.identifiant.as_str().to_string(),
        );
        let dup = self.taken([Some(&matricule), Some(&identifiant)], None)?;
        if !dup.is_empty() {
            return Err(Error::Fields(dup));
        }
        let key = name_key(&name);
        let phones: Vec<Option<&str>> = d
            .phones
            .iter()
            .map(|p| p.as_ref().map(|p| p.as_str()))
            .collect();
        let search = search_text(&key, &matricule, &identifiant, phones.iter().copied(), cc);
        let allowance = d.allowance_minutes.map(i64::from);
        let t = now();
        let sql = format!(
            "INSERT INTO accounts (name, name_key, matricule, identifiant, enabled, billing,
                                   allowance_min, balance, {}, created_at, updated_at, search)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {}, $19, $19, $20) RETURNING id",
            *PHONE_LIST,
            phone_params(9)
        );
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![
            &name,
            &key,
            &matricule,
            &identifiant,
            &d.enabled,
            &d.billing,
            &allowance,
            &opening.0,
        ];
        for p in &phones {
            params.push(p);
        }
        params.push(&t);
        params.push(&search);
        let details = if opening.0 > 0 {
            format!("solde initial {}", settings.currency.format_plain(opening))
        } else {
            String::new()
        };
        let refused = self.refusal("ajouter un compte");
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(&refused)?;
        let id: i64 = tx
            .query_one(&sql, &params)
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    Error::Rejected(format!(
                        "Le matricule {matricule} ou l'identifiant {identifiant} vient d'être \
                         attribué à un autre compte. Aucune modification n'a été faite."
                    ))
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
        audit(
            &mut tx,
            "Création du compte",
            Some((&matricule, &name)),
            &details,
        )
        .map_err(&refused)?;
        tx.commit().map_err(&refused)?;
        drop(client);
        self.get_account(id)
    }
}

impl Desk for SiteStore {
    fn taken(&self, keys: [Option<&str>; 2], except: Option<i64>) -> Result<Vec<FieldError>> {
        let mut errors = Vec::new();
        for ((field, col, what), value) in UNIQUE.into_iter().zip(keys) {
            let Some(value) = value else { continue };
            let holder = self.client.borrow_mut().query_opt(
                &format!("SELECT id, name FROM accounts WHERE {col} = $1"),
                &[&value],
            )?;
            if let Some(r) = holder.filter(|r| Some(r.get::<_, i64>(0)) != except) {
                let name: String = r.get(1);
                errors.push(FieldError::new(
                    field,
                    format!("{what} {value} est déjà attribué à {name}"),
                ));
            }
        }
        Ok(errors)
    }

    fn balance(&self, account_id: i64) -> Result<i64> {
        self.client
            .borrow_mut()
            .query_opt("SELECT balance FROM accounts WHERE id = $1", &[&account_id])?
            .map(|r| r.get(0))
            .ok_or_else(|| Error::NotFound(format!("l'identifiant interne {account_id}")))
    }

    fn count_movements(&self, account_id: i64) -> Result<u64> {
        let n: i64 = self
            .client
            .borrow_mut()
            .query_one(
                "SELECT count(*) FROM movements WHERE account_id = $1",
                &[&account_id],
            )?
            .get(0);
        Ok(n as u64)
    }

    /// What calls in progress hold on the balance; a role refused the holds is shown none.
    fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64> {
        let row = self.client.borrow_mut().query_one(
            "SELECT coalesce(sum(reserved), 0)::bigint FROM call_holds
             WHERE account_id = $1 AND expires_at > $2",
            &[&account_id, &now],
        );
        match row {
            Ok(r) => Ok(r.get(0)),
            Err(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    fn write_movement(&mut self, m: TypedMovement) -> Result<Movement> {
        self.movement_through_server(m)
    }
}
