//! Balance ledger (Gestion de solde): every change of a balance is an append-only movement
//! written in the same transaction as the balance itself.

use super::audit::{self, Subject};
use super::shared::{Get, Lite, Queries, Row};
use super::{now, Sql, Store};
use crate::desk::TypedMovement;
use crate::domain::{AccountDraft, Currency, Field, FieldError, Money};
use crate::error::{Error, Result};
use crate::page::Page;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    Initial,
    Recharge,
    Debit,
    Correction,
    Appel,
    Remboursement,
}

impl MovementKind {
    pub fn code(self) -> &'static str {
        match self {
            MovementKind::Initial => "initial",
            MovementKind::Recharge => "recharge",
            MovementKind::Debit => "debit",
            MovementKind::Correction => "correction",
            MovementKind::Appel => "appel",
            MovementKind::Remboursement => "remboursement",
        }
    }

    pub fn from_code(code: &str) -> Option<MovementKind> {
        [
            MovementKind::Initial,
            MovementKind::Recharge,
            MovementKind::Debit,
            MovementKind::Correction,
            MovementKind::Appel,
            MovementKind::Remboursement,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// Gender of the label, for the words that agree with it ("Correction refusée").
    pub fn genre(self) -> crate::fr::Genre {
        use crate::fr::Genre::*;
        match self {
            MovementKind::Recharge | MovementKind::Correction => Feminin,
            _ => Masculin,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MovementKind::Initial => "Solde initial",
            MovementKind::Recharge => "Recharge",
            MovementKind::Debit => "Débit",
            MovementKind::Correction => "Correction",
            MovementKind::Appel => "Appel",
            MovementKind::Remboursement => "Remboursement",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    pub id: i64,
    pub date: i64,
    #[serde(rename = "type")]
    pub kind: MovementKind,
    pub libelle: &'static str,
    /// Signed, minor units.
    pub montant: i64,
    pub solde_apres: i64,
    pub motif: String,
    pub operateur: String,
}

impl Row for Movement {
    fn read<G: Get>(r: &G) -> std::result::Result<Movement, G::Error> {
        let code: String = r.col(2)?;
        let kind = MovementKind::from_code(&code).unwrap_or(MovementKind::Correction);
        Ok(Movement {
            id: r.col(0)?,
            date: r.col(1)?,
            kind,
            libelle: kind.label(),
            montant: r.col(3)?,
            solde_apres: r.col(4)?,
            motif: r.col(5)?,
            operateur: r.col(6)?,
        })
    }
}

/// `$3`: the last movement shown (`NULL` for the newest): the next page starts below it, so a
/// movement written meanwhile neither repeats a row nor hides one, as an offset would.
static MOVEMENTS_PAGE: Sql = Sql::new(
    "SELECT id, at, kind, amount, balance_after, reason, operator FROM movements
     WHERE account_id = $1 AND id < coalesce($3, 9223372036854775807)
     ORDER BY id DESC LIMIT $2",
);
static BALANCE: Sql = Sql::new("SELECT balance FROM accounts WHERE id = $1");
static MOVEMENT_COUNT: Sql = Sql::new("SELECT count(*) FROM movements WHERE account_id = $1");

/// A page of an account's movements, newest first. On either store.
pub(crate) fn movements(
    q: &mut impl Queries,
    account_id: i64,
    page: Page,
) -> Result<Vec<Movement>> {
    q.rows(&MOVEMENTS_PAGE, &[&account_id, &page.size(), &page.after])
}

/// The account's balance, on either store.
pub(crate) fn balance(q: &mut impl Queries, account_id: i64) -> Result<i64> {
    q.first::<(i64,)>(&BALANCE, &[&account_id])?
        .map(|(b,)| b)
        .ok_or_else(|| Error::no_account(account_id))
}

/// How many movements the account has, on either store.
pub(crate) fn count_movements(q: &mut impl Queries, account_id: i64) -> Result<u64> {
    Ok(q.value::<i64>(&MOVEMENT_COUNT, &[&account_id])? as u64)
}

/// What a movement typed in the window would do, before it is saved: the signed amount, the
/// balance before and after, whether it would be refused (a debit or correction below zero) and
/// whether it must be confirmed first (above the threshold of the Settings). Minor units: the
/// page formats them, it never computes money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovementPreview {
    /// Signed, minor units.
    pub montant: i64,
    pub solde_avant: i64,
    pub solde_apres: i64,
    pub refuse: bool,
    pub confirmation: bool,
    pub seuil: i64,
    /// What calls in progress hold on the balance (their reservations): a debit may leave the
    /// balance above zero and still below what those calls will cost. The window says so; the
    /// rule (no debit below zero) does not change.
    pub reserve: i64,
}

/// The amount typed for a movement of `kind`: positive, or signed for a correction.
pub fn parse_amount(currency: &Currency, kind: MovementKind, raw: &str) -> Result<Money> {
    currency
        .parse(raw, kind == MovementKind::Correction)
        .map_err(|m| Error::field(FieldError::new(Field::Amount, m)))
}

/// The amount as it changes the balance: a debit takes away.
pub(crate) fn signed(kind: MovementKind, amount: Money) -> i64 {
    match kind {
        MovementKind::Debit => -amount.0,
        _ => amount.0,
    }
}

/// Adds to an account's balance (a debit adds a negative amount): the balance after.
pub(crate) static ADD_TO_BALANCE: super::Sql =
    super::Sql::new("UPDATE accounts SET balance = balance + $2 WHERE id = $1 RETURNING balance");

/// Adds `amount` to the balance and appends the movement, in the caller's transaction.
/// Returns the new balance.
pub(crate) fn apply(
    conn: &Connection,
    account_id: i64,
    kind: MovementKind,
    amount: i64,
    reason: &str,
    operator: &str,
    at: i64,
) -> Result<i64> {
    let balance: i64 = conn
        .prepare_cached(ADD_TO_BALANCE.sqlite())?
        .query_row(params![account_id, amount], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::no_account(account_id))?;
    conn.prepare_cached(
        "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        account_id,
        at,
        kind.code(),
        amount,
        balance,
        reason,
        operator
    ])?;
    Ok(balance)
}

/// The reason of a movement typed by hand, its spaces tidied, once kind, amount and reason are
/// right; else every field's error, or the refusal of a kind only the program writes.
pub(crate) fn typed_reason(kind: MovementKind, amount: Money, reason: &str) -> Result<String> {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut errors = Vec::new();
    match kind {
        MovementKind::Correction if amount.0 == 0 => errors.push(FieldError::new(
            Field::Amount,
            "une correction doit être différente de zéro",
        )),
        MovementKind::Correction => {}
        MovementKind::Initial | MovementKind::Appel => {
            return Err(Error::Rejected(format!(
                "Un mouvement « {} » ne se saisit pas à la main.",
                kind.label()
            )))
        }
        _ if amount.0 <= 0 => errors.push(FieldError::new(
            Field::Amount,
            "le montant doit être supérieur à zéro",
        )),
        _ => {}
    }
    if reason.is_empty() && kind != MovementKind::Recharge {
        errors.push(FieldError::new(
            Field::Reason,
            format!(
                "le motif est obligatoire pour un mouvement « {} »",
                kind.label()
            ),
        ));
    }
    errors.extend(crate::domain::field::too_long_reason(
        Field::Reason,
        &reason,
    ));
    if reason.chars().any(crate::domain::name::invisible) {
        errors.push(FieldError::new(
            Field::Reason,
            "le motif contient un caractère de contrôle invisible",
        ));
    }
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(Error::Fields(errors))
    }
}

/// The refusal of a debit or a correction that would take the balance of `name` from
/// `balance` to `after`, below zero.
pub(crate) fn below_zero(
    kind: MovementKind,
    name: &str,
    currency: &Currency,
    balance: i64,
    signed: i64,
    after: i64,
) -> Error {
    Error::Rejected(format!(
        "{} {} : le solde {} est de {} ; {} de {} le rendrait négatif ({}). \
         Aucune modification n'a été faite.",
        kind.label(),
        crate::fr::accord("refusé", kind.genre(), 1),
        crate::fr::de(name),
        currency.format(Money(balance)),
        if kind == MovementKind::Debit {
            "un débit"
        } else {
            "une correction"
        },
        currency.format(Money(signed.abs())),
        currency.format(Money(after)),
    ))
}

/// What a movement that took the balance down to `after` says when calls in progress hold
/// more (`reserved`): the rule (no debit below zero) holds, but their bills at hang-up may
/// take the balance below zero.
pub fn uncovered_reserve(
    currency: &Currency,
    signed: i64,
    after: i64,
    reserved: i64,
) -> Option<String> {
    (signed < 0 && reserved > 0 && after < reserved).then(|| {
        format!(
            "Attention : le solde ({}) ne couvre plus les {} réservés pour les appels en \
             cours : à la fin de ces appels, le solde pourra devenir négatif.",
            currency.format(Money(after)),
            currency.format(Money(reserved)),
        )
    })
}

/// The Journal's line of a movement: signed amount, balance after it, reason if any.
fn journal_details(currency: &Currency, signed: i64, balance: i64, reason: &str) -> String {
    format!(
        "{}{} ; solde {}{}",
        if signed > 0 { "+" } else { "" },
        currency.format_plain(Money(signed)),
        currency.format_plain(Money(balance)),
        if reason.is_empty() {
            String::new()
        } else {
            format!(" ; motif : {reason}")
        }
    )
}

/// The preview of a movement of `amount` on `balance`, for either store.
pub(crate) fn preview(
    kind: MovementKind,
    amount: Money,
    balance: i64,
    seuil: i64,
    reserve: i64,
) -> MovementPreview {
    let montant = signed(kind, amount);
    let after = balance.checked_add(montant);
    MovementPreview {
        montant,
        solde_avant: balance,
        solde_apres: after.unwrap_or(balance),
        refuse: after.is_none_or(|a| montant < 0 && a < 0),
        confirmation: montant.unsigned_abs() > seuil.unsigned_abs(),
        seuil,
        reserve,
    }
}

/// Refuses a movement above the confirmation threshold of the Settings that was not confirmed,
/// so that no page, however it is driven, credits a fortune in one click (either store).
pub(crate) fn needs_confirmation(
    settings: &crate::store::Settings,
    kind: MovementKind,
    amount: Money,
    confirmed: bool,
) -> Result<()> {
    let threshold = settings.confirmation_threshold;
    if !confirmed && signed(kind, amount).unsigned_abs() > threshold.0.unsigned_abs() {
        return Err(Error::Rejected(format!(
            "Le mouvement « {} » de {} dépasse le seuil de confirmation ({}, réglable dans \
             Paramètres) : confirmez-le d'abord. Aucune modification n'a été faite.",
            kind.label(),
            settings.currency.format(amount),
            settings.currency.format(threshold)
        )));
    }
    Ok(())
}

impl crate::desk::Desk for Store {
    fn taken(&self, keys: [Option<&str>; 2], except: Option<i64>) -> Result<Vec<FieldError>> {
        super::accounts::uniqueness_errors(&mut Lite(&self.conn), keys, except)
    }

    fn insert_account(&mut self, d: &AccountDraft, opening: Money, journal: &str) -> Result<i64> {
        self.write_new_account(d, opening, journal)
    }

    fn balance(&self, account_id: i64) -> Result<i64> {
        balance(&mut Lite(&self.conn), account_id)
    }

    fn reserved_amount(&self, account_id: i64, now: i64) -> Result<i64> {
        Store::reserved_amount(self, account_id, now)
    }

    fn count_movements(&self, account_id: i64) -> Result<u64> {
        count_movements(&mut Lite(&self.conn), account_id)
    }

    fn write_movement(&mut self, m: TypedMovement) -> Result<Movement> {
        let operator = self.operator().to_string();
        let tx = self.write_tx()?;
        let (name, matricule, balance): (String, String, i64) = tx
            .query_row(
                "SELECT name, matricule, balance FROM accounts WHERE id = ?1",
                [m.account_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::no_account(m.account_id))?;
        let after = balance
            .checked_add(m.amount)
            .ok_or_else(|| Error::Rejected("Montant hors limites.".into()))?;
        if m.amount < 0 && after < 0 {
            return Err(below_zero(
                m.kind,
                &name,
                &m.currency,
                balance,
                m.amount,
                after,
            ));
        }
        let at = now();
        let new_balance = apply(
            &tx,
            m.account_id,
            m.kind,
            m.amount,
            &m.reason,
            &operator,
            at,
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            &operator,
            m.kind.label(),
            Some(Subject {
                matricule: &matricule,
                name: &name,
            }),
            &journal_details(&m.currency, m.amount, new_balance, &m.reason),
        )?;
        tx.commit()?;
        Ok(m.saved(id, at, new_balance, &operator))
    }
}

impl Store {
    /// A page of an account's movements, newest first.
    pub fn movements(&self, account_id: i64, page: Page) -> Result<Vec<Movement>> {
        movements(&mut Lite(&self.conn), account_id, page)
    }
}
