//! Call rules of a closed institution (SPEC §12), beyond a balance and ten keys: blocked and
//! privileged numbers (`numbers`), the site's calling hours, per-call maximum and calls per day,
//! and per account the overrides of those two and a suspension. Set by clerks, audited, enforced
//! by the call-control decisions.

pub mod numbers;

pub use numbers::{BlockedNumber, Blocking, Holder, NumberRules, PrivilegedNumber};

use crate::base::Basics;
use crate::control::schedule::Schedule;
use crate::domain::{Account, Field, FieldError};
use crate::error::{Error, Result};
use crate::store::audit::{self, JournalLine};
use crate::store::settings::{write_settings, SettingWrites, GET_SETTING, MAX_CALL_MINUTES};
use crate::store::shared::{Lite, Queries};
use crate::store::{Settings, Store};
use chrono::NaiveDate;

/// Most calls a day a rule may allow (beyond, it is no rule).
pub const MAX_CALLS_PER_DAY: u32 = 1000;

/// A change of the site's rules; `None` leaves a rule as it is.
#[derive(Debug, Clone, Default)]
pub struct SiteRulesChange {
    pub hours: Option<String>,
    pub max_call_minutes: Option<u32>,
    /// `Some(None)`: no daily limit.
    pub calls_per_day: Option<Option<u32>>,
}

/// `v` when it is from 1 to `max`, else the field's error (`why` given `v`).
fn in_range(
    v: u32,
    max: u32,
    field: Field,
    why: impl FnOnce(u32) -> String,
) -> std::result::Result<u32, FieldError> {
    match (1..=max).contains(&v) {
        true => Ok(v),
        false => Err(FieldError::new(field, why(v))),
    }
}

/// The per-call maximum of the site (*Règles d'appel*, *Paramètres*) or of an account.
pub(crate) fn check_max_call(m: u32) -> std::result::Result<u32, FieldError> {
    in_range(m, MAX_CALL_MINUTES, Field::MaxCall, |m| {
        format!("la durée maximale d'un appel va de 1 à {MAX_CALL_MINUTES} minutes (reçu : {m})")
    })
}

fn check_calls_per_day(n: u32) -> std::result::Result<u32, FieldError> {
    in_range(n, MAX_CALLS_PER_DAY, Field::CallsPerDay, |n| {
        format!(
            "le nombre d'appels par jour va de 1 à {MAX_CALLS_PER_DAY} (reçu : {n}) ; pour \
             interdire les appels, suspendez le compte"
        )
    })
}

/// *Paramètres → Règles d'appel* as the window sends it: each value as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SiteRulesForm {
    #[serde(default)]
    pub horaires: String,
    /// Required: the site always has a per-call maximum.
    #[serde(default)]
    pub duree_max_appel: String,
    /// Empty: no daily limit.
    #[serde(default)]
    pub appels_par_jour: String,
}

impl SiteRulesForm {
    /// The change as typed: every error at once, under its field.
    pub fn change(&self) -> Result<SiteRulesChange> {
        let f = self;
        let mut errors = Vec::new();
        let max_call = match typed_number(&f.duree_max_appel, Field::MaxCall, "de minutes", None) {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                errors.push(FieldError::new(
                    Field::MaxCall,
                    format!(
                        "la durée maximale d'un appel est obligatoire : de 1 à \
                         {MAX_CALL_MINUTES} minutes"
                    ),
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let per_day = typed_number(
            &f.appels_par_jour,
            Field::CallsPerDay,
            "d'appels",
            Some("pour ne pas limiter"),
        )
        .map_err(|e| errors.push(e))
        .ok();
        let change = SiteRulesChange {
            hours: Some(f.horaires.clone()),
            max_call_minutes: max_call,
            calls_per_day: per_day,
        };
        if let Err(more) = check_site_rules(&change) {
            errors.extend(more);
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| match e.field {
                Field::CallHours => 0,
                Field::MaxCall => 1,
                _ => 2,
            });
            return Err(Error::Fields(errors));
        }
        Ok(change)
    }
}

/// The section *Règles* of the account form, as typed; empty: the site's value.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AccountLimitsForm {
    #[serde(default)]
    pub duree_max_appel: String,
    #[serde(default)]
    pub appels_par_jour: String,
}

/// A whole number typed in `field`; empty gives `None`. `what` names the unit and `empty`
/// says what leaving the field empty means (when it may be left empty), for the error.
fn typed_number(
    raw: &str,
    field: Field,
    what: &str,
    empty: Option<&str>,
) -> std::result::Result<Option<u32>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(v.parse().ok());
    }
    Err(FieldError::new(
        field,
        format!(
            "écrivez un nombre entier {what}{} (reçu : « {} »)",
            empty
                .map(|e| format!(", ou laissez vide {e}"))
                .unwrap_or_default(),
            crate::domain::field::shown(v)
        ),
    ))
}

/// A limit of the account form as typed (empty: the site's), checked: the per-call maximum
/// (`Field::MaxCall`) or the calls per day.
fn account_limit(raw: &str, field: Field) -> std::result::Result<Option<u32>, FieldError> {
    type Check = fn(u32) -> std::result::Result<u32, FieldError>;
    let (what, empty, check): (_, _, Check) = match field {
        Field::MaxCall => ("de minutes", "pour celle du site", check_max_call),
        _ => ("d'appels", "pour ceux du site", check_calls_per_day),
    };
    typed_number(raw, field, what, Some(empty))?
        .map(check)
        .transpose()
}

/// The schedule as typed, checked and drawn for the window: its canonical text and its week,
/// or the parser's error under the field *Horaires d'appel*.
pub fn schedule_preview(raw: &str) -> Result<crate::control::schedule::WeekView> {
    Schedule::parse(raw)
        .map(|s| s.week_view())
        .map_err(|m| Error::field(FieldError::new(Field::CallHours, m)))
}

/// What a valid [`SiteRulesChange`] writes.
type CheckedSiteRules = (Option<Schedule>, Option<u32>, Option<Option<u32>>);

fn check_site_rules(c: &SiteRulesChange) -> std::result::Result<CheckedSiteRules, Vec<FieldError>> {
    let mut errors = Vec::new();
    let hours = match &c.hours {
        None => None,
        Some(text) => match Schedule::parse(text) {
            Ok(s) => Some(s),
            Err(m) => {
                errors.push(FieldError::new(Field::CallHours, m));
                None
            }
        },
    };
    let max_call = c
        .max_call_minutes
        .map(check_max_call)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let per_day = match c.calls_per_day {
        Some(Some(n)) => match check_calls_per_day(n) {
            Ok(n) => Some(Some(n)),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        other => other,
    };
    if errors.is_empty() {
        Ok((hours, max_call, per_day))
    } else {
        Err(errors)
    }
}

/// What [`AccountRules::set_account_limits`] refuses, every error at once (none: the values
/// are saved as given). A front that changes more than the limits checks them first.
pub fn limits_errors(
    max_call: Option<Option<u32>>,
    calls_per_day: Option<Option<u32>>,
) -> Vec<FieldError> {
    let max_call = max_call.flatten().map(check_max_call);
    let per_day = calls_per_day.flatten().map(check_calls_per_day);
    [
        max_call.and_then(|r| r.err()),
        per_day.and_then(|r| r.err()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The reason as kept, or what [`AccountRules::suspend_account`] refuses, every error at once.
pub fn check_suspension(
    until: NaiveDate,
    reason: &str,
    today: NaiveDate,
) -> std::result::Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    if until < today {
        errors.push(FieldError::new(
            Field::SuspensionEnd,
            format!(
                "la suspension doit finir aujourd'hui ou plus tard (reçu : {})",
                until.format("%d/%m/%Y")
            ),
        ));
    }
    match suspension_reason(reason) {
        Ok(r) if errors.is_empty() => Ok(r),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(e);
            Err(errors)
        }
    }
}

fn fields_ok(errors: Vec<FieldError>) -> Result<()> {
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Fields(errors)),
    }
}

fn suspension_reason(reason: &str) -> std::result::Result<String, FieldError> {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        Err(FieldError::new(
            Field::SuspensionReason,
            "le motif de la suspension est obligatoire (discipline, transfert…)",
        ))
    } else if let Some(e) = crate::domain::field::too_long_reason(Field::SuspensionReason, &reason)
    {
        Err(e)
    } else if reason.chars().any(crate::domain::name::invisible) {
        Err(FieldError::new(
            Field::SuspensionReason,
            "le motif de la suspension contient un caractère de contrôle invisible",
        ))
    } else {
        Ok(reason)
    }
}

/// « 12 appels par jour », « sans limite ».
fn per_day_text(n: Option<u32>) -> String {
    match n {
        Some(n) => format!(
            "{} par jour",
            crate::fr::nombre(n.into(), "appel", "appels")
        ),
        None => "sans limite par jour".into(),
    }
}

/// The settings a change of the site's rules writes (`None`: the key removed) and the Journal's
/// words for each, once every rule is checked; both stores apply them alike.
fn site_rules_writes(c: &SiteRulesChange) -> Result<(SettingWrites, Vec<String>)> {
    let (hours, max_call, per_day) = check_site_rules(c).map_err(Error::Fields)?;
    let mut writes = Vec::new();
    let mut changes = Vec::new();
    if let Some(s) = &hours {
        writes.push(("call_hours", Some(s.to_string())));
        changes.push(format!("horaires : {s}"));
    }
    if let Some(m) = max_call {
        writes.push(("max_call_minutes", Some(m.to_string())));
        changes.push(format!(
            "appel de {} au plus",
            crate::fr::nombre(m.into(), "minute", "minutes")
        ));
    }
    if let Some(n) = per_day {
        writes.push(("calls_per_day", n.map(|n| n.to_string())));
        changes.push(per_day_text(n));
    }
    Ok((writes, changes))
}

/// Writes the site's rules that change what is stored, in the caller's transaction (every rule
/// checked first); the Journal's words of those. Empty: the rules were saved as they were, and
/// there is nothing to journal.
pub(crate) fn write_site_rules(q: &mut impl Queries, c: &SiteRulesChange) -> Result<Vec<String>> {
    let (writes, words) = site_rules_writes(c)?;
    // A rule never saved is its default: saving the default changes nothing either.
    let d = Settings::default();
    let default = |key: &str| match key {
        "call_hours" => Some(d.call_hours.to_string()),
        "max_call_minutes" => Some(d.max_call_minutes.to_string()),
        _ => d.calls_per_day.map(|n| n.to_string()),
    };
    let mut changed = Vec::new();
    for (write, said) in writes.into_iter().zip(words) {
        let stored: Option<(String,)> = q.first(&GET_SETTING, &[&write.0])?;
        if stored.map_or_else(|| default(write.0), |(v,)| Some(v)) != write.1 {
            write_settings(q, &[write])?;
            changed.push(said);
        }
    }
    Ok(changed)
}

/// The Journal's action of a change of the site's rules.
pub(crate) const SITE_RULES_CHANGED: &str = "Règles d'appel modifiées";

impl Store {
    /// Saves the site's rules after checking every one; nothing is saved if one is wrong.
    pub fn save_site_rules(&mut self, c: &SiteRulesChange) -> Result<Settings> {
        let operator = self.operator().to_string();
        let tx = self.write_tx()?;
        let changes = write_site_rules(&mut Lite(&tx), c)?;
        if !changes.is_empty() {
            audit::record(
                &tx,
                &operator,
                SITE_RULES_CHANGED,
                None,
                &changes.join(" ; "),
            )?;
        }
        tx.commit()?;
        self.settings()
    }
}

/// An account's own call rules: the checks and the Journal's words once, the row written by
/// each store.
pub trait AccountRules: Basics {
    /// Saves `change` on the account `a` with its time of change and the Journal's line, in one
    /// transaction; returns the account as saved.
    fn apply_change(&mut self, a: &Account, c: &AccountChange, j: JournalLine) -> Result<Account>;

    /// The section *Règles* of the account form as typed (empty: the site's value).
    fn save_account_limits_form(&mut self, id: i64, f: &AccountLimitsForm) -> Result<Account> {
        let max_call = account_limit(&f.duree_max_appel, Field::MaxCall);
        let per_day = account_limit(&f.appels_par_jour, Field::CallsPerDay);
        match (max_call, per_day) {
            (Ok(m), Ok(n)) => self.set_account_limits(id, Some(m), Some(n)),
            (m, n) => Err(Error::Fields(m.err().into_iter().chain(n.err()).collect())),
        }
    }

    /// A suspension as the window sends it: the last day as typed (`AAAA-MM-JJ` from the date
    /// picker, or `jj/mm/aaaa`) and the reason; every error at once.
    fn suspend_account_typed(
        &mut self,
        id: i64,
        until: &str,
        reason: &str,
        today: NaiveDate,
    ) -> Result<Account> {
        let day = if until.trim().is_empty() {
            Err(FieldError::new(
                Field::SuspensionEnd,
                "choisissez le dernier jour de la suspension",
            ))
        } else {
            crate::dates::parse_date(until).map_err(|m| FieldError::new(Field::SuspensionEnd, m))
        };
        match day {
            Ok(d) => self.suspend_account(id, d, reason, today),
            Err(e) => {
                let mut errors = vec![e];
                errors.extend(suspension_reason(reason).err());
                Err(Error::Fields(errors))
            }
        }
    }

    /// Per-account per-call maximum and calls per day; `Some(None)` goes back to the site's.
    fn set_account_limits(
        &mut self,
        id: i64,
        max_call: Option<Option<u32>>,
        calls_per_day: Option<Option<u32>>,
    ) -> Result<Account> {
        fields_ok(limits_errors(max_call, calls_per_day))?;
        let a = self.get_account(id)?;
        let mut changes = Vec::new();
        let new_max = max_call.unwrap_or(a.max_call_minutes);
        if new_max != a.max_call_minutes {
            changes.push(match new_max {
                Some(m) => format!("durée maximale d'un appel : {m} min"),
                None => "durée maximale d'un appel : celle du site".into(),
            });
        }
        let new_per_day = calls_per_day.unwrap_or(a.calls_per_day);
        if new_per_day != a.calls_per_day {
            changes.push(match new_per_day {
                Some(n) => format!("appels par jour : {n}"),
                None => "appels par jour : ceux du site".into(),
            });
        }
        if changes.is_empty() {
            return Ok(a);
        }
        self.apply_change(
            &a,
            &AccountChange::Limits {
                max_call: new_max,
                per_day: new_per_day,
            },
            JournalLine {
                action: "Règles d'appel du compte",
                details: &changes.join(" ; "),
            },
        )
    }

    /// Suspends calls through `until` (a local day, included), with a required reason.
    fn suspend_account(
        &mut self,
        id: i64,
        until: NaiveDate,
        reason: &str,
        today: NaiveDate,
    ) -> Result<Account> {
        let reason = check_suspension(until, reason, today).map_err(Error::Fields)?;
        let a = self.get_account(id)?;
        let details = format!("jusqu'au {} : {reason}", until.format("%d/%m/%Y"));
        self.apply_change(
            &a,
            &AccountChange::Suspend { until, reason },
            JournalLine {
                action: "Suspension des appels",
                details: &details,
            },
        )
    }

    /// *Lever la suspension*.
    fn resume_account(&mut self, id: i64) -> Result<Account> {
        let a = self.get_account(id)?;
        let Some(until) = a.suspended_until else {
            return Err(Error::Rejected(format!(
                "Les appels {} ne sont pas suspendus.",
                crate::fr::de(&a.name)
            )));
        };
        let details = format!(
            "suspension jusqu'au {} ({})",
            until.format("%d/%m/%Y"),
            a.suspension_reason
        );
        let line = JournalLine {
            action: "Suspension levée",
            details: &details,
        };
        self.apply_change(&a, &AccountChange::Resume, line)
    }

    /// *Remettre à zéro*: the account's *Durée totale des appels* counted again from zero (its
    /// allowance starts over), the previous total in the Journal.
    fn reset_used_seconds(&mut self, id: i64) -> Result<Account> {
        let a = self.get_account(id)?;
        let details = format!(
            "durée précédente {}",
            crate::domain::format_duration(a.used_seconds)
        );
        let line = JournalLine {
            action: "Remise à zéro de la durée totale des appels",
            details: &details,
        };
        self.apply_change(&a, &AccountChange::ResetDuration, line)
    }
}

/// A change of an account's call rules, or of what they count.
pub enum AccountChange {
    Limits {
        max_call: Option<u32>,
        per_day: Option<u32>,
    },
    Suspend {
        until: NaiveDate,
        reason: String,
    },
    Resume,
    ResetDuration,
}

impl AccountChange {
    /// The day a suspension ends, as stored.
    pub(crate) fn stored_day(until: &NaiveDate) -> String {
        until.format("%Y-%m-%d").to_string()
    }
}

impl AccountRules for Store {
    fn apply_change(&mut self, a: &Account, c: &AccountChange, j: JournalLine) -> Result<Account> {
        let JournalLine { action, details } = j;
        match c {
            AccountChange::Limits { max_call, per_day } => self.change_account(
                a,
                "max_call_min = ?2, calls_per_day = ?3",
                &[max_call, per_day],
                action,
                details,
            ),
            AccountChange::Suspend { until, reason } => self.change_account(
                a,
                "suspended_until = ?2, suspension_reason = ?3",
                &[&AccountChange::stored_day(until), reason],
                action,
                details,
            ),
            AccountChange::Resume => self.change_account(
                a,
                "suspended_until = NULL, suspension_reason = ''",
                &[],
                action,
                details,
            ),
            AccountChange::ResetDuration => {
                self.change_account(a, "used_seconds = 0", &[], action, details)
            }
        }
    }
}
