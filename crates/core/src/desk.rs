//! What a desk's window does the same way on either store (SPEC §4, §13): the account form
//! checked, the switch of an account, the *Gestion de solde* preview, its confirmation threshold
//! and the movement's checks. Written once here over the few things each store answers itself.

use crate::base::Basics;
use crate::domain::{
    Account, AccountDraft, AccountForm, Currency, Field, FieldError, Identifiant, Matricule, Money,
    Phone,
};
use crate::error::{Error, Result};
use crate::store::ledger::{
    needs_confirmation, preview, signed, typed_reason, Movement, MovementKind, MovementPreview,
};
use crate::store::now;

/// A movement whose amount and reason passed their checks, for the store to write with the
/// balance and the Journal's line in one transaction.
pub struct TypedMovement {
    pub account_id: i64,
    pub kind: MovementKind,
    /// Signed, minor units.
    pub amount: i64,
    pub reason: String,
    pub currency: Currency,
}

impl TypedMovement {
    /// The movement as written: its row id, time and the balance after it.
    pub fn saved(self, id: i64, date: i64, balance_after: i64, operator: &str) -> Movement {
        Movement {
            id,
            date,
            kind: self.kind,
            libelle: self.kind.label(),
            montant: self.amount,
            solde_apres: balance_after,
            motif: self.reason,
            operateur: operator.to_string(),
        }
    }
}

pub trait Desk: Basics {
    /// Field errors for a matricule or an identifiant (`keys`, each when given) already held by
    /// another account than `except`, in the same sentences on both stores.
    fn taken(&self, keys: [Option<&str>; 2], except: Option<i64>) -> Result<Vec<FieldError>>;
    /// The account's row, its opening movement (*Solde initial*) and the Journal's line
    /// (`journal`) in one transaction; a matricule or identifiant taken is the field's error.
    fn insert_account(&mut self, d: &AccountDraft, opening: Money, journal: &str) -> Result<i64>;
    fn balance(&self, account_id: i64) -> Result<i64>;
    /// What calls in progress hold on the balance.
    fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64>;
    fn count_movements(&self, account_id: i64) -> Result<u64>;
    /// Writes the movement, its balance and the Journal's line in one transaction; refuses a
    /// balance that would go below zero.
    fn write_movement(&mut self, m: TypedMovement) -> Result<Movement>;

    /// Every problem of a form (fields, and matricule or identifiant already taken by another
    /// account), without saving: the window shows them under their fields as they are left.
    /// A matricule or identifiant already taken is reported as soon as it is itself valid,
    /// whatever the other fields hold, so that each field keeps its own error.
    fn validate_form(&self, form: &AccountForm, except_id: Option<i64>) -> Result<Vec<FieldError>> {
        let st = self.settings()?;
        let mut errors = form
            .validate(&st.currency, &st.country_code)
            .err()
            .unwrap_or_default();
        let matricule = Matricule::parse(&form.matricule).ok();
        let identifiant = Identifiant::parse(&form.identifiant).ok();
        errors.extend(self.taken(
            [
                matricule.as_ref().map(Matricule::as_str),
                identifiant.as_ref().map(Identifiant::as_str),
            ],
            except_id,
        )?);
        let typed: Vec<Option<Phone>> = form
            .phones
            .iter()
            .enumerate()
            .map(|(k, raw)| Phone::parse_optional(raw, k as u8 + 1).ok().flatten())
            .collect();
        let before = match except_id {
            Some(id) => Some(self.get_account(id)?.phones),
            None => None,
        };
        errors.extend(
            self.number_rules()?
                .key_errors(&typed, before.as_deref(), &st.country_code),
        );
        Ok(errors)
    }

    /// Creates an account; a non-zero opening balance is its first movement (*Solde initial*).
    fn create_account(&mut self, d: &AccountDraft, opening: Money) -> Result<Account> {
        if opening.0 < 0 {
            return Err(Error::field(FieldError::new(
                Field::Balance,
                "le solde initial ne peut pas être négatif",
            )));
        }
        let settings = self.settings()?;
        let blocked = self
            .number_rules()?
            .key_errors(&d.phones, None, &settings.country_code);
        if !blocked.is_empty() {
            return Err(Error::Fields(blocked));
        }
        let journal = if opening.0 > 0 {
            format!("solde initial {}", settings.currency.format_plain(opening))
        } else {
            String::new()
        };
        let id = self.insert_account(d, opening, &journal)?;
        self.get_account(id)
    }

    /// The form checked against the settings: the account to save and its opening balance, or
    /// every field's error.
    fn draft_from_form(&self, form: &AccountForm) -> Result<(AccountDraft, Money)> {
        let st = self.settings()?;
        form.validate(&st.currency, &st.country_code)
            .map_err(Error::Fields)
    }

    /// Turns the account on or off (the table's switch): an edit of the account.
    fn set_enabled(&mut self, id: i64, enabled: bool) -> Result<Account> {
        let a = self.get_account(id)?;
        if a.enabled == enabled {
            return Ok(a);
        }
        let mut d = a.to_draft();
        d.enabled = enabled;
        self.update_account(id, &d)
    }

    /// A movement typed by a person: *Recharge*, *Débit*, *Correction* or *Remboursement*.
    /// `amount` is positive except for a correction, which is signed. A debit or a correction
    /// may not leave a negative balance.
    fn manual_movement(
        &mut self,
        account_id: i64,
        kind: MovementKind,
        amount: Money,
        reason: &str,
    ) -> Result<Movement> {
        let reason = typed_reason(kind, amount, reason)?;
        self.write_movement(TypedMovement {
            account_id,
            kind,
            amount: signed(kind, amount),
            reason,
            currency: self.settings()?.currency,
        })
    }

    /// What the movement would do, without saving it (the window's button and confirmation).
    fn preview_movement(
        &self,
        id: i64,
        kind: MovementKind,
        amount: Money,
    ) -> Result<MovementPreview> {
        let seuil = self.settings()?.confirmation_threshold.0;
        let reserved = self.reserved_amount(id, now())?;
        Ok(preview(kind, amount, self.balance(id)?, seuil, reserved))
    }

    /// A movement typed in the window: above the confirmation threshold it is saved only once
    /// confirmed, so that no page, however it is driven, credits a fortune in one click.
    fn confirmed_movement(
        &mut self,
        account_id: i64,
        kind: MovementKind,
        amount: Money,
        reason: &str,
        confirmed: bool,
    ) -> Result<Movement> {
        needs_confirmation(&self.settings()?, kind, amount, confirmed)?;
        self.manual_movement(account_id, kind, amount, reason)
    }
}
