#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|bytes: &[u8]| {
    let mut db = common::db();
    let f = common::file(&db, bytes);
    let r = forfaits_core::import::import_users(&mut db.store, &f, Default::default(), &mut |_| Ok(()), &mut |_| {});
    if !matches!(r, Ok(ref rep) if rep.ecrit) {
        assert_eq!(db.store.count_accounts().unwrap(), 1, "a refused import wrote");
    }
    common::intact(&db);
});
