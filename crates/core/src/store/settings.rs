//! Settings (Paramètres): currency, country code for numbers, defaults for new accounts, the
//! amount above which the window asks to confirm a movement.

use super::shared::{Lite, Queries};
use super::{Sql, Store};
use crate::domain::{CountryCode, Currency, Money};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub currency: Currency,
    pub country_code: CountryCode,
    pub default_enabled: bool,
    pub default_billing: bool,
    pub default_allowance_min: Option<u32>,
    pub default_opening_balance: Money,
    /// Days an automatic daily backup is kept.
    pub backup_retention_days: u32,
    /// Longest call the call-control service grants, minutes (SPEC §11, §12).
    pub max_call_minutes: u32,
    /// Where the call-control service listens (`forfaits agi` without `--listen`), and where
    /// *Paramètres* looks for it.
    pub agi_address: String,
    /// The site's calling hours (SPEC §12); saved by `save_site_rules`, not by the form.
    pub call_hours: crate::control::schedule::Schedule,
    /// Calls an account may make a day, unless it has its own limit; `None`: no limit.
    pub calls_per_day: Option<u32>,
    /// A movement typed in the window above this amount (either sign) is confirmed first,
    /// with the resulting balance on the button.
    pub confirmation_threshold: Money,
}

/// Default of `confirmation_threshold`: 1 000 units of the currency.
const CONFIRMATION_UNITS: i64 = 1000;

fn default_threshold(c: &Currency) -> Money {
    Money(CONFIRMATION_UNITS * 10i64.pow(u32::from(c.decimals)))
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            currency: Currency::default(),
            country_code: CountryCode::default(),
            default_enabled: true,
            default_billing: true,
            default_allowance_min: None,
            default_opening_balance: Money(0),
            backup_retention_days: 14,
            max_call_minutes: 60,
            agi_address: "127.0.0.1:4573".into(),
            confirmation_threshold: default_threshold(&Currency::default()),
            call_hours: crate::control::schedule::Schedule::always(),
            calls_per_day: None,
        }
    }
}

/// Ceiling of the per-call maximum: a day.
pub const MAX_CALL_MINUTES: u32 = 1440;

/// Settings as typed, validated by [`SettingsForm::settings`] (the window's names for these
/// fields are the shell's).
#[derive(Debug, Clone)]
pub struct SettingsForm {
    pub currency: String,
    pub decimals: u8,
    pub country_code: String,
    pub default_enabled: bool,
    pub default_billing: bool,
    /// Minutes, empty for unlimited.
    pub default_allowance: String,
    pub default_opening_balance: String,
    /// Days, as typed; absent: unchanged.
    pub backup_retention_days: Option<String>,
    /// Address of the call-control service.
    pub agi_address: String,
    /// Amount above which a movement is confirmed (`1 000`, `250,5`).
    pub confirmation_threshold: String,
}

impl SettingsForm {
    /// The settings as typed over `current`: every error at once, under its field. The call
    /// rules (hours, calls a day, the per-call maximum) are kept: `save_site_rules` alone
    /// changes them, and journals each change as a rule.
    pub fn settings(&self, current: &Settings) -> Result<Settings> {
        let f = self;
        use crate::domain::Field;
        use crate::domain::FieldError;
        let mut errors = Vec::new();
        let currency = crate::domain::currency_code::parse_currency_code(&f.currency)
            .and_then(|code| Currency::new(&code, f.decimals))
            .map_err(|m| errors.push(FieldError::new(Field::Currency, m)))
            .ok();
        let cc = CountryCode::parse_setting(&f.country_code)
            .map_err(|m| errors.push(FieldError::new(Field::CountryCode, m)))
            .ok();
        let allowance = crate::domain::account::parse_allowance(&f.default_allowance)
            .map_err(|e| errors.push(e))
            .ok();
        let opening = currency.as_ref().and_then(|c| {
            if f.default_opening_balance.trim().is_empty() {
                return Some(Money(0));
            }
            c.parse(&f.default_opening_balance, false)
                .map_err(|m| errors.push(FieldError::new(Field::Balance, m)))
                .ok()
        });
        let threshold = currency.as_ref().and_then(|c| {
            if f.confirmation_threshold.trim().is_empty() {
                errors.push(FieldError::new(
                    Field::ConfirmationThreshold,
                    "le seuil de confirmation est obligatoire (par exemple 1 000)",
                ));
                return None;
            }
            c.parse(&f.confirmation_threshold, false)
                .map_err(|m| errors.push(FieldError::new(Field::ConfirmationThreshold, m)))
                .ok()
        });
        let typed = f.backup_retention_days.as_deref().map(str::trim);
        let retention = match typed.map(|t| (t, t.parse::<u32>())) {
            None => Some(current.backup_retention_days),
            Some((typed, Ok(days)))
                if typed.bytes().all(|b| b.is_ascii_digit()) && (1..=3650).contains(&days) =>
            {
                Some(days)
            }
            Some((typed, _)) => {
                errors.push(FieldError::new(
                    Field::BackupRetention,
                    format!(
                        "la durée de conservation des sauvegardes est un nombre entier de jours, \
                         de 1 à 3650 (reçu : « {} »)",
                        crate::domain::field::shown(typed)
                    ),
                ));
                None
            }
        };
        let agi_address = parse_agi_address(&f.agi_address)
            .map(|a| a.to_string())
            .map_err(|e| errors.push(e))
            .ok();
        let (
            Some(currency),
            Some(cc),
            Some(allowance),
            Some(opening),
            Some(threshold),
            Some(retention),
            Some(agi_address),
        ) = (
            currency,
            cc,
            allowance,
            opening,
            threshold,
            retention,
            agi_address,
        )
        else {
            return Err(Error::Fields(errors));
        };
        let new = Settings {
            call_hours: current.call_hours.clone(),
            calls_per_day: current.calls_per_day,
            currency,
            country_code: cc,
            default_enabled: f.default_enabled,
            default_billing: f.default_billing,
            default_allowance_min: allowance,
            default_opening_balance: opening,
            backup_retention_days: retention,
            max_call_minutes: current.max_call_minutes,
            agi_address,
            confirmation_threshold: threshold,
        };
        if !errors.is_empty() {
            return Err(Error::Fields(errors));
        }
        Ok(new)
    }
}

/// The address of the call-control service as typed (`127.0.0.1:4573`): an IP address and a
/// port, or the error of the field `adresse_service`.
pub fn parse_agi_address(
    raw: &str,
) -> std::result::Result<std::net::SocketAddr, crate::domain::FieldError> {
    let a = raw.trim();
    a.parse::<std::net::SocketAddr>().map_err(|_| {
        crate::domain::FieldError::new(
            crate::domain::Field::AgiAddress,
            format!(
                "adresse du service invalide (reçu : {}) : écrivez par exemple 127.0.0.1:4573",
                crate::domain::field::shown(a)
            ),
        )
    })
}

impl Settings {
    /// The settings from their stored values (`get`: the value of a key, if set), read
    /// leniently alike by both stores.
    pub fn from_values(get: impl Fn(&str) -> Result<Option<String>>) -> Result<Settings> {
        let d = Settings::default();
        let decimals = get("currency_decimals")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(d.currency.decimals);
        let code = get("currency_code")?.unwrap_or(d.currency.code.clone());
        // Read leniently: a code saved before codes were checked stays shown as it was.
        let currency = Currency::new(&code, decimals).unwrap_or(d.currency);
        Ok(Settings {
            confirmation_threshold: get("confirmation_threshold")?
                .and_then(|v| v.parse().ok())
                .map_or_else(|| default_threshold(&currency), Money),
            currency,
            country_code: get("country_code")?
                .and_then(|v| CountryCode::parse(&v).ok())
                .unwrap_or(d.country_code),
            default_enabled: get("default_enabled")?.map_or(d.default_enabled, |v| v == "1"),
            default_billing: get("default_billing")?.map_or(d.default_billing, |v| v == "1"),
            default_allowance_min: get("default_allowance_min")?.and_then(|v| v.parse().ok()),
            default_opening_balance: get("default_opening_balance")?
                .and_then(|v| v.parse().ok())
                .map_or(d.default_opening_balance, Money),
            backup_retention_days: get("backup_retention_days")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(d.backup_retention_days),
            // Failing closed too: a maximum that no longer reads is the shortest one allowed.
            max_call_minutes: get("max_call_minutes")?
                .map(|v| {
                    v.parse()
                        .ok()
                        .filter(|m| (1..=MAX_CALL_MINUTES).contains(m))
                        .unwrap_or(1)
                })
                .unwrap_or(d.max_call_minutes),
            agi_address: get("agi_address")?
                .filter(|a| a.parse::<std::net::SocketAddr>().is_ok())
                .unwrap_or(d.agi_address),
            // Call rules fail closed: a stored value that no longer reads (edited by hand, a
            // damaged base) refuses calls rather than lifting its restriction.
            call_hours: get("call_hours")?
                .map(|t| {
                    crate::control::schedule::Schedule::parse(&t)
                        .unwrap_or_else(|_| crate::control::schedule::Schedule::never())
                })
                .unwrap_or(d.call_hours),
            calls_per_day: get("calls_per_day")?.map(|v| v.parse().unwrap_or(0)),
        })
    }
}

/// The Journal's action of a change of the settings.
pub(crate) const SETTINGS_CHANGED: &str = "Paramètres modifiés";

/// The Journal's details of the settings saved.
pub(crate) fn journal(new: &Settings) -> String {
    format!(
        "devise {} ({}), indicatif +{}, confirmation au-delà de {}",
        new.currency.code,
        crate::fr::nombre(u64::from(new.currency.decimals), "décimale", "décimales"),
        new.country_code.as_str(),
        new.currency.format_plain(new.confirmation_threshold),
    )
}

/// Writes `new` in the caller's transaction, on either store, after the one check the database
/// answers: the number of decimals cannot change once money has moved. Tariffs, kept in minor
/// units, are written again in the new ones. The call rules (hours, calls a day, the per-call
/// maximum) are not written: `save_site_rules` alone does, so that settings read before a rule
/// saved on another desk do not undo it.
pub(crate) fn write_changed_settings(
    q: &mut impl Queries,
    old: &Settings,
    new: &Settings,
) -> Result<()> {
    if new.currency.decimals != old.currency.decimals {
        if q.exists(&ANY_MOVEMENT, &[])? {
            return Err(Error::Rejected(format!(
                "Le nombre de décimales ne peut plus être changé ({} → {}) : des mouvements de \
                 solde existent déjà et leurs montants changeraient de valeur.",
                old.currency.decimals, new.currency.decimals
            )));
        }
        rescale_tariffs(q, &old.currency, &new.currency)?;
    }
    let pairs: [(&'static str, String); 10] = [
        ("agi_address", new.agi_address.clone()),
        (
            "backup_retention_days",
            new.backup_retention_days.to_string(),
        ),
        ("currency_code", new.currency.code.clone()),
        ("currency_decimals", new.currency.decimals.to_string()),
        ("country_code", new.country_code.as_str().to_string()),
        ("default_enabled", (new.default_enabled as u8).to_string()),
        ("default_billing", (new.default_billing as u8).to_string()),
        (
            "default_allowance_min",
            new.default_allowance_min
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        (
            "default_opening_balance",
            new.default_opening_balance.0.to_string(),
        ),
        (
            "confirmation_threshold",
            new.confirmation_threshold.0.to_string(),
        ),
    ];
    // No default allowance: the key removed.
    let writes = pairs.map(|(k, v)| {
        (
            k,
            Some(v).filter(|v| !v.is_empty() || k != "default_allowance_min"),
        )
    });
    write_settings(q, &writes)
}

static ANY_MOVEMENT: Sql = Sql::new("SELECT 1 FROM movements LIMIT 1");

static TARIFFS_TIMES: Sql = Sql::new(
    "UPDATE tariffs SET price_per_min = price_per_min * $1, connection_fee = connection_fee * $1",
);
static TARIFFS_DIVIDED: Sql = Sql::new(
    "UPDATE tariffs SET price_per_min = price_per_min / $1, connection_fee = connection_fee / $1",
);
static TARIFF_FINER_THAN: Sql = Sql::new(
    "SELECT prefix, price_per_min, connection_fee FROM tariffs
     WHERE price_per_min % $1 <> 0 OR connection_fee % $1 <> 0 ORDER BY prefix LIMIT 1",
);

/// A tariff typed « 0,180 » stays 0,180 when the currency's decimals change (180 millimes, then
/// 18 centimes): its minor units were read with the old decimals. One that the new decimals
/// cannot write (0,185 with two) refuses the change.
fn rescale_tariffs(q: &mut impl Queries, old: &Currency, new: &Currency) -> Result<()> {
    let factor = 10_i64.pow(u32::from(old.decimals.abs_diff(new.decimals)));
    if new.decimals > old.decimals {
        q.execute(&TARIFFS_TIMES, &[&factor])?;
        return Ok(());
    }
    let finer: Option<(String, i64, i64)> = q.first(&TARIFF_FINER_THAN, &[&factor])?;
    if let Some((prefix, price, fee)) = finer {
        return Err(Error::Rejected(format!(
            "Le nombre de décimales ne peut pas passer de {} à {} : le tarif {prefix} \
             ({} par minute, {} de connexion) ne s'écrit pas avec {}. Importez des tarifs \
             arrondis d'abord. Rien n'a été modifié.",
            old.decimals,
            new.decimals,
            old.format(Money(price)),
            old.format(Money(fee)),
            crate::fr::nombre(u64::from(new.decimals), "décimale", "décimales"),
        )));
    }
    q.execute(&TARIFFS_DIVIDED, &[&factor])?;
    Ok(())
}

static SET_SETTING: Sql = Sql::new(
    "INSERT INTO settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
);
static UNSET_SETTING: Sql = Sql::new("DELETE FROM settings WHERE key = $1");
pub(crate) static GET_SETTING: Sql = Sql::new("SELECT value FROM settings WHERE key = $1");

/// Settings keys and their new values (`None`: the key removed).
pub(crate) type SettingWrites = Vec<(&'static str, Option<String>)>;

/// Writes settings in the caller's transaction, on either store.
pub(crate) fn write_settings(
    q: &mut impl Queries,
    writes: &[(&'static str, Option<String>)],
) -> Result<()> {
    for (k, v) in writes {
        match v {
            Some(v) => q.execute(&SET_SETTING, &[k, v])?,
            None => q.execute(&UNSET_SETTING, &[k])?,
        };
    }
    Ok(())
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        Settings::from_values(|k| {
            let stored: Option<(String,)> = Lite(&self.conn).first(&GET_SETTING, &[&k])?;
            Ok(stored.map(|(v,)| v))
        })
    }

    /// Saves checked settings. The number of decimals cannot change once money has moved
    /// (stored minor units would change meaning); a new country code rebuilds the search index
    /// of phone numbers.
    pub fn save_settings(&mut self, new: &Settings) -> Result<()> {
        let old = self.settings()?;
        let operator = self.operator().to_string();
        let tx = self.write_tx()?;
        write_changed_settings(&mut Lite(&tx), &old, new)?;
        if new.country_code != old.country_code {
            crate::search::index::rebuild(&tx, &new.country_code)?;
        }
        super::audit::record(&tx, &operator, SETTINGS_CHANGED, None, &journal(new))?;
        tx.commit()?;
        Ok(())
    }
}
