// Shared by the fuzz targets: a database holding one account, and the checks every refusal
// must pass (nothing written, ledger and indexes intact).

use forfaits_core::domain::{AccountForm, Money};
use forfaits_core::Store;

pub struct Db {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

pub fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("f.sqlite3")).unwrap();
    let st = store.settings().unwrap();
    let (d, _) = AccountForm {
        nom: "Ali".into(),
        matricule: "10000000000001".into(),
        identifiant: "1234567".into(),
        etat_compte: true,
        billing: true,
        telephones: vec!["26000001".into()],
        ..Default::default()
    }
    .validate(&st.currency, &st.country_code)
    .unwrap();
    store.create_account(&d, Money(5_000)).unwrap();
    Db { dir, store }
}

pub fn file(db: &Db, bytes: &[u8]) -> std::path::PathBuf {
    let p = db.dir.path().join("entree.csv");
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn intact(db: &Db) {
    let r = db.store.check().unwrap();
    assert!(r.ok(), "{:?}", r.problemes);
}
