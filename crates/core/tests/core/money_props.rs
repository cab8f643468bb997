//! Properties over every operation that touches money, and arbitrary bytes given to the
//! tariffs and call-records loaders.

use crate::common::*;
use forfaits_core::calls::{load_calls, CallsOptions};
use forfaits_core::domain::Money;
use forfaits_core::prelude::*;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::tariffs::import_tariffs;
use forfaits_core::Store;
use proptest::prelude::*;

const TARIFFS: &str = "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;0,180;30;6;0\n+216;Fixe;0,090;60;60;0,010\n";

fn call_line(code: &str, n: u32, dst: &str, billsec: u32) -> String {
    format!(
        "\"{code}\",\"1\",\"{dst}\",\"d\",\"c\",\"a\",\"b\",\"Dial\",\"x\",\"2026-11-20 10:00:{:02}\",\"\",\"\",{},{billsec},\"{}\",\"BILLING\",\"id{n}\",\"\"\n",
        n % 60,
        billsec + 3,
        if billsec > 0 { "ANSWERED" } else { "NO ANSWER" }
    )
}

#[derive(Debug, Clone)]
enum Op {
    Money(MoneyOp),
    Calls(usize, Vec<(u8, u32)>),
    Reload,
}

fn op() -> impl Strategy<Value = Op> {
    // Weighted so that each of the seven operations stays as likely as the others.
    prop_oneof![
        5 => money_op(6, 20_000, 1..50_000).prop_map(Op::Money),
        1 => (0usize..6, proptest::collection::vec((0u8..3, 0u32..400), 1..8))
            .prop_map(|(a, c)| Op::Calls(a, c)),
        1 => Just(Op::Reload),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Create with opening balance, credit, debit, correction, call debits, reloading the same
    /// calls, deletion: after any sequence, every balance is the sum of its movements, each
    /// "balance after" is the running sum, and a reload never charged twice.
    #[test]
    fn ledger_invariant_holds_over_every_money_operation(ops in proptest::collection::vec(op(), 1..30)) {
        let (db, mut s) = temp_store();
        let tariffs = write_file(db.dir.path(), "t.csv", TARIFFS);
        import_tariffs(&mut s, &tariffs, false).unwrap();
        let mut ids: Vec<(i64, String)> = Vec::new();
        let mut n = 0u32;
        let mut last_file: Option<std::path::PathBuf> = None;
        for op in ops {
            let pick = |i: usize, ids: &Vec<(i64, String)>| ids.get(i % ids.len().max(1)).cloned();
            match op {
                Op::Money(MoneyOp::Create(open)) => {
                    n += 1;
                    let ident = format!("{:07}", 1_000_000 + n);
                    let id = create(&mut s, &format!("Compte {n}"), &format!("{:014}", n), &ident, &["26000001"], open);
                    ids.push((id, ident));
                }
                Op::Money(MoneyOp::Credit(i, m)) => if let Some((id, _)) = pick(i, &ids) {
                    s.manual_movement(id, MovementKind::Recharge, Money(m), "").unwrap();
                },
                Op::Money(MoneyOp::Debit(i, m)) => if let Some((id, _)) = pick(i, &ids) {
                    let _ = s.manual_movement(id, MovementKind::Debit, Money(m), "motif");
                },
                Op::Money(MoneyOp::Correct(i, m)) => if let Some((id, _)) = pick(i, &ids) {
                    let _ = s.manual_movement(id, MovementKind::Correction, Money(m), "motif");
                },
                Op::Calls(i, calls) => if let Some((id, code)) = pick(i, &ids) {
                    let before = s.get_account(id).unwrap().balance;
                    let f = db.dir.path().join(format!("m{n}-{i}.csv"));
                    let mut text = String::new();
                    for (k, (dst, sec)) in calls.iter().enumerate() {
                        n += 1;
                        let number = ["26000001", "71000000", "0033612345678"][*dst as usize];
                        text.push_str(&call_line(&code, n * 100 + k as u32, number, *sec));
                    }
                    std::fs::write(&f, text).unwrap();
                    let r = load_calls(&mut s, &f, CallsOptions::default(), &mut |_| Ok(())).unwrap();
                    prop_assert_eq!(s.get_account(id).unwrap().balance, before - r.totaux.montant_total);
                    last_file = Some(f);
                },
                Op::Reload => if let Some(f) = &last_file {
                    let r = load_calls(&mut s, f, CallsOptions::default(), &mut |_| Ok(())).unwrap();
                    prop_assert_eq!(r.totaux.montant_total, 0, "a reload charges nothing");
                    prop_assert_eq!(r.appels_charges, 0);
                },
                Op::Money(MoneyOp::Delete(i)) => if let Some((id, _)) = pick(i, &ids) {
                    s.delete_account(id).unwrap();
                    ids.retain(|(x, _)| *x != id);
                },
            }
        }
        let report = s.check().unwrap();
        prop_assert!(report.ok(), "{:?}", report.problemes);
    }

    #[test]
    fn arbitrary_bytes_as_tariffs_never_panic_nor_change_the_tariffs(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let (db, mut s) = temp_store();
        let good = write_file(db.dir.path(), "t.csv", TARIFFS);
        import_tariffs(&mut s, &good, false).unwrap();
        let f = write_file(db.dir.path(), "x.csv", &bytes);
        match import_tariffs(&mut s, &f, false) {
            Ok(r) if r.ecrit => prop_assert!(r.erreurs.is_empty()),
            _ => prop_assert_eq!(s.tariffs().unwrap().len(), 2),
        }
    }

    #[test]
    fn arbitrary_bytes_as_call_records_never_panic_and_keep_the_ledger(bytes in proptest::collection::vec(any::<u8>(), 0..3000), prefix in proptest::collection::vec(0u8..3, 0..6)) {
        let (db, mut s) = temp_store();
        create(&mut s, "Ali", "10000000000001", "1234567", &["26000001"], 5_000);
        import_tariffs(&mut s, &write_file(db.dir.path(), "t.csv", TARIFFS), false).unwrap();
        let f = db.dir.path().join("m.csv");
        // Some valid records first, so that damage also lands after good lines.
        let mut text: Vec<u8> = prefix.iter().enumerate().map(|(k, d)| call_line("1234567", k as u32, ["26000001", "71000000", "*97"][*d as usize], 61)).collect::<String>().into_bytes();
        text.extend(&bytes);
        std::fs::write(&f, &text).unwrap();
        let before = s.get_account(1).unwrap().balance;
        match load_calls(&mut s, &f, CallsOptions::default(), &mut |_| Ok(())) {
            Ok(r) => prop_assert_eq!(s.get_account(1).unwrap().balance, before - r.totaux.montant_total),
            Err(_) => prop_assert_eq!(s.get_account(1).unwrap().balance, before, "refused: nothing written"),
        }
        prop_assert!(s.check().unwrap().ok());
    }
}

#[test]
fn an_oversized_call_record_line_is_reported_not_buffered() {
    let (db, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1234567", &[], 0);
    import_tariffs(&mut s, &write_file(db.dir.path(), "t.csv", TARIFFS), false).unwrap();
    let f = db.dir.path().join("long.csv");
    let mut text = call_line("1234567", 1, "26000001", 10);
    text.push_str(&format!("\"{}\n", "x".repeat(2 << 20)));
    std::fs::write(&f, text).unwrap();
    let r = load_calls(&mut s, &f, CallsOptions::default(), &mut |_| Ok(())).unwrap();
    assert_eq!(r.appels_charges, 1);
    assert_eq!(r.listes.erreurs.len(), 1);
}

#[test]
fn daily_backups_are_made_once_a_day_and_pruned_after_the_retention() {
    let (_db, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1234567", &[], 0);
    let mut st = s.settings().unwrap();
    st.backup_retention_days = 3;
    s.save_settings(&st).unwrap();
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    for d in 1..=6 {
        assert!(s.auto_backup(day(d)).unwrap().is_some(), "day {d}");
        assert!(s.auto_backup(day(d)).unwrap().is_none(), "once a day");
    }
    let mut names: Vec<String> = std::fs::read_dir(s.backup_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "forfaits-2026-11-04.sqlite3",
            "forfaits-2026-11-05.sqlite3",
            "forfaits-2026-11-06.sqlite3"
        ]
    );
    let copy = Store::open(&s.backup_dir().join("forfaits-2026-11-06.sqlite3")).unwrap();
    assert_eq!(copy.count_accounts().unwrap(), 1);
    assert!(copy.check().unwrap().ok());
}
