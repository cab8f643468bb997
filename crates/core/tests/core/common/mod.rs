#![allow(dead_code)]

use forfaits_core::domain::{AccountForm, CountryCode, Currency, Money};
use forfaits_core::prelude::*;
use forfaits_core::store::accounts::{ListQuery, Page};
use forfaits_core::store::check::CheckReport;
use forfaits_core::Store;
use std::path::PathBuf;

mod money_ops;
pub use money_ops::*;

#[path = "../../../../../tests/support/sample.rs"]
mod sample;
pub use sample::*;

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_db() -> TempDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forfaits.sqlite3");
    TempDb { dir, path }
}

/// Writes `content` to a new file `name` in `dir`, and returns its path.
pub fn write_file(dir: &std::path::Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, content).unwrap();
    f
}

/// A new store on a new file; the file lives as long as the `TempDb`.
pub fn temp_store() -> (TempDb, Store) {
    let db = temp_db();
    let s = Store::open(&db.path).unwrap();
    (db, s)
}

pub fn form(name: &str, matricule: &str, identifiant: &str, phones: &[&str]) -> AccountForm {
    AccountForm {
        name: name.into(),
        matricule: matricule.into(),
        identifiant: identifiant.into(),
        enabled: true,
        billing: true,
        allowance: String::new(),
        opening_balance: String::new(),
        phones: phones.iter().map(|s| s.to_string()).collect(),
    }
}

/// Creates an account from plain values; panics on a validation error (tests give good ones).
pub fn create(
    store: &mut Store,
    name: &str,
    matricule: &str,
    identifiant: &str,
    phones: &[&str],
    opening: i64,
) -> i64 {
    let (d, _) = form(name, matricule, identifiant, phones)
        .validate(&Currency::default(), &CountryCode::default())
        .unwrap();
    store.create_account(&d, Money(opening)).unwrap().id
}

/// Someone the tests give an account to: name, matricule, identifiant.
pub type Holder = (&'static str, &'static str, &'static str);

pub const SAMI_MANSOURI: Holder = ("Sami Mansouri", "10000000007919", "8812311");
pub const LOTFI_BEN_ALI: Holder = ("Lotfi Ben Ali", "10000000000000", "8589669");
pub const AMIRA_TRABELSI: Holder = ("Amira Trabelsi", "10000000015838", "8580488");
pub const HEDI_BEN_SALAH: Holder = ("Hédi Ben Salah", "10000000023757", "9520162");
pub const ZIED_ZOUARI: Holder = ("Zied Zouari", "10000000142542", "1251670");
pub const SAMI_BEN_ALI: Holder = ("Sami Ben Ali", "10000000000001", "1000001");

/// Creates `who`'s account with these numbers and opening balance.
pub fn create_holder(s: &mut Store, who: Holder, phones: &[&str], opening: i64) -> i64 {
    create(s, who.0, who.1, who.2, phones, opening)
}

/// The balance of the account `matricule`, in millimes.
pub fn balance_of(s: &Store, matricule: &str) -> i64 {
    s.account_by_matricule(matricule).unwrap().balance
}

/// Imports `file` with the default options and no progress shown.
pub fn import_file(
    s: &mut Store,
    file: &std::path::Path,
) -> forfaits_core::Result<forfaits_core::import::ImportReport> {
    forfaits_core::import::import_users(
        s,
        file,
        forfaits_core::import::ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |_| {},
    )
}

/// Asserts that a check found a problem whose text has `needle`; `context` leads the message.
pub fn assert_problem(report: &CheckReport, needle: &str, context: &str) {
    assert!(
        report.problemes.lignes.iter().any(|p| p.contains(needle)),
        "{context}: no problem with {needle:?} in {:?}",
        report.problemes
    );
}

/// What the search box asks for `q`: the first 100 rows by name, more than any test makes.
pub fn search(q: &str) -> ListQuery {
    ListQuery {
        recherche: q.into(),
        limite: 100,
        ..Default::default()
    }
}

/// The first page a search for `q` finds.
pub fn found_page(s: &Store, q: &str) -> Page {
    s.list_accounts(&search(q)).unwrap()
}

/// The names on a page, in its order.
pub fn names_on(page: Page) -> Vec<String> {
    page.rows.into_iter().map(|a| a.name).collect()
}

/// The names a search for `q` finds, in order.
pub fn names(s: &Store, q: &str) -> Vec<String> {
    names_on(found_page(s, q))
}
