//! An account as validated input (`AccountDraft`) and as read back (`Account`).

use super::codes::Source;
use super::codes::{Identifiant, Matricule};
use super::field::{shown, Field, FieldError};
use super::money::{Currency, Money};
use super::name::Name;
use super::phone::{same_number, CountryCode, Phone};

pub const KEYS: usize = 10;

/// Everything an administrator sets on an account, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountDraft {
    pub name: Name,
    pub matricule: Matricule,
    pub identifiant: Identifiant,
    pub enabled: bool,
    pub billing: bool,
    pub allowance_minutes: Option<u32>,
    pub phones: [Option<Phone>; KEYS],
}

impl AccountDraft {
    /// The two values no other account may hold: matricule and identifiant.
    pub fn unique_keys(&self) -> [Option<&str>; 2] {
        [
            Some(self.matricule.as_str()),
            Some(self.identifiant.as_str()),
        ]
    }
}

/// The form as typed: raw text, validated here so that the rules live in one place (the
/// window's names for these fields are the shell's).
#[derive(Debug, Clone, Default)]
pub struct AccountForm {
    pub name: String,
    pub matricule: String,
    pub identifiant: String,
    pub enabled: bool,
    pub billing: bool,
    /// Minutes, empty for unlimited.
    pub allowance: String,
    /// Opening balance; only read when the account is created.
    pub opening_balance: String,
    pub phones: Vec<String>,
}

/// Largest allowance accepted: about two years of calls, far beyond any real plan.
const MAX_ALLOWANCE: u32 = 1_000_000;

pub fn parse_allowance(raw: &str) -> Result<Option<u32>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<u32>() {
        Ok(n) if n <= MAX_ALLOWANCE && v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
        _ => Err(FieldError::new(
            Field::Allowance,
            format!(
                "la durée d'appel est un nombre entier de minutes entre 0 et {}, ou vide pour illimité (reçu : {})",
                crate::fr::thousands(MAX_ALLOWANCE.into()),
                shown(v)
            ),
        )),
    }
}

/// No number twice in one account, whatever the way it is written.
pub fn duplicate_phone_errors(phones: &[Option<Phone>], cc: &CountryCode) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, p) in phones.iter().enumerate() {
        let Some(p) = p else { continue };
        let first = phones[..i].iter().position(|q| {
            q.as_ref()
                .is_some_and(|q| same_number(q.as_str(), p.as_str(), cc))
        });
        if let Some(first) = first {
            errors.push(FieldError::new(
                Field::Phone(i as u8 + 1),
                format!(
                    "le numéro {} figure déjà sur la touche {}",
                    p.as_str(),
                    first + 1
                ),
            ));
        }
    }
    errors
}

/// The ten keys as the form and the import read them (missing or empty: no number), and their
/// errors: each key's own, then each number already on an earlier key.
pub fn parse_keys<'a>(
    raws: impl IntoIterator<Item = &'a str>,
    source: Source,
    cc: &CountryCode,
) -> ([Option<Phone>; KEYS], Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut phones: [Option<Phone>; KEYS] = Default::default();
    for (i, raw) in raws.into_iter().take(KEYS).enumerate() {
        match Phone::parse_key(raw, i as u8 + 1, source, cc) {
            Ok(p) => phones[i] = p,
            Err(e) => errors.push(e),
        }
    }
    errors.extend(duplicate_phone_errors(&phones, cc));
    (phones, errors)
}

/// What the form and the import say today of keys stored earlier: a rule added since (a lost
/// « + », « +0… ») leaves the keys it refuses stored until someone edits them.
pub fn stored_key_errors(stored: &[Option<String>], cc: &CountryCode) -> Vec<FieldError> {
    let raws = stored.iter().map(|s| s.as_deref().unwrap_or(""));
    parse_keys(raws, Source::Typed, cc).1
}

impl AccountForm {
    /// Validates every field and reports all errors at once.
    pub fn validate(
        &self,
        currency: &Currency,
        cc: &CountryCode,
    ) -> Result<(AccountDraft, Money), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = Name::parse(&self.name).map_err(|e| errors.push(e)).ok();
        let matricule = Matricule::parse(&self.matricule)
            .map_err(|e| errors.push(e))
            .ok();
        let identifiant = Identifiant::parse(&self.identifiant)
            .map_err(|e| errors.push(e))
            .ok();
        let allowance = parse_allowance(&self.allowance)
            .map_err(|e| errors.push(e))
            .ok();
        let opening = if self.opening_balance.trim().is_empty() {
            Some(Money(0))
        } else {
            currency
                .parse(&self.opening_balance, false)
                .map_err(|m| errors.push(FieldError::new(Field::Balance, m)))
                .ok()
        };
        if self.phones.len() > KEYS {
            errors.push(FieldError::new(
                Field::Phone(KEYS as u8),
                format!("au plus {KEYS} numéros autorisés"),
            ));
        }
        let (phones, key_errors) =
            parse_keys(self.phones.iter().map(String::as_str), Source::Typed, cc);
        errors.extend(key_errors);
        match (name, matricule, identifiant, allowance, opening) {
            (Some(name), Some(matricule), Some(identifiant), Some(allowance), Some(opening))
                if errors.is_empty() =>
            {
                Ok((
                    AccountDraft {
                        name,
                        matricule,
                        identifiant,
                        enabled: self.enabled,
                        billing: self.billing,
                        allowance_minutes: allowance,
                        phones,
                    },
                    opening,
                ))
            }
            _ => Err(errors),
        }
    }
}

/// An account as stored. The window's and the command line's names for its fields are theirs
/// (the shell's `AccountView`, the CLI's `account_json`); these are the core's.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub matricule: String,
    pub identifiant: String,
    pub enabled: bool,
    pub billing: bool,
    pub allowance_minutes: Option<u32>,
    /// Seconds of answered calls (*Durée totale des appels*).
    pub used_seconds: i64,
    /// Balance in minor units.
    pub balance: i64,
    /// Keys 1..=10, as written.
    pub phones: Vec<Option<String>>,
    /// Seconds since 1970-01-01 UTC.
    pub created_at: i64,
    pub updated_at: i64,
    /// Call rules of this account (SPEC §12): overrides of the site's per-call maximum and
    /// calls per day (`None`: the site's), and a suspension through a local day.
    pub max_call_minutes: Option<u32>,
    pub calls_per_day: Option<u32>,
    pub suspended_until: Option<chrono::NaiveDate>,
    pub suspension_reason: String,
}

impl Account {
    /// Whether calls are suspended on `today` (the suspension's last day included).
    pub fn suspended_on(&self, today: chrono::NaiveDate) -> bool {
        self.suspended_until.is_some_and(|d| d >= today)
    }

    /// The stored account as a draft, to edit one field and save the rest unchanged.
    pub fn to_draft(&self) -> AccountDraft {
        let mut phones: [Option<Phone>; KEYS] = Default::default();
        for (i, p) in self.phones.iter().enumerate().take(KEYS) {
            phones[i] = p.clone().map(Phone::from_db);
        }
        AccountDraft {
            name: Name::from_db(self.name.clone()),
            matricule: Matricule::from_db(self.matricule.clone()),
            identifiant: Identifiant::from_db(self.identifiant.clone()),
            enabled: self.enabled,
            billing: self.billing,
            allowance_minutes: self.allowance_minutes,
            phones,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AccountForm {
        AccountForm {
            name: "Sami Mansouri".into(),
            matricule: "10000000007919".into(),
            identifiant: "8812311".into(),
            enabled: true,
            billing: true,
            allowance: "".into(),
            opening_balance: "".into(),
            phones: vec!["26630494".into(), "".into(), "+21642699102".into()],
        }
    }

    #[test]
    fn valid_form_keeps_key_positions() {
        let (d, opening) = form()
            .validate(&Currency::default(), &CountryCode::default())
            .unwrap();
        assert_eq!(opening, Money(0));
        assert_eq!(d.phones[0].as_ref().unwrap().as_str(), "26630494");
        assert!(d.phones[1].is_none());
        assert_eq!(d.phones[2].as_ref().unwrap().as_str(), "+21642699102");
        assert_eq!(d.allowance_minutes, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let f = AccountForm {
            name: "".into(),
            matricule: "123".into(),
            identifiant: "abc".into(),
            allowance: "-5".into(),
            opening_balance: "1,2345".into(),
            phones: vec!["x".into()],
            ..form()
        };
        let errs = f
            .validate(&Currency::default(), &CountryCode::default())
            .unwrap_err();
        let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::Name,
                Field::Matricule,
                Field::Identifiant,
                Field::Allowance,
                Field::Balance,
                Field::Phone(1)
            ]
        );
    }

    #[test]
    fn same_number_written_two_ways_is_refused_on_the_later_key() {
        let f = AccountForm {
            phones: vec!["26630494".into(), "".into(), "0021626630494".into()],
            ..form()
        };
        let errs = f
            .validate(&Currency::default(), &CountryCode::default())
            .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, Field::Phone(3));
        assert!(errs[0].message.contains("touche 1"));
    }

    #[test]
    fn allowance_is_whole_minutes_or_empty() {
        assert_eq!(parse_allowance(""), Ok(None));
        assert_eq!(parse_allowance("120"), Ok(Some(120)));
        assert!(parse_allowance("1,5").is_err());
        assert!(parse_allowance("+5").is_err());
        assert!(parse_allowance("99999999").is_err());
    }

    #[test]
    fn negative_opening_balance_is_refused() {
        let f = AccountForm {
            opening_balance: "-1".into(),
            ..form()
        };
        let errs = f
            .validate(&Currency::default(), &CountryCode::default())
            .unwrap_err();
        assert_eq!(errs[0].field, Field::Balance);
    }
}
