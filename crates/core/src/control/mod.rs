//! Call control (SPEC §11): before every call the telephony server asks whether it may go
//! through and for how long; the answer holds what the call can cost on the balance (a
//! reservation, in the same write transaction as the checks), so that calls of one account
//! started together can never be granted more than its balance. At hang-up the call is billed
//! exactly as a loaded call record would be, and the reservation released.
//!
//! This module is the decision and its storage; the FastAGI protocol and the server live in
//! the `forfaits-agi` crate, the window's and the command line's views elsewhere.

pub(crate) mod attempts;
pub(crate) mod db;
mod decide;
pub mod limit;
pub mod schedule;

pub use attempts::{Attempt, AttemptCounts, AttemptHistory, AttemptRow};
pub use decide::{
    Answer, AuthorizeRequest, Authorized, Decision, FinishRequest, Finished, Request, Service,
    Verdict, EXPIRY_MARGIN_S,
};

use serde::Serialize;

/// Why a call is refused, in the order the checks run (SPEC §11). The codes are what the dial
/// plan branches on: they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Refusal {
    UnknownAccount,
    DisabledAccount,
    SuspendedAccount,
    EmptyKey,
    NumberNotAllowed,
    BlockedNumber,
    OutsideHours,
    DailyQuota,
    AllowanceUsed,
    NoTariff,
    InsufficientBalance,
    /// The database could not be read or written in time: the service fails closed.
    Internal,
}

impl Refusal {
    pub const ALL: [Refusal; 12] = [
        Refusal::UnknownAccount,
        Refusal::DisabledAccount,
        Refusal::SuspendedAccount,
        Refusal::EmptyKey,
        Refusal::NumberNotAllowed,
        Refusal::BlockedNumber,
        Refusal::OutsideHours,
        Refusal::DailyQuota,
        Refusal::AllowanceUsed,
        Refusal::NoTariff,
        Refusal::InsufficientBalance,
        Refusal::Internal,
    ];

    /// `FORFAITS_MOTIF`.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::UnknownAccount => "compte_inconnu",
            Refusal::DisabledAccount => "compte_desactive",
            Refusal::SuspendedAccount => "compte_suspendu",
            Refusal::EmptyKey => "touche_vide",
            Refusal::NumberNotAllowed => "numero_non_autorise",
            Refusal::BlockedNumber => "numero_bloque",
            Refusal::OutsideHours => "hors_horaires",
            Refusal::DailyQuota => "quota_journalier",
            Refusal::AllowanceUsed => "forfait_epuise",
            Refusal::NoTariff => "aucun_tarif",
            Refusal::InsufficientBalance => "solde_insuffisant",
            Refusal::Internal => "erreur",
        }
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What a clerk reads in the history: « Refusé : solde insuffisant ».
    pub fn label(self) -> &'static str {
        match self {
            Refusal::UnknownAccount => "compte inconnu",
            Refusal::DisabledAccount => "compte désactivé",
            Refusal::SuspendedAccount => "compte suspendu",
            Refusal::EmptyKey => "touche sans numéro",
            Refusal::NumberNotAllowed => "numéro non autorisé",
            Refusal::BlockedNumber => "numéro interdit",
            Refusal::OutsideHours => "hors horaires",
            Refusal::DailyQuota => "nombre d'appels du jour atteint",
            Refusal::AllowanceUsed => "forfait épuisé",
            Refusal::NoTariff => "aucun tarif",
            Refusal::InsufficientBalance => "solde insuffisant",
            Refusal::Internal => "erreur interne",
        }
    }
}

impl From<Refusal> for &'static str {
    fn from(r: Refusal) -> &'static str {
        r.code()
    }
}

/// `11 min 06 s`: a granted duration as the history says it.
pub fn format_granted(seconds: i64) -> String {
    let s = seconds.max(0);
    match (s / 3600, (s / 60) % 60, s % 60) {
        (0, 0, sec) => format!("{sec} s"),
        (0, min, sec) => format!("{min} min {sec:02} s"),
        (h, min, sec) => format!("{h} h {min:02} min {sec:02} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for r in Refusal::ALL {
            assert!(seen.insert(r.code()), "{}", r.code());
            assert_eq!(Refusal::from_code(r.code()), Some(r));
        }
        assert_eq!(Refusal::from_code("ok"), None);
    }

    #[test]
    fn granted_durations_read_like_a_clerk_says_them() {
        assert_eq!(format_granted(666), "11 min 06 s");
        assert_eq!(format_granted(45), "45 s");
        assert_eq!(format_granted(3600), "1 h 00 min 00 s");
    }
}
