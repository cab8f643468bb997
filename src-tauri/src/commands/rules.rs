//! Call rules (SPEC §12): *Paramètres → Règles d'appel*, the *Numéros* screen, and the account
//! form's section *Règles*. Values arrive as typed; the core reads and checks them.

use super::view::{AccountView, SettingsView};
use chrono::NaiveDate;
use forfaits_core::control::schedule::WeekView;
use forfaits_core::rules::{
    schedule_preview, AccountLimitsForm, BlockedNumber, Blocking, Holder, PrivilegedNumber,
    SiteRulesForm,
};
use forfaits_core::{Base, Error};
use serde::Serialize;

#[derive(Serialize)]
pub struct Numbers {
    pub interdits: Vec<BlockedNumber>,
    pub privilegies: Vec<PrivilegedNumber>,
}

impl Numbers {
    fn of(s: &Base) -> Result<Numbers, Error> {
        Ok(Numbers {
            interdits: s.blocked_numbers()?,
            privilegies: s.privileged_numbers()?,
        })
    }
}

/// Blocked, or (without `force`) the accounts whose keys hold the number and the question to
/// ask before blocking it anyway.
#[derive(Serialize)]
pub struct BlockAnswer {
    pub interdit: Option<BlockedNumber>,
    pub motif: String,
    pub titulaires: Vec<Holder>,
    pub question: String,
}

impl From<Blocking> for BlockAnswer {
    fn from(b: Blocking) -> BlockAnswer {
        match b {
            Blocking::Blocked(b) => BlockAnswer {
                motif: b.motif.clone(),
                interdit: Some(b),
                titulaires: Vec::new(),
                question: String::new(),
            },
            Blocking::Held {
                motif,
                holders,
                question,
            } => BlockAnswer {
                interdit: None,
                motif,
                titulaires: holders,
                question,
            },
        }
    }
}

/// Today on this desk's clock (the last day of a suspension is typed as a date).
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

window_commands! {
    /// The schedule as typed: its canonical text and its week, or the error under the field.
    apercu_horaires(texte: String) -> WeekView { run_blocking(|| schedule_preview(&texte)) }

    enregistrer_regles(formulaire: SiteRulesForm) -> SettingsView {
        with_base(|b| Ok(b.save_site_rules_form(&formulaire)?.into()))
    }

    lister_numeros() -> Numbers { with_base(|s| Numbers::of(s)) }

    interdire_numero(numero: String, raison: String, force: bool) -> BlockAnswer {
        with_base(|s| Ok(s.try_block_number(&numero, &raison, force)?.into()))
    }

    retirer_interdiction(motif: String) -> () { with_base(|s| s.unblock_number(&motif)) }

    privilegier_numero(numero: String, libelle: String, gratuit: bool) -> PrivilegedNumber {
        with_base(|s| s.privilege_number(&numero, &libelle, gratuit))
    }

    retirer_privilege(numero: String) -> () { with_base(|s| s.unprivilege_number(&numero)) }

    /// Per-call maximum and calls per day of one account (empty: the site's).
    regles_compte(id: i64, formulaire: AccountLimitsForm) -> AccountView {
        with_base(|s| Ok(s.save_account_limits_form(id, &formulaire)?.into()))
    }

    suspendre_compte(id: i64, jusquau: String, motif: String) -> AccountView {
        with_base(|s| Ok(s.suspend_account_typed(id, &jusquau, &motif, today())?.into()))
    }

    lever_suspension(id: i64) -> AccountView { with_base(|s| Ok(s.resume_account(id)?.into())) }
}
