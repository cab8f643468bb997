//! Account state, billing switch and the derived *Etat général* ("why can't this person call?").

use super::Account;
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

impl Account {
    /// *Etat général* on `today` (a local day): the first reason, in the window's order, why
    /// this person cannot call. A list of a million accounts asks the day once.
    pub fn etat_on(&self, today: NaiveDate) -> EtatGeneral {
        if !self.enabled {
            EtatGeneral::CompteDesactive
        } else if let Some(d) = self.suspended_until.filter(|_| self.suspended_on(today)) {
            EtatGeneral::Suspendu(d)
        } else if self.billing && self.balance <= 0 {
            EtatGeneral::SoldeEpuise
        } else if self
            .allowance_minutes
            .is_some_and(|m| self.used_seconds >= i64::from(m) * 60)
        {
            EtatGeneral::ForfaitEpuise
        } else if !self.phones.iter().any(Option::is_some) {
            EtatGeneral::AucunNumero
        } else {
            EtatGeneral::Operationnel
        }
    }

    /// *Etat général* today.
    pub fn etat_general(&self) -> EtatGeneral {
        self.etat_on(chrono::Local::now().date_naive())
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

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    /// An account nothing blocks: enabled, billed with money left, minutes left, one number.
    fn base() -> Account {
        let mut phones = vec![None; crate::domain::KEYS];
        phones[0] = Some("+21698765432".to_string());
        Account {
            id: 1,
            name: "Ben Ali Ahmed".into(),
            matricule: "12345678901234".into(),
            identifiant: "1234567".into(),
            enabled: true,
            billing: true,
            allowance_minutes: Some(10),
            used_seconds: 0,
            balance: 1000,
            phones,
            created_at: 0,
            updated_at: 0,
            max_call_minutes: None,
            calls_per_day: None,
            suspended_until: None,
            suspension_reason: String::new(),
        }
    }

    #[test]
    fn a_suspension_shows_after_disabled_and_ends_after_its_last_day() {
        let mut a = base();
        a.suspended_until = Some(today());
        assert_eq!(a.etat_on(today()).label(), "Suspendu jusqu'au 01/12/2026");
        a.balance = 0;
        assert_eq!(a.etat_on(today()).code(), "suspendu", "before Solde épuisé");
        a.enabled = false;
        assert_eq!(a.etat_on(today()), EtatGeneral::CompteDesactive);
        a.enabled = true;
        a.suspended_until = today().pred_opt();
        assert_eq!(
            a.etat_on(today()),
            EtatGeneral::SoldeEpuise,
            "ended yesterday"
        );
    }

    #[test]
    fn operational_when_nothing_blocks() {
        assert_eq!(base().etat_on(today()), EtatGeneral::Operationnel);
    }

    #[test]
    fn disabled_account_wins_over_everything() {
        let a = Account {
            enabled: false,
            balance: 0,
            phones: vec![None; crate::domain::KEYS],
            ..base()
        };
        assert_eq!(a.etat_on(today()), EtatGeneral::CompteDesactive);
    }

    #[test]
    fn empty_balance_blocks_only_with_billing_on() {
        for (billing, want) in [
            (true, EtatGeneral::SoldeEpuise),
            (false, EtatGeneral::Operationnel),
        ] {
            let a = Account {
                balance: 0,
                billing,
                ..base()
            };
            assert_eq!(a.etat_on(today()), want, "billing {billing}");
        }
    }

    #[test]
    fn allowance_used_up_at_exactly_the_limit() {
        for (used_seconds, allowance_minutes, want) in [
            (599, Some(10), EtatGeneral::Operationnel),
            (600, Some(10), EtatGeneral::ForfaitEpuise),
            (10_000, None, EtatGeneral::Operationnel), // unlimited
        ] {
            let a = Account {
                used_seconds,
                allowance_minutes,
                ..base()
            };
            assert_eq!(
                a.etat_on(today()),
                want,
                "{used_seconds} s of {allowance_minutes:?} min"
            );
        }
    }

    #[test]
    fn no_number_is_reported_last() {
        let a = Account {
            phones: vec![None; crate::domain::KEYS],
            ..base()
        };
        assert_eq!(a.etat_on(today()), EtatGeneral::AucunNumero);
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
