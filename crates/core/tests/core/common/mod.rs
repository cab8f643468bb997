#![allow(dead_code)]

use forfaits_core::domain::{AccountForm, CountryCode, Currency, Money};
use forfaits_core::prelude::*;
use forfaits_core::Store;
use std::path::PathBuf;

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_db() -> TempDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forfaits.sqlite3");
    TempDb { dir, path }
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

/// Imports `file` with the default options and no progress shown.
pub fn import_file(
    s: &mut Store,
    file: &std::path::Path,
) -> forfaits_core::Result<forfaits_core::import::ImportReport> {
    forfaits_core::import::import_users(
        s,
        file,
        forfaits_core::import::ImportOptions::default(),
        &mut |_| {},
        &mut |_| {},
    )
}
