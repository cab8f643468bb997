#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    let mut db = common::db();
    let f = common::file(&db, bytes);
    match forfaits_core::tariffs::import_tariffs(&mut db.store, &f, false) {
        Ok(r) if r.ecrit => assert!(r.erreurs.is_empty()),
        _ => assert!(db.store.tariffs().unwrap().is_empty(), "a refused import wrote"),
    }
    common::intact(&db);
});
