//! The database a front works on: the desk's SQLite file or a site's PostgreSQL (SPEC §13).
//! Fronts call these methods and never ask which store stands behind them, except for what a
//! site does not (see [`Base::local`]). The operations both stores do the same way are
//! the provided methods of the traits of [`AnyStore`], written once over what each store
//! answers itself; a `Base` dereferences to the open store as `dyn AnyStore`.

use crate::calls::history::CallHistory;
use crate::control::AttemptHistory;
use crate::desk::Desk;
use crate::domain::{Account, AccountDraft};
use crate::error::{Error, Result};
use crate::export::AccountSource;
use crate::import::line::LineError;
use crate::import::{open_import, ImportOptions, ImportReport, Progress};
use crate::rating::Tariff;
use crate::rules::numbers::NumberStore;
use crate::rules::{AccountRules, NumberRules};
use crate::rules::{SiteRulesChange, SiteRulesForm};
use crate::sheet::Sheet;
use crate::site::SiteStore;
use crate::store::accounts::{Deleted, ListQuery, Page};
use crate::store::audit::JournalLine;
use crate::store::check::CheckReport;
use crate::store::ledger::Movement;
use crate::store::settings::SettingsForm;
use crate::store::{Settings, Store};
use std::ops::{Deref, DerefMut};
use std::path::Path;

/// What every store answers with its own query and the shared operations read.
pub trait Basics {
    fn operator(&self) -> &str;
    fn settings(&self) -> Result<Settings>;
    fn count_accounts(&self) -> Result<u64>;
    fn get_account(&self, id: i64) -> Result<Account>;
    fn update_account(&mut self, id: i64, d: &AccountDraft) -> Result<Account>;
    fn number_rules(&self) -> Result<NumberRules>;
    fn tariffs(&self) -> Result<Vec<Tariff>>;
    /// Saves settings already checked, with their Journal's line (a new country code makes the
    /// search's phone forms again; the decimals stay once money has moved).
    fn save_settings(&mut self, new: &Settings) -> Result<()>;
    /// The Journal's line of an export written to a file (on a site, also for a role that may
    /// not write the Journal otherwise).
    fn journal_export(&self, a: Option<&Account>, j: JournalLine) -> Result<()>;
    /// Saves the site's call rules already checked, with their Journal's line.
    fn save_site_rules(&mut self, c: &SiteRulesChange) -> Result<Settings>;

    /// *Paramètres → Règles d'appel* as typed: every error at once under its field, nothing
    /// saved on one.
    fn save_site_rules_form(&mut self, f: &SiteRulesForm) -> Result<Settings> {
        self.save_site_rules(&f.change()?)
    }

    /// *Paramètres* as typed: every error at once under its field, nothing saved on one.
    fn save_settings_form(&mut self, f: &SettingsForm) -> Result<Settings> {
        let new = f.settings(&self.settings()?)?;
        self.save_settings(&new)?;
        Ok(new)
    }
}

/// [`Basics`] from each store's inherent methods of the same names (the command line and the
/// tests call them without the trait).
macro_rules! basics {
    ($($store:ty),*) => {$(
        impl Basics for $store {
            fn operator(&self) -> &str { <$store>::operator(self) }
            fn settings(&self) -> Result<Settings> { <$store>::settings(self) }
            fn count_accounts(&self) -> Result<u64> { <$store>::count_accounts(self) }
            fn get_account(&self, id: i64) -> Result<Account> { <$store>::get_account(self, id) }
            fn update_account(&mut self, id: i64, d: &AccountDraft) -> Result<Account> {
                <$store>::update_account(self, id, d)
            }
            fn number_rules(&self) -> Result<NumberRules> { <$store>::number_rules(self) }
            fn tariffs(&self) -> Result<Vec<Tariff>> { <$store>::tariffs(self) }
            fn save_settings(&mut self, new: &Settings) -> Result<()> {
                <$store>::save_settings(self, new)
            }
            fn journal_export(&self, a: Option<&Account>, j: JournalLine) -> Result<()> {
                <$store>::journal_export(self, a, j)
            }
            fn save_site_rules(&mut self, c: &SiteRulesChange) -> Result<Settings> {
                <$store>::save_site_rules(self, c)
            }
        }
    )*};
}
basics!(Store, SiteStore);

/// Every operation of a store that fronts call on a [`Base`].
pub trait AnyStore:
    Basics + AccountRules + NumberStore + Desk + AccountSource + CallHistory + AttemptHistory
{
}
impl<S> AnyStore for S where
    S: Basics + AccountRules + NumberStore + Desk + AccountSource + CallHistory + AttemptHistory
{
}

/// The refusal of `what` (a command, a part of the window) on a site (`site`: its label):
/// backups are a desk file's, a site's are its server's.
pub fn sqlite_only(what: &str, site: Option<&str>) -> Error {
    let site = site.map(|l| format!(" ({l})")).unwrap_or_default();
    let why = match what {
        "backup" | "restore" | "Sauvegardes" => {
            " Les sauvegardes d'un site sont celles de son serveur PostgreSQL (pg_dump, pg_restore)."
        }
        _ => "",
    };
    Error::Rejected(format!(
        "« {what} » se fait sur une base SQLite, pas sur une base de site{site}.{why}"
    ))
}

pub enum Base {
    Local(Store),
    Site(SiteStore),
}

impl Deref for Base {
    type Target = dyn AnyStore;

    fn deref(&self) -> &Self::Target {
        match self {
            Base::Local(s) => s,
            Base::Site(s) => s,
        }
    }
}

impl DerefMut for Base {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Base::Local(s) => s,
            Base::Site(s) => s,
        }
    }
}

/// Calls the same method on whichever store is open.
macro_rules! both {
    ($self:expr, $s:ident => $e:expr) => {
        match $self {
            Base::Local($s) => $e,
            Base::Site($s) => $e,
        }
    };
}

impl Base {
    /// Opens `db` (`--db` or `FORFAITS_DB`; `None`: the default SQLite file): a
    /// `postgres://` URL connects to the site, anything else is an SQLite file, created when
    /// missing unless it must `exist` (a mistyped path then says « fichier introuvable »).
    pub fn open(db: Option<&str>, exist: bool) -> Result<Base> {
        let env = std::env::var("FORFAITS_DB").ok().filter(|v| !v.is_empty());
        if let Some(url) = db
            .or(env.as_deref())
            .filter(|d| crate::site::is_site_url(d))
        {
            return Ok(Base::Site(SiteStore::connect(url)?));
        }
        let store = match (db, exist) {
            (Some(p), true) => Store::open_existing(Path::new(p)),
            (Some(p), false) => Store::open(Path::new(p)),
            (None, true) => Store::open_existing(&crate::store::default_db_path()),
            (None, false) => Store::open_default(),
        }?;
        Ok(Base::Local(store))
    }

    /// The SQLite store, for what only an SQLite file does (`what`: the command, « backup »);
    /// on a site, [`sqlite_only`].
    pub fn local(&mut self, what: &str) -> Result<&mut Store> {
        match self {
            Base::Local(s) => Ok(s),
            Base::Site(s) => Err(sqlite_only(what, Some(s.label()))),
        }
    }

    pub fn site(&self) -> Option<&SiteStore> {
        match self {
            Base::Site(s) => Some(s),
            Base::Local(_) => None,
        }
    }

    pub fn list_accounts(&self, q: &ListQuery) -> Result<Page> {
        both!(self, s => s.list_accounts(q))
    }

    pub fn account_by_matricule(&self, matricule: &str) -> Result<Account> {
        both!(self, s => s.account_by_matricule(matricule))
    }

    pub fn delete_account(&mut self, id: i64) -> Result<Deleted> {
        both!(self, s => s.delete_account(id))
    }

    /// A page of an account's movements, newest first.
    pub fn movements(&self, account_id: i64, page: crate::page::Page) -> Result<Vec<Movement>> {
        both!(self, s => s.movements(account_id, page))
    }

    /// The Journal, newest first.
    pub fn audit_entries(
        &self,
        f: &crate::store::audit::AuditFilter,
    ) -> Result<Vec<crate::store::audit::AuditEntry>> {
        both!(self, s => s.audit_entries(f))
    }

    /// Replaces the tariff table by the file's, when every line is right.
    pub fn import_tariffs(
        &mut self,
        path: &Path,
        dry_run: bool,
    ) -> Result<crate::tariffs::TariffsReport> {
        match self {
            Base::Local(s) => crate::tariffs::import_tariffs(s, path, dry_run),
            Base::Site(s) => s.import_tariffs(path, dry_run),
        }
    }

    pub fn privileged_numbers(&self) -> Result<Vec<crate::rules::numbers::PrivilegedNumber>> {
        both!(self, s => s.privileged_numbers())
    }

    /// Loads a Master.csv file (rated, debited, counted), in one transaction.
    pub fn load_calls(
        &mut self,
        path: &Path,
        opts: crate::calls::CallsOptions,
        progress: &mut dyn FnMut(crate::calls::CallsProgress) -> Result<()>,
    ) -> Result<crate::calls::CallsReport> {
        match self {
            Base::Local(s) => crate::calls::load_calls(s, path, opts, progress),
            Base::Site(s) => s.load_calls(path, opts, progress),
        }
    }

    /// The account's sheet (*Imprimer*): the account, its newest movements, the settings.
    pub fn sheet(&self, account_id: i64) -> Result<Sheet> {
        Sheet::of(self, account_id).map_err(|e| match self.site() {
            Some(site) => site.refused("imprimer une fiche")(e),
            None => e,
        })
    }

    pub fn check(&self) -> Result<CheckReport> {
        both!(self, s => s.check())
    }

    pub fn import_users(
        &mut self,
        path: &Path,
        opts: ImportOptions,
        progress: &mut dyn FnMut(Progress) -> Result<()>,
        on_error: &mut dyn FnMut(&LineError),
    ) -> Result<ImportReport> {
        match self {
            Base::Local(s) => crate::import::import_users(s, path, opts, progress, on_error),
            Base::Site(s) => s.import_users(path, opts, open_import(path, on_error, progress)?),
        }
    }
}
