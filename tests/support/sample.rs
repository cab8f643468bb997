//! The sample of tests/fixtures (users-sample.csv and tariffs-sample.csv) loaded into a store,
//! shared by the tests of the crates under crates/ (whose manifests are two folders down).

#![allow(dead_code)]

use forfaits_core::domain::Money;
use forfaits_core::import::{import_users, ImportOptions};
use forfaits_core::prelude::*;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::tariffs::import_tariffs;
use forfaits_core::Store;
use std::path::{Path, PathBuf};

/// Lotfi Ben Ali of the sample: identifiant 8589669; key 2 is +21627468145 (Ooredoo).
pub const LOTFI: &str = "10000000000000";

/// A file of tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// The sample's users and tariffs, written into `s`; Lotfi credited with `millimes` if any.
pub fn load_sample(s: &mut Store, millimes: i64) {
    import_users(
        s,
        &fixture("users-sample.csv"),
        ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .unwrap();
    let t = import_tariffs(s, &fixture("tariffs-sample.csv"), false).unwrap();
    assert!(t.ecrit, "{:?}", t.erreurs);
    if millimes > 0 {
        let a = s.account_by_matricule(LOTFI).unwrap();
        s.manual_movement(a.id, MovementKind::Recharge, Money(millimes), "Dépôt")
            .unwrap();
    }
}
