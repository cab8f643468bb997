//! The store on a real SQLite file: accounts, ledger invariant, concurrency, check.

use crate::common::*;
use forfaits_core::domain::{Field, Money};
use forfaits_core::prelude::*;
use forfaits_core::store::accounts::{ListQuery, SortKey};
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::{Error, Store};
use proptest::prelude::*;

#[test]
fn opening_balance_is_the_first_movement() {
    let (_db, mut s) = temp_store();
    let id = create_holder(&mut s, SAMI_MANSOURI, &[], 12_500);
    let a = s.get_account(id).unwrap();
    assert_eq!(a.balance, 12_500);
    let m = s.movements(id, Page::first(10)).unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].kind, MovementKind::Initial);
    assert_eq!(m[0].solde_apres, 12_500);
    assert!(s.check().unwrap().ok());
}

#[test]
fn duplicate_matricule_or_identifiant_is_refused_with_the_holder_named() {
    let (_db, mut s) = temp_store();
    create_holder(&mut s, SAMI_MANSOURI, &[], 0);
    let (d, _) = form("Autre", "10000000007919", "8812311", &[])
        .validate(&Default::default(), &Default::default())
        .unwrap();
    let Error::Fields(errs) = s.create_account(&d, Money(0)).unwrap_err() else {
        panic!("field errors expected")
    };
    assert_eq!(errs.len(), 2);
    assert_eq!(errs[0].field, Field::Matricule);
    assert!(errs[0].message.contains("Sami Mansouri"));
    assert_eq!(errs[1].field, Field::Identifiant);
    assert_eq!(s.count_accounts().unwrap(), 1);
}

/// Sami Mansouri's account, credited 12,500 TND.
fn sami_with_12_500() -> (TempDb, Store, i64) {
    let (db, mut s) = temp_store();
    let id = create_holder(&mut s, SAMI_MANSOURI, &[], 0);
    s.manual_movement(id, MovementKind::Recharge, Money(12_500), "Dépôt")
        .unwrap();
    (db, s, id)
}

#[test]
fn debit_below_zero_is_refused_and_changes_nothing() {
    let (_db, mut s, id) = sami_with_12_500();
    let err = s
        .manual_movement(id, MovementKind::Debit, Money(100_000), "Achat")
        .unwrap_err();
    assert!(err.is_rejection());
    assert!(err.to_string().contains("12,500"), "{err}");
    assert_eq!(s.get_account(id).unwrap().balance, 12_500);
    assert_eq!(s.count_movements(id).unwrap(), 1);
    let err = s
        .manual_movement(
            id,
            MovementKind::Correction,
            Money(-12_501),
            "Erreur de saisie",
        )
        .unwrap_err();
    assert!(err.to_string().contains("négatif"));
    s.manual_movement(
        id,
        MovementKind::Correction,
        Money(-12_500),
        "Erreur de saisie",
    )
    .unwrap();
    assert_eq!(s.get_account(id).unwrap().balance, 0);
}

#[test]
fn debit_and_correction_need_a_reason() {
    let (_db, mut s) = temp_store();
    let id = create(&mut s, "Ali", "10000000000001", "1000001", &[], 5_000);
    for kind in [MovementKind::Debit, MovementKind::Correction] {
        let Error::Fields(e) = s.manual_movement(id, kind, Money(1), "  ").unwrap_err() else {
            panic!()
        };
        assert_eq!(e[0].field, Field::Reason);
    }
    assert!(s
        .manual_movement(id, MovementKind::Recharge, Money(0), "")
        .is_err());
    assert_eq!(s.count_movements(id).unwrap(), 1);
}

/// The list stops at fifty; the last line says how many more, so that 50 is not read as all.
#[test]
fn check_counts_the_broken_balances_it_does_not_list() {
    let (db, mut s) = temp_store();
    for i in 0..53 {
        create(
            &mut s,
            &format!("Compte {i}"),
            &format!("{}", 20000000000000u64 + i),
            &format!("{}", 3000000 + i),
            &[],
            100,
        );
    }
    let raw = rusqlite::Connection::open(&db.path).unwrap();
    raw.execute("UPDATE accounts SET balance = balance + 1", [])
        .unwrap();
    let report = s.check().unwrap();
    let said = report.problemes.lignes;
    assert_eq!(said.len(), 51, "{said:#?}");
    assert_eq!(said[50], "… et 3 comptes de plus.");
    assert_eq!(report.problemes.nombre, 53);
    raw.execute("UPDATE accounts SET balance = balance - 1 WHERE id > 3", [])
        .unwrap();
    let said = s.check().unwrap().problemes.lignes;
    assert_eq!(said.len(), 3, "three listed, no count: {said:#?}");
}

/// A key an earlier version let in is to be corrected, not a damaged base: `check` names it
/// apart, and a backup that holds it restores.
#[test]
fn a_backup_holding_a_key_to_correct_restores() {
    let (db, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1000001", &["99383470"], 0);
    let raw = rusqlite::Connection::open(&db.path).unwrap();
    // The same number twice: the search index, which keeps each number once, stays right.
    raw.execute("UPDATE accounts SET phone2 = '+21699383470'", [])
        .unwrap();
    let report = s.check().unwrap();
    assert!(report.ok(), "{:?}", report.problemes);
    assert_eq!(report.touches_a_corriger.nombre, 1);
    assert!(
        report.touches_a_corriger.lignes[0].starts_with(
            "Compte 10000000000001 (Ali), touche 2 : le numéro +21699383470 figure déjà sur la \
             touche 1 ;"
        ),
        "{:?}",
        report.touches_a_corriger
    );
    let copy = db.path.with_file_name("copie.sqlite3");
    s.backup_to(&copy).unwrap();
    let (_other, mut other) = temp_store();
    other.restore_from(&copy).unwrap();
    assert_eq!(other.check().unwrap().touches_a_corriger.nombre, 1);
}

#[test]
fn check_detects_a_balance_altered_behind_its_back() {
    let (db, mut s) = temp_store();
    let id = create_holder(&mut s, SAMI_MANSOURI, &[], 1_000);
    assert!(s.check().unwrap().ok());
    let raw = rusqlite::Connection::open(&db.path).unwrap();
    raw.execute("UPDATE accounts SET balance = 999999 WHERE id = ?1", [id])
        .unwrap();
    let report = s.check().unwrap();
    assert!(!report.ok());
    assert!(
        report.problemes.lignes[0].contains("10000000007919"),
        "{:?}",
        report.problemes
    );
    raw.execute("UPDATE accounts SET balance = 1000 WHERE id = ?1", [id])
        .unwrap();
    raw.execute(
        "UPDATE movements SET balance_after = 5 WHERE account_id = ?1",
        [id],
    )
    .unwrap();
    assert!(s.check().unwrap().problemes.lignes[0].contains("solde après"));
}

#[test]
fn check_detects_a_search_index_out_of_step() {
    let (db, mut s) = temp_store();
    create_holder(&mut s, SAMI_MANSOURI, &["26630494"], 0);
    let raw = rusqlite::Connection::open(&db.path).unwrap();
    raw.execute("UPDATE accounts SET name_key = 'zorro'", [])
        .unwrap();
    assert!(s.check().unwrap().problemes.lignes[0].contains("index de recherche"));
}

#[test]
fn a_write_blocked_by_another_program_is_refused_in_french_and_changes_nothing() {
    let (db, mut s, id) = sami_with_12_500();
    // Another program holds the write lock longer than this one is willing to wait.
    let other = rusqlite::Connection::open(&db.path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.set_busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    let e = s
        .manual_movement(id, MovementKind::Recharge, Money(1_000), "Dépôt")
        .unwrap_err();
    assert!(matches!(e, Error::Busy), "{e:?}");
    assert!(
        e.to_string().contains("occupée par un autre programme")
            && e.to_string().contains("aucune modification n'a été perdue"),
        "{e}"
    );
    let csv = db.path.with_extension("csv");
    std::fs::write(&csv, "Amira Trabelsi;10000000015838;8580488\n").unwrap();
    let e = import_file(&mut s, &csv).unwrap_err();
    assert!(matches!(e, Error::Busy), "{e:?}");
    other.execute_batch("ROLLBACK").unwrap();

    assert_eq!(s.get_account(id).unwrap().balance, 12_500);
    assert_eq!(s.count_movements(id).unwrap(), 1);
    assert_eq!(s.count_accounts().unwrap(), 1);
    // Once the other program is done, the same write goes through.
    s.manual_movement(id, MovementKind::Recharge, Money(1_000), "Dépôt")
        .unwrap();
    assert_eq!(s.get_account(id).unwrap().balance, 13_500);
    assert!(s.check().unwrap().ok());
}

#[test]
fn ranks_read_on_another_connection_are_kept_only_if_nothing_was_written_since() {
    let (db, mut s) = temp_store();
    for i in 0..1500u64 {
        create(
            &mut s,
            &format!("Karim {:04}", (i * 7919) % 1500),
            &format!("{:014}", 10_000_000_000_000 + i),
            &format!("{}", 1_000_000 + i),
            &[],
            0,
        );
    }
    s.keep_sort_ranks();
    let other = Store::open(&db.path).unwrap();
    let query = ListQuery {
        recherche: "k".into(),
        tri: SortKey::Nom,
        desc: false,
        decalage: 1_000,
        limite: 50,
    };
    let expected = other.list_accounts(&query).unwrap();

    // Nothing written in between: kept, and pages come out as without them.
    let state = s.ranks_state().unwrap();
    let ranks = other.read_default_ranks().unwrap().unwrap();
    assert!(s.adopt_ranks(ranks, state).unwrap());
    let page = s.list_accounts(&query).unwrap();
    let names = |p: &forfaits_core::store::accounts::Page| -> Vec<String> {
        p.rows.iter().map(|a| a.matricule.clone()).collect()
    };
    assert_eq!(names(&page), names(&expected));

    // A write by another connection, or by this one, after the state was taken: refused.
    let state = s.ranks_state().unwrap();
    let ranks = other.read_default_ranks().unwrap().unwrap();
    let mut writer = Store::open(&db.path).unwrap();
    create(
        &mut writer,
        "Aaron Karim",
        "20000000000000",
        "2000000",
        &[],
        0,
    );
    assert!(!s.adopt_ranks(ranks, state).unwrap());
    let state = s.ranks_state().unwrap();
    let ranks = other.read_default_ranks().unwrap().unwrap();
    create(&mut s, "Zied Karim", "20000000000001", "2000001", &[], 0);
    assert!(!s.adopt_ranks(ranks, state).unwrap());
    // The listing still sees both new accounts, in their places.
    let all = s
        .list_accounts(&ListQuery {
            recherche: "karim".into(),
            tri: SortKey::Nom,
            desc: false,
            decalage: 0,
            limite: 1,
        })
        .unwrap();
    assert_eq!(all.total, 1502);
    assert_eq!(all.rows[0].name, "Aaron Karim");
}

#[test]
fn two_connections_crediting_one_account_at_once_lose_nothing() {
    let db = temp_db();
    let id = {
        let mut s = Store::open(&db.path).unwrap();
        create_holder(&mut s, SAMI_MANSOURI, &[], 0)
    };
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = db.path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for i in 0..50 {
                    s.manual_movement(id, MovementKind::Recharge, Money(1 + t * 100 + i), "")
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = Store::open(&db.path).unwrap();
    let expected: i64 = (0..4)
        .map(|t| (0..50).map(|i| 1 + t * 100 + i).sum::<i64>())
        .sum();
    assert_eq!(s.get_account(id).unwrap().balance, expected);
    assert_eq!(s.count_movements(id).unwrap(), 200);
    assert!(s.check().unwrap().ok());
}

#[test]
fn delete_removes_account_movements_and_search_entries_and_is_audited() {
    let (_db, mut s) = temp_store();
    let id = create_holder(&mut s, HEDI_BEN_SALAH, &["0021641527589"], 3_000);
    let gone = s.delete_account(id).unwrap();
    assert_eq!(gone.solde, 3_000);
    assert!(s.get_account(id).is_err());
    let page = found_page(&s, "41527589");
    assert_eq!(page.total, 0);
    let log = s.audit_entries(&Default::default()).unwrap();
    assert_eq!(log[0].action, "Suppression du compte");
    assert_eq!(
        log[0].sujet.as_ref().map(|s| s.matricule.as_str()),
        Some("10000000023757")
    );
    assert!(log[0].details.contains("3,000"));
    assert!(s.check().unwrap().ok());
}

#[test]
fn search_ignores_case_and_accents_and_matches_every_field() {
    let (_db, mut s) = temp_store();
    create_holder(
        &mut s,
        HEDI_BEN_SALAH,
        &["0021641527589", "+21620754009"],
        0,
    );
    create(
        &mut s,
        "Hélène Haddad",
        "10000000063352",
        "4123476",
        &["47725678"],
        0,
    );
    create(
        &mut s,
        "Sami Mansouri",
        "20000000007919",
        "8812311",
        &["26630494"],
        0,
    );
    let searches: [(&str, &[&str], &str); 11] = [
        ("HEDI", &["Hédi Ben Salah"], ""),
        ("hél", &["Hélène Haddad"], ""),
        ("ben sal", &["Hédi Ben Salah"], ""),
        ("salah hedi", &["Hédi Ben Salah"], ""),
        ("1000000", &["Hédi Ben Salah", "Hélène Haddad"], ""),
        ("881", &["Sami Mansouri"], ""),
        ("41527589", &["Hédi Ben Salah"], "national part"),
        ("4152", &["Hédi Ben Salah"], "start of the national part"),
        ("+216 41 527 589", &["Hédi Ben Salah"], "written with +216"),
        ("0021620754009", &["Hédi Ben Salah"], "written with 00216"),
        ("21647725678", &["Hélène Haddad"], "country code without +"),
    ];
    for (q, expected, why) in searches {
        assert_eq!(names(&s, q), expected, "search {q:?}: {why}");
    }
    assert!(names(&s, "zorro").is_empty());
    assert!(names(&s, "hedi 4772").is_empty(), "every term must match");
}

#[test]
fn edit_moves_the_search_entries_with_the_account() {
    let (_db, mut s) = temp_store();
    let id = create_holder(&mut s, ZIED_ZOUARI, &["26630494"], 0);
    let (d, _) = form(
        "Zied Khelifi",
        "10000000142542",
        "1251670",
        &["", "55123456"],
    )
    .validate(&Default::default(), &Default::default())
    .unwrap();
    s.update_account(id, &d).unwrap();
    assert!(names(&s, "zouari").is_empty());
    assert!(names(&s, "26630494").is_empty());
    assert_eq!(names(&s, "khelifi"), ["Zied Khelifi"]);
    assert_eq!(names(&s, "5512"), ["Zied Khelifi"]);
    let a = s.get_account(id).unwrap();
    assert_eq!(a.phones[0], None, "key positions are kept");
    assert_eq!(a.phones[1].as_deref(), Some("55123456"));
    assert!(s.check().unwrap().ok());
    assert!(s.audit_entries(&Default::default()).unwrap()[0]
        .details
        .contains("Zouari"));
}

#[test]
fn list_sorts_pages_and_counts() {
    let (_db, mut s) = temp_store();
    for (i, n) in ["Charlie", "alpha", "Écho", "delta", "Bravo"]
        .iter()
        .enumerate()
    {
        create(
            &mut s,
            n,
            &format!("1000000000000{i}"),
            &format!("100000{i}"),
            &[],
            i as i64 * 10,
        );
    }
    let page = s
        .list_accounts(&ListQuery {
            tri: SortKey::Nom,
            limite: 2,
            decalage: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 5);
    let n: Vec<_> = page.rows.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        n,
        ["Charlie", "delta"],
        "accent- and case-insensitive order"
    );
    let page = s
        .list_accounts(&ListQuery {
            tri: SortKey::Solde,
            desc: true,
            limite: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.rows[0].name, "Bravo");
}

#[test]
fn changing_decimals_after_money_moved_is_refused() {
    let (_db, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "1000001", &[], 1);
    let mut st = s.settings().unwrap();
    st.currency.decimals = 2;
    assert!(s
        .save_settings(&st)
        .unwrap_err()
        .to_string()
        .contains("décimales"));
    assert_eq!(s.settings().unwrap().currency.decimals, 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever sequence of money operations runs (refused ones included), every balance is the
    /// sum of its movements, each "balance after" is the running sum, and no balance is negative.
    #[test]
    fn ledger_invariant_holds_after_any_sequence(ops in proptest::collection::vec(money_op(8, 50_000, 0..100_000), 1..40)) {
        let (_db, mut s) = temp_store();
        let mut ids: Vec<i64> = Vec::new();
        let mut model: std::collections::HashMap<i64, i64> = Default::default();
        let mut n = 0;
        for op in ops {
            let pick = |i: usize, ids: &Vec<i64>| ids.get(i % ids.len().max(1)).copied();
            match op {
                MoneyOp::Create(open) => {
                    n += 1;
                    let id = create(&mut s, &format!("Compte {n}"), &format!("{:014}", n), &format!("{:07}", n), &[], open);
                    ids.push(id);
                    model.insert(id, open);
                }
                MoneyOp::Credit(i, m) => if let Some(id) = pick(i, &ids) {
                    let r = s.manual_movement(id, MovementKind::Recharge, Money(m), "");
                    if r.is_ok() { *model.get_mut(&id).unwrap() += m; }
                    prop_assert_eq!(r.is_ok(), m > 0);
                },
                MoneyOp::Debit(i, m) => if let Some(id) = pick(i, &ids) {
                    let before = model[&id];
                    let r = s.manual_movement(id, MovementKind::Debit, Money(m), "motif");
                    prop_assert_eq!(r.is_ok(), m > 0 && before - m >= 0);
                    if r.is_ok() { *model.get_mut(&id).unwrap() -= m; }
                },
                MoneyOp::Correct(i, m) => if let Some(id) = pick(i, &ids) {
                    let before = model[&id];
                    let r = s.manual_movement(id, MovementKind::Correction, Money(m), "motif");
                    prop_assert_eq!(r.is_ok(), m != 0 && before + m >= 0);
                    if r.is_ok() { *model.get_mut(&id).unwrap() += m; }
                },
                MoneyOp::Delete(i) => if let Some(id) = pick(i, &ids) {
                    s.delete_account(id).unwrap();
                    ids.retain(|x| *x != id);
                    model.remove(&id);
                },
            }
        }
        for (id, bal) in &model {
            prop_assert_eq!(s.get_account(*id).unwrap().balance, *bal);
            prop_assert!(*bal >= 0);
        }
        let report = s.check().unwrap();
        prop_assert!(report.ok(), "{:?}", report.problemes);
    }
}

#[test]
fn a_search_matching_most_accounts_pages_like_a_narrow_one() {
    let (_db, mut s) = temp_store();
    for i in 0..1500 {
        let name = format!("Nom {:04}", (i * 7919) % 1500);
        create(
            &mut s,
            &name,
            &format!("1{:013}", i),
            &format!("{:07}", 2_000_000 + i),
            &[],
            0,
        );
    }
    create(&mut s, "Autre", "90000000000000", "9999999", &[], 0);
    // "1" matches 1500 of 1501 accounts: the dense path.
    let dense = |offset: u64| {
        s.list_accounts(&ListQuery {
            recherche: "1".into(),
            decalage: offset,
            limite: 100,
            ..Default::default()
        })
        .unwrap()
    };
    let p = dense(0);
    assert_eq!(p.total, 1500);
    assert_eq!(p.rows[0].name, "Nom 0000");
    assert_eq!(dense(1450).rows.len(), 50);
    assert_eq!(dense(1450).rows[49].name, "Nom 1499");
    assert!(dense(0).rows.iter().all(|a| a.matricule.starts_with('1')));
    // The same rows as the narrow path gives for a narrower query.
    let narrow = found_page(&s, "10000000001");
    assert_eq!(narrow.total, 500, "matricules 1 0000000001xxx");
    assert!(narrow.rows.windows(2).all(|w| w[0].name <= w[1].name));
}

#[test]
fn the_account_count_follows_writes_of_this_and_other_connections() {
    let (db, mut s) = temp_store();
    assert_eq!(s.count_accounts().unwrap(), 0);
    create(&mut s, "Ali", "10000000000001", "1000001", &[], 0);
    assert_eq!(s.count_accounts().unwrap(), 1);
    let mut other = Store::open(&db.path).unwrap();
    create(&mut other, "Bob", "10000000000002", "1000002", &[], 0);
    assert_eq!(
        s.count_accounts().unwrap(),
        2,
        "another connection's insert is seen"
    );
    let raw = rusqlite::Connection::open(&db.path).unwrap();
    raw.execute("DELETE FROM accounts WHERE name = 'Bob'", [])
        .unwrap();
    assert_eq!(s.count_accounts().unwrap(), 1);
}

/// Every way `list_accounts` can find a page (list of matches, walk of the sort index, walk
/// abandoned for matches clustered far down the order, full sort) gives the page a plain filter
/// and sort of all accounts gives.
#[test]
fn search_pages_are_the_same_whichever_way_they_are_found() {
    use forfaits_core::import::{import_users, ImportOptions};
    let (db, mut s) = temp_store();
    // 56,000 accounts: "Mouna …" (5,000, every one after 51,000 other names: the walk gives
    // up), "Alpha …" spread through the order, and "Karim …" with numbers.
    let mut rows: Vec<(String, String, u64)> = Vec::new();
    for i in 0..56_000u64 {
        let name = match i % 56 {
            0..=4 => format!("Zoé Mouna {i}"),
            5..=20 => format!("Alpha{} Bêta", i % 997),
            _ => format!("Karim {:05} Sa{}", (i * 7919) % 56_000, i % 7),
        };
        rows.push((
            name,
            format!("{:014}", 10_000_000_000_000 + i),
            1_000_000 + i,
        ));
    }
    let csv = db.path.with_extension("csv");
    let text: String = rows
        .iter()
        .map(|(n, m, id)| format!("{n};{m};{id}\n"))
        .collect();
    std::fs::write(&csv, text).unwrap();
    import_users(
        &mut s,
        &csv,
        ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .unwrap();

    let fold = |t: &str| t.to_lowercase().replace(['é', 'ê'], "e");
    let all = |q: &str| -> Vec<&(String, String, u64)> {
        let q = fold(q);
        rows.iter()
            .filter(|(n, m, id)| {
                fold(n).split(' ').any(|w| w.starts_with(&q))
                    || m.starts_with(&q)
                    || id.to_string().starts_with(&q)
            })
            .collect()
    };
    // Without and with the sort ranks a long-lived connection keeps.
    let ranked = Store::open(&db.path).unwrap();
    ranked.keep_sort_ranks();
    for (s, (query, tri)) in [&s, &ranked].into_iter().flat_map(|s| {
        [
            ("mo", SortKey::Nom),
            ("alpha1", SortKey::Nom),
            ("sa1", SortKey::Nom),
            ("s", SortKey::Nom),
            ("k", SortKey::Nom),
            ("k", SortKey::Matricule),
            ("alpha1", SortKey::Solde),
            ("1000000000001", SortKey::Identifiant),
            ("", SortKey::Nom),
            ("", SortKey::Matricule),
            // No index: the ids sorted alone, then the page's rows read.
            ("", SortKey::Solde),
        ]
        .map(|c| (s, c))
    }) {
        let mut expected = all(query);
        match tri {
            SortKey::Nom => expected.sort_by_key(|(n, m, _)| (fold(n), m.clone())),
            SortKey::Identifiant => expected.sort_by_key(|r| r.2),
            // Balances are all zero: the order is creation order, which is file order.
            _ => expected.sort_by_key(|r| r.1.clone()),
        }
        for (desc, offset) in [
            (false, 0u64),
            (false, 37),
            (false, expected.len().saturating_sub(20) as u64),
            (true, 0),
            (true, 37),
            (true, 30_000),
        ] {
            if desc {
                expected.reverse();
            }
            let page = s
                .list_accounts(&ListQuery {
                    recherche: query.into(),
                    tri,
                    desc,
                    decalage: offset,
                    limite: 50,
                })
                .unwrap();
            assert_eq!(page.total as usize, expected.len(), "{query} {tri:?}");
            let got: Vec<&str> = page.rows.iter().map(|a| a.matricule.as_str()).collect();
            let want: Vec<&str> = expected
                .iter()
                .skip(offset as usize)
                .take(50)
                .map(|r| r.1.as_str())
                .collect();
            assert_eq!(got, want, "{query} {tri:?} from {offset}, desc {desc}");
            if desc {
                expected.reverse();
            }
        }
    }
}

#[test]
fn a_digit_every_matricule_starts_with_lists_everyone_and_stops_doing_so_when_one_differs() {
    let (_db, mut s) = temp_store();
    create(&mut s, "Ali", "10000000000001", "2000001", &[], 0);
    create(&mut s, "Béchir", "10000000000002", "2000002", &[], 0);
    create(&mut s, "Chiraz", "19000000000003", "2000003", &[], 0);
    assert_eq!(names(&s, "1"), ["Ali", "Béchir", "Chiraz"]);
    assert_eq!(names(&s, "1 chira"), ["Chiraz"]);
    assert_eq!(names(&s, "2000"), ["Ali", "Béchir", "Chiraz"]);
    assert_eq!(names(&s, "10"), ["Ali", "Béchir"]);
    create(&mut s, "Dalila", "90000000000004", "3000004", &[], 0);
    assert_eq!(names(&s, "1"), ["Ali", "Béchir", "Chiraz"]);
    assert_eq!(names(&s, "2000"), ["Ali", "Béchir", "Chiraz"]);
    assert!(names(&s, "7").is_empty());
}

#[test]
fn a_search_with_many_matches_follows_writes_of_this_and_other_connections() {
    let (db, mut s) = temp_store();
    let mut ids = Vec::new();
    for i in 0..1500 {
        let name = format!("Nour {:04}", (i * 7919) % 1500);
        ids.push(create(
            &mut s,
            &name,
            &format!("1{i:013}"),
            &format!("{:07}", 2_000_000 + i),
            &[],
            0,
        ));
    }
    s.keep_sort_ranks();
    let first = |s: &Store| names(s, "nour").into_iter().next().unwrap();
    assert_eq!(first(&s), "Nour 0000");
    // This connection deletes the first one...
    let id0 = ids[0];
    s.delete_account(id0).unwrap();
    assert_eq!(first(&s), "Nour 0001");
    // ...another connection deletes the next.
    let mut other = Store::open(&db.path).unwrap();
    let id1 = ids[(0..1500).find(|i| (i * 7919) % 1500 == 1).unwrap()];
    other.delete_account(id1).unwrap();
    assert_eq!(first(&s), "Nour 0002");
    assert_eq!(names(&s, "nour").len(), 100);
}
