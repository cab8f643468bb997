//! Call rules (SPEC §12): *Paramètres → Règles d'appel*, the *Numéros* screen, and the account
//! form's section *Règles*. Values arrive as typed; the core reads and checks them.

use super::view::{AccountView, SettingsView};
use crate::Call;
use forfaits_core::control::schedule::WeekView;
use forfaits_core::prelude::*;
use forfaits_core::rules::{
    schedule_preview, AccountLimitsForm, BlockedNumber, Blocking, Holder, PrivilegedNumber,
    SiteRulesForm,
};
use forfaits_core::Error;
use serde::Serialize;

/// The schedule as typed: its canonical text and its week, or the error under the field.
#[tauri::command]
pub async fn apercu_horaires(state: Call<'_>, texte: String) -> Result<WeekView, Error> {
    state.run_blocking(move || schedule_preview(&texte)).await
}

#[tauri::command]
pub async fn enregistrer_regles(
    state: Call<'_>,
    formulaire: SiteRulesForm,
) -> Result<SettingsView, Error> {
    state
        .with_store(move |s| Ok(s.save_site_rules_form(&formulaire)?.into()))
        .await
}

#[derive(Serialize)]
pub struct Numbers {
    pub interdits: Vec<BlockedNumber>,
    pub privilegies: Vec<PrivilegedNumber>,
}

#[tauri::command]
pub async fn lister_numeros(state: Call<'_>) -> Result<Numbers, Error> {
    state
        .with_store(|s| {
            Ok(Numbers {
                interdits: s.blocked_numbers()?,
                privilegies: s.privileged_numbers()?,
            })
        })
        .await
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

#[tauri::command]
pub async fn interdire_numero(
    state: Call<'_>,
    numero: String,
    raison: String,
    force: bool,
) -> Result<BlockAnswer, Error> {
    state
        .with_store(move |s| {
            Ok(match s.try_block_number(&numero, &raison, force)? {
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
            })
        })
        .await
}

#[tauri::command]
pub async fn retirer_interdiction(state: Call<'_>, motif: String) -> Result<(), Error> {
    state.with_store(move |s| s.unblock_number(&motif)).await
}

#[tauri::command]
pub async fn privilegier_numero(
    state: Call<'_>,
    numero: String,
    libelle: String,
    gratuit: bool,
) -> Result<PrivilegedNumber, Error> {
    state
        .with_store(move |s| s.privilege_number(&numero, &libelle, gratuit))
        .await
}

#[tauri::command]
pub async fn retirer_privilege(state: Call<'_>, numero: String) -> Result<(), Error> {
    state
        .with_store(move |s| s.unprivilege_number(&numero))
        .await
}

/// Per-call maximum and calls per day of one account (empty: the site's).
#[tauri::command]
pub async fn regles_compte(
    state: Call<'_>,
    id: i64,
    formulaire: AccountLimitsForm,
) -> Result<AccountView, Error> {
    state
        .with_store(move |s| Ok(s.save_account_limits_form(id, &formulaire)?.into()))
        .await
}

#[tauri::command]
pub async fn suspendre_compte(
    state: Call<'_>,
    id: i64,
    jusquau: String,
    motif: String,
) -> Result<AccountView, Error> {
    let today = chrono::Local::now().date_naive();
    state
        .with_store(move |s| Ok(s.suspend_account_typed(id, &jusquau, &motif, today)?.into()))
        .await
}

#[tauri::command]
pub async fn lever_suspension(state: Call<'_>, id: i64) -> Result<AccountView, Error> {
    state
        .with_store(move |s| Ok(s.resume_account(id)?.into()))
        .await
}
