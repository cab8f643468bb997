//! Arbitrary bytes given to the import never panic, and a refused import never writes.

use crate::common::*;
use forfaits_core::import::{import_users, ImportOptions};
use forfaits_core::Store;
use proptest::prelude::*;

fn state(s: &Store) -> String {
    let p = s
        .list_accounts(&forfaits_core::store::accounts::ListQuery {
            limite: 1000,
            ..Default::default()
        })
        .unwrap();
    format!("{}{:?}", p.total, p.rows)
}

/// Pieces that make files look almost right, so the fuzzing reaches deep into the engine.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b";".to_vec()),
        Just(b",".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"10000000000001".to_vec()),
        Just(b"1234567".to_vec()),
        Just(b"+21627468145".to_vec()),
        Just(b"1,23457E+13".to_vec()),
        Just("Hédi".as_bytes().to_vec()),
        Just(vec![0xE9]),
        Just(vec![0xFF, 0xFE]),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"=cmd".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..20),
    ]
}

/// `existing`: the database already holds an account (otherwise the import takes its bulk path).
fn check_one(bytes: &[u8], opts: ImportOptions, existing: bool) -> Result<(), TestCaseError> {
    let (db, mut s) = temp_store();
    if existing {
        create(&mut s, "Existant", "10000000000001", "1234567", &[], 100);
    }
    let before = state(&s);
    let f = write_file(db.dir.path(), "in.csv", bytes);
    let r = import_users(&mut s, &f, opts, &mut |_| Ok(()), &mut |_| {});
    match r {
        Ok(rep) if rep.ecrit => {
            prop_assert!(rep.rejetees == 0 || opts.skip_invalid);
        }
        _ => prop_assert_eq!(state(&s), before, "refused import wrote something"),
    }
    let check = s.check().unwrap();
    prop_assert!(check.ok(), "{:?}", check.problemes);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic_nor_write_on_refusal(
        bytes in proptest::collection::vec(any::<u8>(), 0..3000),
        existing in any::<bool>(),
    ) {
        check_one(&bytes, ImportOptions::default(), existing)?;
    }

    #[test]
    fn near_valid_files_never_panic_nor_write_on_refusal(
        pieces in proptest::collection::vec(piece(), 0..120),
        skip in any::<bool>(),
        update in any::<bool>(),
        existing in any::<bool>(),
    ) {
        let bytes: Vec<u8> = pieces.concat();
        check_one(&bytes, ImportOptions { dry_run: false, skip_invalid: skip, update_existing: update }, existing)?;
    }
}
