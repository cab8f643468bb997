//! `account MATRICULE`: one account printed, or its state, billing and allowance changed,
//! audited like the same change made in the window's form.

use crate::args::AccountArgs;
use crate::{Io, EXIT_OK};
use forfaits_core::domain::state::switch_label;
use forfaits_core::domain::{format_duration, Money};
use forfaits_core::rules::{check_suspension, limits_errors};
use forfaits_core::{Base, Error, Result};

pub fn run(base: &mut Base, a: AccountArgs, io: &mut Io<'_>) -> Result<u8> {
    let acc = super::account(|m| base.account_by_matricule(m), &a.matricule)?;
    if a.delete {
        let currency = base.settings()?.currency;
        let gone = base.delete_account(acc.id)?;
        super::w(writeln!(
            io.out,
            "Compte {} ({}) supprimé ; solde final {}.",
            gone.nom,
            gone.matricule,
            currency.format(Money(gone.solde))
        ));
        return Ok(EXIT_OK);
    }
    // Every value checked before the first write: a refused one leaves the account as it was
    // (SPEC §9), whatever else the command asked.
    let today = chrono::Local::now().date_naive();
    let mut errors = limits_errors(a.max_call.map(|o| o.0), a.calls_per_day.map(|o| o.0));
    let allowance = match a.allowance.as_ref().map(|x| x.minutes()).transpose() {
        Ok(minutes) => minutes,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if let (Some(until), Some(reason)) = (a.suspend_until, &a.reason) {
        errors.extend(
            check_suspension(until, reason, today)
                .err()
                .into_iter()
                .flatten(),
        );
    }
    if !errors.is_empty() {
        return Err(Error::Fields(errors));
    }
    // First of the writes: the one that may still be refused (no suspension to lift).
    let acc = match a.resume {
        true => base.resume_account(acc.id)?,
        false => acc,
    };
    let mut draft = acc.to_draft();
    if a.enable {
        draft.enabled = true;
    }
    if a.disable {
        draft.enabled = false;
    }
    if let Some(on) = a.billing {
        draft.billing = on.on();
    }
    if let Some(minutes) = allowance {
        draft.allowance_minutes = minutes;
    }
    let acc = if draft != acc.to_draft() {
        base.update_account(acc.id, &draft)?
    } else {
        acc
    };
    let mut acc = acc;
    if a.max_call.is_some() || a.calls_per_day.is_some() {
        acc = base.set_account_limits(
            acc.id,
            a.max_call.map(|o| o.0),
            a.calls_per_day.map(|o| o.0),
        )?;
    }
    if let (Some(until), Some(reason)) = (a.suspend_until, &a.reason) {
        acc = base.suspend_account(acc.id, until, reason, today)?;
    }
    let currency = base.settings()?.currency;
    let held = base.reserved_amount(acc.id, forfaits_core::store::now())?;
    print(&acc, &currency, held, a.json, io);
    Ok(EXIT_OK)
}

/// The account as `account` prints it (`json`: one object), with the amount held by calls in
/// progress.
fn print(
    acc: &forfaits_core::domain::Account,
    currency: &forfaits_core::domain::Currency,
    held: i64,
    json: bool,
    io: &mut Io<'_>,
) {
    let out = &mut *io.out;
    if json {
        let mut v = super::account_json(acc, currency);
        v["reserve_unites_mineures"] = held.into();
        super::w(writeln!(out, "{v}"));
        return;
    }
    let held_text = if held > 0 {
        format!(
            " (dont {} réservés pour un appel en cours)",
            currency.format_number(Money(held), Some(' ')) + " " + &currency.code
        )
    } else {
        String::new()
    };
    let money = |m: i64| currency.format_number(Money(m), Some(' ')) + " " + &currency.code;
    let minutes = |v: Option<u32>, none: &str| {
        v.map_or(none.into(), |m| {
            forfaits_core::fr::nombre(m.into(), "minute", "minutes")
        })
    };
    let today = chrono::Local::now().date_naive();
    let fields = [
        ("Matricule", acc.matricule.clone()),
        ("Identifiant", acc.identifiant.clone()),
        ("Etat du compte", switch_label(acc.enabled).into()),
        ("Etat général", acc.etat_on(today).label()),
        (
            "Activation calcul billing",
            switch_label(acc.billing).into(),
        ),
        ("Solde", money(acc.balance) + &held_text),
        ("Durée d'appel", minutes(acc.allowance_minutes, "illimitée")),
        ("Durée totale des appels", format_duration(acc.used_seconds)),
        (
            "Durée maximale d'un appel",
            minutes(acc.max_call_minutes, "celle du site"),
        ),
        (
            "Appels par jour",
            acc.calls_per_day
                .map_or("ceux du site".into(), |n| n.to_string()),
        ),
    ];
    let mut lines = vec![acc.name.clone()];
    lines.extend(fields.iter().map(|(label, v)| format!("  {label:<25} {v}")));
    // A suspension over is kept until the next one or *Lever la suspension*, but no longer said.
    if let Some(until) = acc.suspended_until.filter(|_| acc.suspended_on(today)) {
        lines.push(format!(
            "  Suspendu jusqu'au         {} ({})",
            until.format("%d/%m/%Y"),
            acc.suspension_reason
        ));
    }
    for (k, p) in acc.phones.iter().enumerate() {
        if let Some(p) = p {
            lines.push(format!("  Touche {:<2}                {p}", k + 1));
        }
    }
    for l in lines {
        super::w(writeln!(out, "{l}"));
    }
}
