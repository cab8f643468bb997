//! Account state, billing switch and the derived *Etat général* ("why can't this person call?").

use chrono::NaiveDate;
use serde::Serialize;

/// *Etat général*, first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EtatGeneral {
    CompteDesactive,
    /// Suspended through this local day (included).
    Suspendu(NaiveDate),
    SoldeEpuise,
    ForfaitEpuise,
    AucunNumero,
    Operationnel,
}

impl EtatGeneral {
    pub fn label(self) -> String {
        match self {
            EtatGeneral::Suspendu(d) => format!("Suspendu jusqu'au {}", d.format("%d/%m/%Y")),
            other => other.fixed_label().into(),
        }
    }

    fn fixed_label(self) -> &'static str {
        match self {
            EtatGeneral::Suspendu(_) => "Suspendu",
            EtatGeneral::CompteDesactive => "Compte désactivé",
            EtatGeneral::SoldeEpuise => "Solde épuisé",
            EtatGeneral::ForfaitEpuise => "Forfait épuisé",
            EtatGeneral::AucunNumero => "Aucun numéro autorisé",
            EtatGeneral::Operationnel => "Opérationnel",
        }
    }

    /// Short stable code the window maps to a badge colour.
    pub fn code(self) -> &'static str {
        match self {
            EtatGeneral::CompteDesactive => "desactive",
            EtatGeneral::Suspendu(_) => "suspendu",
            EtatGeneral::SoldeEpuise => "solde",
            EtatGeneral::ForfaitEpuise => "forfait",
            EtatGeneral::AucunNumero => "numero",
            EtatGeneral::Operationnel => "ok",
        }
    }
}

/// Inputs of the derivation, kept separate so the rule is one pure function.
pub struct EtatInputs {
    pub enabled: bool,
    pub billing: bool,
    pub balance_minor: i64,
    pub allowance_minutes: Option<u32>,
    pub used_seconds: i64,
    pub has_numbers: bool,
    /// Last day of a suspension, if any, and the local day it is now.
    pub suspended_until: Option<NaiveDate>,
    pub today: NaiveDate,
}

pub fn etat_general(i: &EtatInputs) -> EtatGeneral {
    if !i.enabled {
        EtatGeneral::CompteDesactive
    } else if let Some(d) = i.suspended_until.filter(|d| *d >= i.today) {
        EtatGeneral::Suspendu(d)
    } else if i.billing && i.balance_minor <= 0 {
        EtatGeneral::SoldeEpuise
    } else if i
        .allowance_minutes
        .is_some_and(|m| i.used_seconds >= m as i64 * 60)
    {
        EtatGeneral::ForfaitEpuise
    } else if !i.has_numbers {
        EtatGeneral::AucunNumero
    } else {
        EtatGeneral::Operationnel
    }
}

/// *Activé* / *Désactivé*, the wording of both switches.
pub fn switch_label(on: bool) -> &'static str {
    if on {
        "Activé"
    } else {
        "Désactivé"
    }
}

/// Parses the switch wording (and the usual yes/no spellings) for the command line and files.
pub fn parse_switch(raw: &str) -> Option<bool> {
    match crate::text::fold(raw.trim()).as_str() {
        "active" | "oui" | "1" | "on" | "vrai" => Some(true),
        "desactive" | "non" | "0" | "off" | "faux" => Some(false),
        _ => None,
    }
}

/// Seconds shown as `h:mm:ss`.
pub fn format_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> EtatInputs {
        EtatInputs {
            enabled: true,
            billing: true,
            balance_minor: 1000,
            allowance_minutes: Some(10),
            used_seconds: 0,
            has_numbers: true,
            suspended_until: None,
            today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        }
    }

    #[test]
    fn a_suspension_shows_after_disabled_and_ends_after_its_last_day() {
        let today = base().today;
        let mut i = base();
        i.suspended_until = Some(today);
        assert_eq!(etat_general(&i).label(), "Suspendu jusqu'au 01/12/2026");
        i.balance_minor = 0;
        assert_eq!(etat_general(&i).code(), "suspendu", "before Solde épuisé");
        i.enabled = false;
        assert_eq!(etat_general(&i), EtatGeneral::CompteDesactive);
        i.enabled = true;
        i.suspended_until = today.pred_opt();
        assert_eq!(
            etat_general(&i),
            EtatGeneral::SoldeEpuise,
            "ended yesterday"
        );
    }

    #[test]
    fn operational_when_nothing_blocks() {
        assert_eq!(etat_general(&base()), EtatGeneral::Operationnel);
    }

    #[test]
    fn disabled_account_wins_over_everything() {
        let i = EtatInputs {
            enabled: false,
            balance_minor: 0,
            has_numbers: false,
            ..base()
        };
        assert_eq!(etat_general(&i), EtatGeneral::CompteDesactive);
    }

    #[test]
    fn empty_balance_blocks_only_with_billing_on() {
        for (billing, want) in [
            (true, EtatGeneral::SoldeEpuise),
            (false, EtatGeneral::Operationnel),
        ] {
            let i = EtatInputs {
                balance_minor: 0,
                billing,
                ..base()
            };
            assert_eq!(etat_general(&i), want, "billing {billing}");
        }
    }

    #[test]
    fn allowance_used_up_at_exactly_the_limit() {
        for (used_seconds, allowance_minutes, want) in [
            (599, Some(10), EtatGeneral::Operationnel),
            (600, Some(10), EtatGeneral::ForfaitEpuise),
            (10_000, None, EtatGeneral::Operationnel), // unlimited
        ] {
            let i = EtatInputs {
                used_seconds,
                allowance_minutes,
                ..base()
            };
            assert_eq!(
                etat_general(&i),
                want,
                "{used_seconds} s of {allowance_minutes:?} min"
            );
        }
    }

    #[test]
    fn no_number_is_reported_last() {
        let i = EtatInputs {
            has_numbers: false,
            ..base()
        };
        assert_eq!(etat_general(&i), EtatGeneral::AucunNumero);
    }

    #[test]
    fn durations_read_as_hours_minutes_seconds() {
        assert_eq!(format_duration(241), "0:04:01");
        assert_eq!(format_duration(36_000 + 61), "10:01:01");
    }

    #[test]
    fn switch_words_parse() {
        assert_eq!(parse_switch("Activé"), Some(true));
        assert_eq!(parse_switch("DESACTIVE"), Some(false));
        assert_eq!(parse_switch("peut-être"), None);
    }
}
