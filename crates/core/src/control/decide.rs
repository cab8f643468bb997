//! The decisions, each in the write transaction that records it: `autoriser` reads the account
//! and its open reservations, checks, and writes the attempt (with its reservation) before the
//! lock is released; `terminer` bills the call and releases the reservation. Requests arriving
//! together are decided in one transaction (a savepoint each), which is what lets one writer
//! keep up with many calls; nothing here talks to a socket while it holds the lock.

use super::db::{Bill, ControlDb, Grant, NewAttempt};
use super::limit::{limit, Limit, LimitInput};
use super::schedule::{Schedule, Window};
use super::{format_granted, Refusal};
use crate::domain::phone::{compact_number, international, CountryCode};
use crate::domain::{Account, Currency, Money, KEYS};
use crate::error::{Error, Result};
use crate::rating::{answered, normalize_dialed, Tariff, TariffTable};
use crate::rules::NumberRules;
use crate::store::shared::Lite;
use crate::store::{Settings, Store};
use chrono::{Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use std::path::Path;

/// A reservation not settled by `terminer` stops holding money this long after the granted
/// duration has passed (a lost hang-up must not block an account for ever).
pub const EXPIRY_MARGIN_S: i64 = 300;

/// `autoriser`: the identifiant typed and the key (1..10) or number asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    pub uniqueid: String,
    pub code: String,
    pub asked: String,
}

/// `terminer`: the answered seconds and the disposition of the channel's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishRequest {
    pub uniqueid: String,
    pub billsec: i64,
    pub disposition: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub identifiant: String,
    /// International form, the number to dial.
    pub number: String,
    pub key: Option<u8>,
    pub limit_ms: i64,
    /// Minor units held on the balance until the call is billed.
    pub reserved: i64,
    /// Whether the call may be recorded (`FORFAITS_ENREGISTRER`).
    pub record: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Authorized(Authorized),
    Refused(Refusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The French sentence for the logs (`FORFAITS_MESSAGE`).
    pub message: String,
    /// The account's identifiant when one matched the code typed.
    pub account: Option<String>,
    /// The number asked for, international form when it is one.
    pub number: String,
}

impl Decision {
    /// `ok` or the refusal's code.
    pub fn code(&self) -> &'static str {
        match &self.verdict {
            Verdict::Authorized(_) => "ok",
            Verdict::Refused(r) => r.code(),
        }
    }

    /// A refusal for a request that could not be decided (database busy or unreadable).
    pub fn internal(req: &AuthorizeRequest, why: &str) -> Decision {
        Decision {
            verdict: Verdict::Refused(Refusal::Internal),
            message: format!("Refusé : erreur de Forfaits ({why}) ; l'appel n'est pas autorisé."),
            account: None,
            number: req.asked.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// Billed now: `cost` debited (0 when billing is off or the call was not answered).
    Billed {
        cost: i64,
        billsec: i64,
        message: String,
    },
    /// A second `terminer` for the same call: nothing changed.
    AlreadyBilled { message: String },
    /// No authorization under this uniqueid (or its account was deleted): nothing to bill.
    Unknown { message: String },
}

impl Finished {
    pub fn status(&self) -> &'static str {
        match self {
            Finished::Billed { .. } => "FACTURE",
            Finished::AlreadyBilled { .. } => "DEJA_FACTURE",
            Finished::Unknown { .. } => "INCONNU",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Finished::Billed { message, .. }
            | Finished::AlreadyBilled { message }
            | Finished::Unknown { message } => message,
        }
    }
}

/// What a batch holds: either kind of question.
#[derive(Debug, Clone)]
pub enum Request {
    Authorize(AuthorizeRequest),
    Finish(FinishRequest),
    /// The caller hung up while the answer was being given (or before the channel could read
    /// that it may dial): the channel's grant ends and its hold is released now, not at its
    /// expiry an hour later, which would refuse the account's next call.
    Abandon(String),
}

#[derive(Debug, Clone)]
pub enum Answer {
    Decision(Decision),
    Finished(Finished),
    Released,
}

/// The database the service decides on: the desk's SQLite file or a site's PostgreSQL.
enum Backend {
    Local(Store),
    Site(crate::site::SiteStore),
}

/// The decision side of the service: one connection, the settings and tariffs it decides with
/// (read again whenever another program has written them).
pub struct Service {
    backend: Backend,
    settings: Settings,
    tariffs: TariffTable,
    numbers: NumberRules,
    seen_version: i64,
}

impl Service {
    pub fn open(path: &Path) -> Result<Service> {
        Service::over(Store::open(path)?)
    }

    pub fn over(store: Store) -> Result<Service> {
        Service::on(Backend::Local(store))
    }

    /// The service on a site (SPEC §13), signed in as the telephony server's user.
    pub fn over_site(site: crate::site::SiteStore) -> Result<Service> {
        Service::on(Backend::Site(site))
    }

    fn on(backend: Backend) -> Result<Service> {
        // The version first: a change landing between the two is read again next time.
        let seen_version = data_version(&backend)?;
        let (settings, tariffs, numbers) = read_rules(&backend)?;
        Ok(Service {
            backend,
            settings,
            tariffs: TariffTable::new(tariffs),
            numbers,
            seen_version,
        })
    }

    /// The SQLite store, when the service runs on one.
    pub fn store(&self) -> Option<&Store> {
        match &self.backend {
            Backend::Local(s) => Some(s),
            Backend::Site(_) => None,
        }
    }

    /// Settings and tariffs as another program may have just changed them.
    fn refresh(&mut self) -> Result<()> {
        let v = data_version(&self.backend)?;
        if v != self.seen_version {
            let (settings, tariffs, numbers) = read_rules(&self.backend)?;
            self.settings = settings;
            self.tariffs = TariffTable::new(tariffs);
            self.numbers = numbers;
            self.seen_version = v;
        }
        Ok(())
    }

    pub fn authorize(&mut self, req: &AuthorizeRequest, now: i64) -> Result<Decision> {
        match self.decide_one(Request::Authorize(req.clone()), now)? {
            Answer::Decision(d) => Ok(d),
            _ => unreachable!("an authorization is answered with a decision"),
        }
    }

    pub fn finish(&mut self, req: &FinishRequest, now: i64) -> Result<Finished> {
        match self.decide_one(Request::Finish(req.clone()), now)? {
            Answer::Finished(f) => Ok(f),
            _ => unreachable!("a hang-up is answered with its billing"),
        }
    }

    /// [`Service::decide`] for one request alone.
    fn decide_one(&mut self, req: Request, now: i64) -> Result<Answer> {
        let mut answers = self.decide(&[req], now)?;
        answers.pop().expect("one answer per request")
    }

    /// Decides every request in one write transaction, each under its own savepoint: a request
    /// that fails leaves nothing and gets its error, the others stand. `Err` when the
    /// transaction itself cannot be had or committed (then nothing was written).
    pub fn decide(&mut self, reqs: &[Request], now: i64) -> Result<Vec<Result<Answer>>> {
        // A program that changed the rules while this batch waited for the write lock makes
        // the batch start again on the new rules. Bounded, should other programs write without
        // pause: the last try decides on the rules it has, the next batch reads them again.
        for _ in 0..RULES_RETRIES {
            self.refresh()?;
            if let Some(answers) = self.decide_on(reqs, now, true)? {
                return Ok(answers);
            }
        }
        self.refresh()?;
        Ok(self
            .decide_on(reqs, now, false)?
            .expect("decided whatever the rules' version"))
    }

    /// The batch on the rules read last; `None`, having written nothing, when `fresh_only`
    /// and the SQLite file changed since they were read (a site's rules are read again
    /// before each batch: its version counts only their changes, which no lock orders).
    fn decide_on(
        &mut self,
        reqs: &[Request],
        now: i64,
        fresh_only: bool,
    ) -> Result<Option<Vec<Result<Answer>>>> {
        let local = local_time(now);
        let operator = match &self.backend {
            Backend::Local(s) => s.operator().to_string(),
            Backend::Site(s) => s.operator().to_string(),
        };
        let ctx = Ctx {
            cc: &self.settings.country_code,
            currency: &self.settings.currency,
            max_call_min: self.settings.max_call_minutes,
            calls_per_day: self.settings.calls_per_day,
            hours: &self.settings.call_hours,
            tariffs: &self.tariffs,
            numbers: &self.numbers,
            operator: &operator,
            now,
            local,
            midnight: local_midnight(local.date()),
        };
        let answers = match &mut self.backend {
            Backend::Local(store) => {
                let mut tx = store.write_tx()?;
                let v: i64 = tx.pragma_query_value(None, "data_version", |r| r.get(0))?;
                if fresh_only && v != self.seen_version {
                    return Ok(None);
                }
                let mut answers = Vec::with_capacity(reqs.len());
                for req in reqs {
                    let sp = tx.savepoint()?;
                    let answer = one(&mut Lite(&sp), &ctx, req);
                    if answer.is_ok() {
                        sp.commit()?;
                    } // else dropping the savepoint rolls it back: the request leaves nothing.
                    answers.push(answer);
                }
                tx.commit()?;
                answers
            }
            Backend::Site(site) => {
                site.decide_in_transaction(reqs, |db, req| one(db, &ctx, req))?
            }
        };
        Ok(Some(answers))
    }
}

/// How many times a batch starts again on rules changed while it waited.
const RULES_RETRIES: usize = 4;

fn one<D: ControlDb>(db: &mut D, ctx: &Ctx<'_>, req: &Request) -> Result<Answer> {
    match req {
        Request::Authorize(a) => authorize(db, ctx, a).map(Answer::Decision),
        Request::Finish(f) => finish(db, ctx, f).map(Answer::Finished),
        Request::Abandon(uniqueid) => db.supersede(uniqueid, ctx.now).map(|()| Answer::Released),
    }
}

fn read_rules(b: &Backend) -> Result<(Settings, Vec<Tariff>, NumberRules)> {
    let s: &dyn crate::base::Basics = match b {
        Backend::Local(s) => s,
        Backend::Site(s) => s,
    };
    Ok((s.settings()?, s.tariffs()?, s.number_rules()?))
}

/// Changes whenever another program writes (SQLite) or changes the rules (a site).
fn data_version(b: &Backend) -> Result<i64> {
    match b {
        Backend::Local(s) => Ok(s
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?),
        Backend::Site(s) => s.rules_version(),
    }
}

struct Ctx<'a> {
    cc: &'a CountryCode,
    currency: &'a Currency,
    /// The site's per-call maximum (minutes) and calls per day, unless the account has its own.
    max_call_min: u32,
    calls_per_day: Option<u32>,
    hours: &'a Schedule,
    tariffs: &'a TariffTable,
    numbers: &'a NumberRules,
    operator: &'a str,
    now: i64,
    /// `now` in the machine's time zone (SPEC §12: the site's hours are local).
    local: NaiveDateTime,
    /// Local midnight of today, UTC seconds: the day of the calls-per-day rule starts there.
    midnight: i64,
}

/// The local time of a UTC instant.
fn local_time(now: i64) -> NaiveDateTime {
    match Local.timestamp_opt(now, 0) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.naive_local(),
        LocalResult::None => chrono::DateTime::from_timestamp(now, 0)
            .map(|t| t.naive_utc())
            .unwrap_or_default(),
    }
}

/// UTC seconds of a local day's first instant.
fn local_midnight(day: NaiveDate) -> i64 {
    let start = day.and_time(NaiveTime::MIN);
    match Local.from_local_datetime(&start) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        // A day starting in a DST gap starts an hour later.
        LocalResult::None => Local
            .from_local_datetime(&(start + chrono::Duration::hours(1)))
            .earliest()
            .map_or(0, |t| t.timestamp()),
    }
}

/// The key asked for (`1`…`10`), or the dialed number (3 digits or more).
enum Asked {
    Key(u8),
    Number(String),
    Nothing,
}

fn asked(raw: &str, cc: &CountryCode) -> Asked {
    let v = raw.trim();
    // Digits only: `parse` alone would take « +5 » for key 5.
    let digits = v.bytes().all(|b| b.is_ascii_digit());
    if let Ok(k) = v.parse::<u8>() {
        if digits && v.len() <= 2 && (1..=KEYS as u8).contains(&k) && !v.starts_with('0') {
            return Asked::Key(k);
        }
    }
    match compact_number(v) {
        Some(n) if n.trim_start_matches('+').len() >= 3 => normalize_dialed(&n, cc)
            .map(Asked::Number)
            .unwrap_or(Asked::Nothing),
        _ => Asked::Nothing,
    }
}

fn authorize<D: ControlDb>(db: &mut D, ctx: &Ctx<'_>, req: &AuthorizeRequest) -> Result<Decision> {
    db.supersede(&req.uniqueid, ctx.now)?;
    let code = req.code.trim();
    let refuse = |db: &mut D,
                  account: Option<&Account>,
                  number: &str,
                  key: Option<u8>,
                  r: Refusal,
                  why: String|
     -> Result<Decision> {
        db.record_attempt(
            ctx.now,
            &NewAttempt {
                req,
                account: account.map(|a| a.id),
                number,
                key,
                outcome: Err(r),
            },
        )?;
        Ok(Decision {
            verdict: Verdict::Refused(r),
            message: format!("Refusé : {why}."),
            account: account.map(|a| a.identifiant.clone()),
            number: if number.is_empty() {
                req.asked.trim().to_string()
            } else {
                number.to_string()
            },
        })
    };
    let Some(acc) = db.account_by_code(code)? else {
        return refuse(
            db,
            None,
            "",
            None,
            Refusal::UnknownAccount,
            format!(
                "aucun compte n'a l'identifiant {}",
                crate::domain::field::shown(code)
            ),
        );
    };
    let who = format!("{} ({})", acc.name, acc.identifiant);
    if !acc.enabled {
        return refuse(
            db,
            Some(&acc),
            "",
            None,
            Refusal::DisabledAccount,
            format!("le compte {} est désactivé", crate::fr::de(&who)),
        );
    }
    if let Some(until) = acc
        .suspended_until
        .filter(|_| acc.suspended_on(ctx.local.date()))
    {
        let why = if acc.suspension_reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", acc.suspension_reason)
        };
        return refuse(
            db,
            Some(&acc),
            "",
            None,
            Refusal::SuspendedAccount,
            format!(
                "les appels {} sont suspendus jusqu'au {}{why}",
                crate::fr::de(&who),
                until.format("%d/%m/%Y")
            ),
        );
    }
    let keys: Vec<Option<String>> = acc
        .phones
        .iter()
        .map(|p| p.as_deref().map(|p| international(p, ctx.cc)))
        .collect();
    let (number, key) = match asked(&req.asked, ctx.cc) {
        Asked::Key(k) => match &keys[k as usize - 1] {
            Some(n) => (n.clone(), Some(k)),
            None => {
                return refuse(
                    db,
                    Some(&acc),
                    "",
                    Some(k),
                    Refusal::EmptyKey,
                    format!(
                        "la touche {k} {} ne porte aucun numéro",
                        crate::fr::de(&who)
                    ),
                )
            }
        },
        Asked::Number(n) => match keys.iter().position(|k| k.as_deref() == Some(n.as_str())) {
            Some(i) => (n, Some(i as u8 + 1)),
            // A privileged number (lawyer, consulate) needs no key.
            None if ctx.numbers.privileged(&n).is_some() => (n, None),
            None => {
                return refuse(
                    db,
                    Some(&acc),
                    &n,
                    None,
                    Refusal::NumberNotAllowed,
                    format!(
                        "le numéro {n} n'est pas parmi les numéros autorisés {}",
                        crate::fr::de(&who)
                    ),
                )
            }
        },
        Asked::Nothing => {
            return refuse(
                db,
                Some(&acc),
                "",
                None,
                Refusal::NumberNotAllowed,
                format!(
                    "« {} » n'est ni une touche (1 à 10) ni un numéro",
                    crate::domain::field::shown(req.asked.trim())
                ),
            )
        }
    };
    if let Some(b) = ctx.numbers.blocked(&number) {
        return refuse(
            db,
            Some(&acc),
            &number,
            key,
            Refusal::BlockedNumber,
            format!(
                "le numéro {number} est interdit (règle « {} » : {})",
                b.pattern, b.reason
            ),
        );
    }
    let window_left = match ctx.hours.window(ctx.local) {
        Window::Closed => {
            return refuse(
                db,
                Some(&acc),
                &number,
                key,
                Refusal::OutsideHours,
                format!(
                    "hors des horaires d'appel ({}) ; il est {}",
                    ctx.hours,
                    ctx.local.format("%H:%M")
                ),
            )
        }
        Window::Open { seconds_left } => seconds_left,
    };
    if let Some(per_day) = acc.calls_per_day.or(ctx.calls_per_day) {
        let today = db.calls_since(acc.id, ctx.midnight)?;
        if today >= per_day as i64 {
            return refuse(
                db,
                Some(&acc),
                &number,
                key,
                Refusal::DailyQuota,
                format!(
                    "{} a déjà passé {} aujourd'hui ({} par jour)",
                    who,
                    crate::fr::nombre(today as u64, "appel", "appels"),
                    crate::fr::nombre(per_day.into(), "permis", "permis")
                ),
            );
        }
    }
    let privileged = ctx.numbers.privileged(&number);
    let (held, held_s) = db.open_reservations(acc.id, ctx.now)?;
    let allowance_left = acc
        .allowance_minutes
        .map(|m| i64::from(m) * 60 - acc.used_seconds - held_s);
    if allowance_left.is_some_and(|l| l <= 0) {
        return refuse(
            db,
            Some(&acc),
            &number,
            key,
            Refusal::AllowanceUsed,
            format!(
                "le forfait {} est épuisé ({} minutes{})",
                crate::fr::de(&who),
                acc.allowance_minutes.unwrap_or(0),
                match held_s {
                    // The clerk sees minutes left on the account: say what holds them.
                    0 => String::new(),
                    s => format!(
                        ", dont {} réservées par les appels en cours",
                        super::format_granted(s)
                    ),
                }
            ),
        );
    }
    // A free privileged number costs nothing, whatever the account's billing.
    let billing = acc.billing && !ctx.numbers.is_free(&number);
    let tariff = if billing {
        ctx.tariffs.lookup(&number)
    } else {
        None
    };
    let available = acc.balance - held;
    let granted = limit(&LimitInput {
        billing,
        available,
        tariff,
        allowance_left_s: allowance_left,
        max_call_s: acc.max_call_minutes.unwrap_or(ctx.max_call_min) as i64 * 60,
        window_left_s: window_left,
    });
    let (seconds, reserve) = match granted {
        Limit::NoTariff => {
            return refuse(
                db,
                Some(&acc),
                &number,
                key,
                Refusal::NoTariff,
                format!("aucun tarif ne correspond au numéro {number}"),
            )
        }
        Limit::InsufficientBalance { first_block } => {
            let held_text = if held > 0 {
                format!(
                    // Not « dont »: what calls in progress hold is not part of what is available.
                    " ({} réservés par les appels en cours)",
                    ctx.currency.format(Money(held))
                )
            } else {
                String::new()
            };
            return refuse(
                db,
                Some(&acc),
                &number,
                key,
                Refusal::InsufficientBalance,
                format!(
                    "solde {} insuffisant : {} disponibles{held_text}, la première tranche vers {number} coûte {}",
                    crate::fr::de(&who),
                    ctx.currency.format(Money(available)),
                    ctx.currency.format(Money(first_block))
                ),
            );
        }
        Limit::Granted { seconds, reserve } => (seconds, reserve),
    };
    let authorized = Authorized {
        identifiant: acc.identifiant.clone(),
        number: number.clone(),
        key,
        limit_ms: seconds * 1000,
        reserved: reserve,
        // Never recorded: a lawyer's or a consulate's line.
        record: privileged.is_none(),
    };
    db.record_attempt(
        ctx.now,
        &NewAttempt {
            req,
            account: Some(acc.id),
            number: &number,
            key,
            outcome: Ok(Grant {
                authorized: &authorized,
                tariff,
                expires_at: ctx.now + seconds + EXPIRY_MARGIN_S,
            }),
        },
    )?;
    let held_text = if reserve > 0 {
        format!(" ({} réservés)", ctx.currency.format(Money(reserve)))
    } else {
        String::new()
    };
    Ok(Decision {
        message: format!(
            "Autorisé : {} accordées à {who} vers {number}{held_text}.",
            format_granted(seconds)
        ),
        verdict: Verdict::Authorized(authorized),
        account: Some(acc.identifiant),
        number,
    })
}

fn finish<D: ControlDb>(db: &mut D, ctx: &Ctx<'_>, req: &FinishRequest) -> Result<Finished> {
    let open = db.open_hold(&req.uniqueid)?;
    let shown = crate::domain::field::shown(&req.uniqueid);
    let Some(open) = open else {
        return Ok(match db.billed_before(&req.uniqueid)? {
            true => Finished::AlreadyBilled {
                message: format!("L'appel {shown} est déjà facturé : rien n'a changé."),
            },
            false => Finished::Unknown {
                message: format!(
                    "Aucun appel autorisé sous l'identifiant {shown} : rien à facturer."
                ),
            },
        });
    };
    let account_id = open.account_id;
    let (billing, name) = db.billing_and_name(account_id)?;
    let billsec = req.billsec.max(0);
    // Without a disposition, the answered seconds tell.
    let disposition = match req.disposition.trim() {
        "" if billsec > 0 => "ANSWERED".to_string(),
        "" => "NO ANSWER".to_string(),
        d => d.to_uppercase(),
    };
    let answered = answered(&disposition, billsec);
    // Counted up to the grant; the call keeps its seconds.
    let (counted, billed_s, rated) = open.rate(answered, billsec).ok_or_else(|| {
        Error::Rejected(format!(
            "le coût de l'appel {shown} dépasse ce que Forfaits peut compter (tarif {})",
            open.tariff.as_ref().map_or("", |t| t.prefixe.as_str())
        ))
    })?;
    let debit = if billing { rated } else { 0 };
    let ended = FinishRequest {
        uniqueid: req.uniqueid.clone(),
        billsec,
        disposition,
    };
    db.bill(&Bill {
        open: &open,
        ended: &ended,
        counted,
        billed_s,
        debit,
        answered,
        operator: ctx.operator,
        now: ctx.now,
    })?;
    Ok(Finished::Billed {
        cost: debit,
        billsec,
        message: format!(
            "Appel {shown} de {name} vers {} facturé : {} pour {} de communication{}.",
            open.number,
            ctx.currency.format(Money(debit)),
            crate::domain::format_duration(counted),
            match billsec - counted {
                0 => String::new(),
                over => format!(
                    " (la durée accordée ; les {} de plus annoncées par Asterisk ne sont pas \
                     facturées)",
                    crate::domain::format_duration(over)
                ),
            }
        ),
    })
}
