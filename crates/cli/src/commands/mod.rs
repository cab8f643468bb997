//! One module per subcommand; each returns the exit status.

mod account;
pub mod agi;
mod backup;
mod balance;
mod calls;
mod check;
mod export;
mod import;
mod numbers;
mod rules;
mod search;
mod sheet;
pub mod site;
mod tariffs;

use crate::args::Command;
use crate::Io;
use forfaits_core::{Base, Result};

pub fn run(base: &mut Base, command: Command, io: &mut Io<'_>) -> Result<u8> {
    match command {
        Command::Import(a) => import::run(base, a, io),
        Command::Export(a) => export::run(base, a, io),
        Command::Search(a) => search::run(base, a, io),
        Command::Balance(a) => balance::run(base, a, io),
        Command::Check => check::run(base, io),
        Command::Account(a) => account::run(base, a, io),
        Command::Backup(a) => backup::run(base.local("backup")?, a, io),
        Command::Restore(a) => backup::restore(
            base.local("restore")?,
            crate::args::BackupArgs { file: a.file },
            io,
        ),
        Command::Calls(c) => calls::run(base, c, io),
        Command::Tariffs(c) => tariffs::run(base, c, io),
        Command::Sheet(a) => sheet::run(base, a, io),
        Command::Numbers(c) => numbers::run(base, c, io),
        Command::Rules(a) => rules::run(base, a, io),
        Command::Site(c) => site::migrate(base.local("site migrate")?, c, io),
        Command::Agi(_) => unreachable!("the service opens its own database (lib.rs)"),
    }
}

/// One account as `search --json` and `account --json` print it.
pub fn account_json(
    acc: &forfaits_core::domain::Account,
    currency: &forfaits_core::domain::Currency,
) -> serde_json::Value {
    use forfaits_core::domain::state::switch_label;
    use forfaits_core::domain::Money;
    serde_json::json!({
        "nom": acc.name,
        "matricule": acc.matricule,
        "identifiant": acc.identifiant,
        "solde": currency.format_plain(Money(acc.balance)),
        "solde_unites_mineures": acc.balance,
        "devise": currency.code,
        "etat_compte": switch_label(acc.enabled),
        "etat_general": acc.etat_general().label(),
        "billing": switch_label(acc.billing),
        "duree_appel_min": acc.allowance_minutes,
        "duree_totale_s": acc.used_seconds,
        "telephones": acc.phones,
        "cree_le": forfaits_core::dates::local(acc.created_at),
        "modifie_le": forfaits_core::dates::local(acc.updated_at),
        "duree_max_appel_min": acc.max_call_minutes,
        "appels_par_jour": acc.calls_per_day,
        "suspendu_jusqu_au": acc.suspended_until.map(|d| d.format("%d/%m/%Y").to_string()),
        "motif_suspension": acc.suspension_reason,
    })
}

/// `1 234 567` with plain spaces: readable in any terminal.
pub use forfaits_core::fr::thousands;

/// Write errors on stdout/stderr (a closed pipe) are not worth a second error.
pub fn w(r: std::io::Result<()>) {
    let _ = r;
}

/// The account with this matricule, the matricule checked first (French message either way);
/// `find` looks it up in whichever store is open.
pub fn account(
    find: impl FnOnce(&str) -> Result<forfaits_core::domain::Account>,
    matricule: &str,
) -> Result<forfaits_core::domain::Account> {
    let m =
        forfaits_core::domain::Matricule::parse(matricule).map_err(forfaits_core::Error::field)?;
    find(m.as_str())
}
