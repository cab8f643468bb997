#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    let mut db = common::db();
    let f = common::file(&db, bytes);
    let before = db.store.get_account(1).unwrap().solde;
    match forfaits_core::calls::load_calls(&mut db.store, &f, Default::default(), &mut |_| Ok(())) {
        Ok(r) => assert_eq!(db.store.get_account(1).unwrap().solde, before - r.montant_total),
        Err(_) => assert_eq!(db.store.get_account(1).unwrap().solde, before),
    }
    common::intact(&db);
});
