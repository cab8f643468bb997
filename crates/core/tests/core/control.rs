//! Call control (SPEC §11) at the core: decisions, holds, billing at hang-up, on real databases.
//! The FastAGI side (real sockets, Asterisk's bytes) is tested in the forfaits-agi crate.

use crate::common::*;
use forfaits_core::calls::history::Period;
use forfaits_core::calls::{load_calls, CallsOptions, CallsReport};
use forfaits_core::control::{
    AttemptCounts, AuthorizeRequest, FinishRequest, Finished, Refusal, Service, Verdict,
};
use forfaits_core::domain::AccountDraft;
use forfaits_core::prelude::*;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::tariffs::import_tariffs;
use forfaits_core::Store;

const NOW: i64 = 1_780_000_000;

fn sample_with_balance(millimes: i64) -> (TempDb, Service) {
    let (db, mut s) = temp_store();
    load_sample(&mut s, millimes);
    (db, Service::over(s).unwrap())
}

fn ask(uniqueid: &str, code: &str, asked: &str) -> AuthorizeRequest {
    AuthorizeRequest {
        uniqueid: uniqueid.into(),
        code: code.into(),
        asked: asked.into(),
    }
}

fn hang_up(uniqueid: &str, billsec: i64) -> FinishRequest {
    FinishRequest {
        uniqueid: uniqueid.into(),
        billsec,
        disposition: "ANSWERED".into(),
    }
}

/// Loads `master` on a connection of its own, as the window does beside the service.
fn load_master(db: &TempDb, master: &std::path::Path) -> (Store, CallsReport) {
    let mut store = Store::open(&db.path).unwrap();
    let r = load_calls(&mut store, master, CallsOptions::default(), &mut |_| Ok(())).unwrap();
    (store, r)
}

fn balance(svc: &Service) -> i64 {
    svc.store()
        .unwrap()
        .account_by_matricule(LOTFI)
        .unwrap()
        .balance
}

#[test]
fn the_spec_example_holds_bills_at_hang_up_and_master_csv_knows_the_call() {
    let (db, mut svc) = sample_with_balance(2_000);
    let d = svc
        .authorize(&ask("1764000000.1", "8589669", "2"), NOW)
        .unwrap();
    let Verdict::Authorized(a) = &d.verdict else {
        panic!("{}", d.message)
    };
    assert_eq!((a.limit_ms, a.reserved), (666_000, 1_998));
    assert_eq!(
        (a.number.as_str(), a.key, a.record),
        ("+21627468145", Some(2), true)
    );
    assert!(d.message.contains("11 min 06 s"), "{}", d.message);
    let id = svc.store().unwrap().account_by_matricule(LOTFI).unwrap().id;
    assert_eq!(
        svc.store().unwrap().reserved_amount(id, NOW).unwrap(),
        1_998
    );

    // The same account at the same time: 2 millimes left, the first block costs 90.
    let second = svc
        .authorize(&ask("1764000000.2", "8589669", "0021627468145"), NOW + 1)
        .unwrap();
    assert_eq!(
        second.verdict,
        Verdict::Refused(Refusal::InsufficientBalance)
    );
    assert!(
        second
            .message
            .contains("0,002\u{a0}TND disponibles (1,998\u{a0}TND réservés"),
        "{}",
        second.message
    );

    // 100 s answered: 30 + 12 × 6 = 102 s billed, 0,306 TND.
    let f = svc
        .finish(&hang_up("1764000000.1", 100), NOW + 120)
        .unwrap();
    assert!(
        matches!(
            f,
            Finished::Billed {
                cost: 306,
                billsec: 100,
                ..
            }
        ),
        "{f:?}"
    );
    assert_eq!(balance(&svc), 1_694);
    assert_eq!(
        svc.store().unwrap().reserved_amount(id, NOW + 120).unwrap(),
        0
    );
    let again = svc
        .finish(&hang_up("1764000000.1", 100), NOW + 121)
        .unwrap();
    assert!(matches!(again, Finished::AlreadyBilled { .. }), "{again:?}");
    assert_eq!(balance(&svc), 1_694);
    let a = svc.store().unwrap().account_by_matricule(LOTFI).unwrap();
    assert_eq!(a.used_seconds, 100);

    // The same call in Master.csv afterwards is "already loaded".
    let master = write_file(db.dir.path(), "Master.csv", "\"8589669\",\"212\",\"0021627468145\",\"detenus\",\"c\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\",\"2026-11-25 10:00:00\",\"2026-11-25 10:00:05\",\"2026-11-25 10:01:45\",105,100,\"ANSWERED\",\"BILLING\",\"1764000000.1\",\"\"\n");
    let (store, r) = load_master(&db, &master);
    assert_eq!((r.appels_charges, r.deja_charges), (0, 1));
    assert_eq!(balance_of(&store, LOTFI), 1_694);
    assert!(
        store.check().unwrap().ok(),
        "{:?}",
        store.check().unwrap().problemes
    );
}

/// Asterisk cuts the call at the limit granted; seconds it reports past it (its rounding of the
/// answered time, a dial plan without `L()`) are neither billed nor counted, so the balance the
/// grant was made from never goes below zero.
#[test]
fn a_hang_up_past_the_grant_is_billed_and_counted_up_to_the_grant_only() {
    for (uniqueid, billsec) in [("g.1", 667), ("g.2", 86_400)] {
        let (_db, mut svc) = sample_with_balance(2_000);
        svc.authorize(&ask(uniqueid, "8589669", "2"), NOW).unwrap();
        let f = svc.finish(&hang_up(uniqueid, billsec), NOW + 700).unwrap();
        let Finished::Billed { cost, message, .. } = f else {
            panic!("{f:?}")
        };
        // 666 s granted cost 1,998: what the call reserved.
        assert_eq!(cost, 1_998, "{message}");
        assert!(
            message.contains("pour 0:11:06 de communication (la durée accordée"),
            "{message}"
        );
        let a = svc.store().unwrap().account_by_matricule(LOTFI).unwrap();
        assert_eq!((a.balance, a.used_seconds), (2, 666));
    }
}

/// Master.csv loaded before the hang-up reached the service (a `terminer` refused while the
/// base was busy, or still to come): the load bills the call as its hang-up would (up to the
/// seconds granted, never below zero) and releases its hold; the hang-up then finds it billed.
#[test]
fn a_call_loaded_before_its_hang_up_is_billed_once_up_to_its_grant() {
    // Answered seconds; then seconds, cost and balance billed (666 s granted, 1,998 held).
    for (billsec, counted, cost, left) in [(100, 100, 306, 1_694), (2000, 666, 1_998, 2)] {
        let (db, mut svc) = sample_with_balance(2_000);
        let d = svc.authorize(&ask("h.1", "8589669", "2"), NOW).unwrap();
        assert!(matches!(d.verdict, Verdict::Authorized(_)), "{d:?}");
        let record = format!(
            "\"8589669\",\"212\",\"0021627468145\",\"detenus\",\"c\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\",\"2026-11-25 10:00:00\",\"2026-11-25 10:00:05\",\"2026-11-25 11:00:00\",{},{billsec},\"ANSWERED\",\"BILLING\",\"h.1\",\"\"\n",
            billsec + 5
        );
        let master = write_file(db.dir.path(), "Master.csv", record);
        let (store, r) = load_master(&db, &master);
        let billed = (
            r.appels_charges,
            r.totaux.appels_factures,
            r.totaux.montant_total,
            r.totaux.secondes,
        );
        assert_eq!(billed, (1, 1, cost, counted), "{billsec} s");
        let lotfi = || store.account_by_matricule(LOTFI).unwrap();
        assert_eq!((lotfi().balance, lotfi().used_seconds), (left, counted));
        if billsec == 100 {
            // Nothing held any more: the next call gets what 1,694 pays for.
            let next = svc
                .authorize(&ask("h.2", "8589669", "2"), NOW + 200)
                .unwrap();
            let Verdict::Authorized(g) = &next.verdict else {
                panic!("{next:?}")
            };
            assert_eq!((g.limit_ms, g.reserved), (564_000, 1_692));
        }
        let f = svc.finish(&hang_up("h.1", billsec), NOW + 2100).unwrap();
        assert!(matches!(f, Finished::AlreadyBilled { .. }), "{f:?}");
        assert_eq!((lotfi().balance, lotfi().used_seconds), (left, counted));
        let problems = store.check().unwrap().problemes.lignes;
        assert!(problems.is_empty(), "{problems:?}");
        // Loaded again, the record is the same call.
        let (_, again) = load_master(&db, &master);
        assert_eq!((again.appels_charges, again.deja_charges), (0, 1));
    }
}

/// The account deleted, its calling code given to a newcomer: the call billed at hang-up, found
/// in Master.csv afterwards, is still "already loaded", not the newcomer's.
#[test]
fn a_call_billed_at_hang_up_stays_known_after_its_account_is_deleted() {
    let (db, mut svc) = sample_with_balance(2_000);
    svc.authorize(&ask("h.1", "8589669", "2"), NOW).unwrap();
    let f = svc.finish(&hang_up("h.1", 100), NOW + 120).unwrap();
    assert!(matches!(f, Finished::Billed { cost: 306, .. }), "{f:?}");
    let mut s = Store::open(&db.path).unwrap();
    let lotfi = s.account_by_matricule(LOTFI).unwrap().id;
    s.delete_account(lotfi).unwrap();
    let newcomer = create(
        &mut s,
        "Nouveau Détenu",
        "20000000000001",
        "8589669",
        &[],
        5_000,
    );
    let master = write_file(db.dir.path(), "Master.csv", "\"8589669\",\"212\",\"0021627468145\",\"detenus\",\"c\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\",\"2026-11-25 10:00:00\",\"2026-11-25 10:00:05\",\"2026-11-25 10:01:45\",105,100,\"ANSWERED\",\"BILLING\",\"h.1\",\"\"\n");
    let (store, r) = load_master(&db, &master);
    assert_eq!((r.appels_charges, r.deja_charges), (0, 1));
    let a = store.get_account(newcomer).unwrap();
    assert_eq!((a.balance, a.used_seconds), (5_000, 0));
}

#[test]
fn a_channel_that_asks_again_holds_once_and_is_billed_once() {
    let (_db, mut svc) = sample_with_balance(2_000);
    let first = svc.authorize(&ask("c1", "8589669", "2"), NOW).unwrap();
    assert!(matches!(first.verdict, Verdict::Authorized(_)));
    // The first grant's 1,998 no longer counts: the channel's new dial replaces it.
    let again = svc.authorize(&ask("c1", "8589669", "2"), NOW + 5).unwrap();
    let Verdict::Authorized(a) = &again.verdict else {
        panic!("{}", again.message)
    };
    assert_eq!(a.reserved, 1_998);
    let f = svc.finish(&hang_up("c1", 100), NOW + 120).unwrap();
    assert!(matches!(f, Finished::Billed { cost: 306, .. }), "{f:?}");
    let twice = svc.finish(&hang_up("c1", 100), NOW + 121).unwrap();
    assert!(matches!(twice, Finished::AlreadyBilled { .. }), "{twice:?}");
    assert_eq!(balance(&svc), 1_694);
    let s = svc.store().unwrap();
    let id = s.account_by_matricule(LOTFI).unwrap().id;
    assert_eq!(s.reserved_amount(id, NOW + 121).unwrap(), 0);
    assert!(s
        .attempts(id, 10, NOW + 121)
        .unwrap()
        .iter()
        .all(|t| !t.open));
    assert!(
        s.check().unwrap().ok(),
        "{:?}",
        s.check().unwrap().problemes
    );
}

#[test]
fn every_refusal_of_this_issue_has_its_code_and_writes_only_the_attempt() {
    let (db, mut svc) = sample_with_balance(50);
    let cases = [
        (ask("r1", "1234567", "1"), Refusal::UnknownAccount),
        (ask("r2", "12", "1"), Refusal::UnknownAccount),
        (ask("r3", "8589669", "9"), Refusal::EmptyKey),
        (ask("r4", "8589669", "71234567"), Refusal::NumberNotAllowed),
        (ask("r5", "8589669", "abc"), Refusal::NumberNotAllowed),
        (ask("r5+", "8589669", "+5"), Refusal::NumberNotAllowed),
        (ask("r6", "8589669", "2"), Refusal::InsufficientBalance),
    ];
    for (req, expected) in &cases {
        let d = svc.authorize(req, NOW).unwrap();
        assert_eq!(
            d.verdict,
            Verdict::Refused(*expected),
            "{req:?}: {}",
            d.message
        );
        assert!(d.message.starts_with("Refusé : "), "{}", d.message);
    }
    drop(svc);
    let s = Store::open(&db.path).unwrap();
    let a = s.account_by_matricule(LOTFI).unwrap();
    assert_eq!(a.balance, 50, "refusals hold and debit nothing");
    let attempts = s.attempts(a.id, 50, NOW).unwrap();
    assert_eq!(attempts.len(), 5, "the unknown codes have no account");
    assert_eq!(attempts[0].label, "Refusé : solde insuffisant");
    assert!(attempts.iter().all(|t| t.reserved == 0 && !t.open));

    // Disabled, allowance used up, no tariff.
    let mut d = a.to_draft();
    d.enabled = false;
    let mut svc = service_after_saving(&db, a.id, &d);
    assert_eq!(
        lotfi_key_2(&mut svc, "r7"),
        Verdict::Refused(Refusal::DisabledAccount)
    );
    d.enabled = true;
    d.allowance_minutes = Some(0);
    let mut svc = service_after_saving(&db, a.id, &d);
    assert_eq!(
        lotfi_key_2(&mut svc, "r8"),
        Verdict::Refused(Refusal::AllowanceUsed)
    );
    let mut s = Store::open(&db.path).unwrap();
    d.allowance_minutes = None;
    s.update_account(a.id, &d).unwrap();
    let t = write_file(db.dir.path(), "tarifs.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2169;TT;0,170;30;6;0\n");
    assert!(import_tariffs(&mut s, &t, false).unwrap().ecrit);
    let mut svc = Service::over(s).unwrap();
    assert_eq!(
        lotfi_key_2(&mut svc, "r9"),
        Verdict::Refused(Refusal::NoTariff)
    );
    assert!(svc.store().unwrap().check().unwrap().ok());
}

#[test]
fn billing_off_grants_the_per_call_maximum_and_holds_nothing() {
    let (_db, mut svc) = lotfi_edited(0, |d| d.billing = false);
    let d = svc.authorize(&ask("b1", "8589669", "2"), NOW).unwrap();
    let Verdict::Authorized(g) = d.verdict else {
        panic!("{}", d.message)
    };
    assert_eq!((g.limit_ms, g.reserved), (3_600_000, 0));
    let f = svc.finish(&hang_up("b1", 600), NOW + 700).unwrap();
    assert!(matches!(f, Finished::Billed { cost: 0, .. }), "{f:?}");
    let a = svc.store().unwrap().account_by_matricule(LOTFI).unwrap();
    assert_eq!(
        (a.balance, a.used_seconds),
        (0, 600),
        "minutes counted, nothing debited"
    );
}

#[test]
fn an_expired_hold_no_longer_counts_but_its_call_is_still_billed() {
    let (_db, mut svc) = sample_with_balance(2_000);
    let d = svc.authorize(&ask("e1", "8589669", "2"), NOW).unwrap();
    assert!(matches!(d.verdict, Verdict::Authorized(_)));
    // 666 s granted: the hold ends 666 + 300 s later.
    let later = NOW + 666 + 300 + 1;
    let d = svc.authorize(&ask("e2", "8589669", "2"), later).unwrap();
    let Verdict::Authorized(g) = d.verdict else {
        panic!("{}", d.message)
    };
    assert_eq!(g.reserved, 1_998, "the whole balance is available again");
    let f = svc.finish(&hang_up("e1", 60), later + 5).unwrap();
    assert!(matches!(f, Finished::Billed { cost: 180, .. }), "{f:?}");
}

#[test]
fn holds_of_the_allowance_are_counted_like_money() {
    let (_db, mut svc) = lotfi_edited(100_000, |d| d.allowance_minutes = Some(10));
    let first = svc.authorize(&ask("m1", "8589669", "2"), NOW).unwrap();
    let Verdict::Authorized(g) = first.verdict else {
        panic!("{}", first.message)
    };
    assert_eq!(g.limit_ms, 600_000);
    let second = svc.authorize(&ask("m2", "8589669", "2"), NOW).unwrap();
    assert_eq!(second.verdict, Verdict::Refused(Refusal::AllowanceUsed));
    assert!(
        second
            .message
            .ends_with("(10 minutes, dont 10 min 00 s réservées par les appels en cours)."),
        "{}",
        second.message
    );
    svc.finish(&hang_up("m1", 240), NOW + 300).unwrap();
    let third = svc
        .authorize(&ask("m3", "8589669", "2"), NOW + 301)
        .unwrap();
    let Verdict::Authorized(g) = third.verdict else {
        panic!("{}", third.message)
    };
    assert_eq!(g.limit_ms, 360_000, "6 minutes left");
}

#[test]
fn a_hang_up_without_authorization_changes_nothing() {
    let (_db, mut svc) = sample_with_balance(2_000);
    let f = svc.finish(&hang_up("inconnu.1", 100), NOW).unwrap();
    assert!(matches!(f, Finished::Unknown { .. }), "{f:?}");
    assert_eq!(balance(&svc), 2_000);
}

#[test]
fn a_hang_up_without_disposition_is_answered_by_its_seconds_and_case_does_not_matter() {
    let (db, mut svc) = sample_with_balance(2_000);
    let ends = [
        ("d1", 100, "", 306),
        ("d2", 100, "answered", 306),
        ("d3", 0, " ", 0),
    ];
    for (i, (uniqueid, billsec, disposition, cost)) in ends.into_iter().enumerate() {
        let now = NOW + 200 * i as i64;
        svc.authorize(&ask(uniqueid, "8589669", "2"), now).unwrap();
        let end = FinishRequest {
            uniqueid: uniqueid.into(),
            billsec,
            disposition: disposition.into(),
        };
        let f = svc.finish(&end, now + 120).unwrap();
        assert!(
            matches!(f, Finished::Billed { cost: c, .. } if c == cost),
            "{disposition:?}: {f:?}"
        );
    }
    assert_eq!(balance(&svc), 2_000 - 2 * 306);
    drop(svc);
    let c = rusqlite::Connection::open(&db.path).unwrap();
    let stored: Vec<String> = c
        .prepare("SELECT disposition FROM calls ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(stored, ["ANSWERED", "ANSWERED", "NO ANSWER"]);
}

/// The hang-up of call `h1` (100 s answered) after its authorization, on a fresh sample; `between`
/// runs on the database file in between.
fn bill_h1(between: impl FnOnce(&rusqlite::Connection)) -> (TempDb, Finished) {
    let (db, mut svc) = sample_with_balance(2_000);
    svc.authorize(&ask("h1", "8589669", "2"), NOW).unwrap();
    between(&rusqlite::Connection::open(&db.path).unwrap());
    let f = svc.finish(&hang_up("h1", 100), NOW + 120).unwrap();
    (db, f)
}

fn stored_calls(db: &TempDb) -> Vec<(String, i64, Option<String>)> {
    let c = rusqlite::Connection::open(&db.path).unwrap();
    let mut q = c
        .prepare("SELECT dedup_key, dedup_hash, agi_uniqueid FROM calls ORDER BY id")
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_hang_up_whose_hash_another_call_holds_is_stored_under_the_next_value() {
    let (first, _) = bill_h1(|_| {});
    let (key, hash, _) = stored_calls(&first).remove(0);
    // Another call already stored under that 64-bit hash, with another key: a collision.
    let (db, f) = bill_h1(|c| {
        c.execute(
            "INSERT INTO calls (account_id, dedup_key, dedup_hash, started_at, dialed, number,
                disposition, duration_s, billsec, billed_s, cost, loaded_at)
             SELECT id, 'k:autre appel', ?1, 0, '2', '', 'ANSWERED', 0, 0, 0, 0, 0
             FROM accounts LIMIT 1",
            [hash],
        )
        .unwrap();
    });
    assert!(matches!(f, Finished::Billed { cost: 306, .. }), "{f:?}");
    assert_eq!(
        stored_calls(&db),
        [
            ("k:autre appel".into(), hash, None),
            (key, hash.wrapping_add(1), Some("h1".into()))
        ]
    );
    let s = Store::open(&db.path).unwrap();
    assert_eq!(balance_of(&s, LOTFI), 1_694);
    assert!(s.check().unwrap().ok());
}

#[test]
fn check_finds_a_hold_left_on_a_billed_call() {
    let (db, mut svc) = sample_with_balance(2_000);
    svc.authorize(&ask("c1", "8589669", "2"), NOW).unwrap();
    svc.finish(&hang_up("c1", 10), NOW + 20).unwrap();
    assert!(svc.store().unwrap().check().unwrap().ok());
    drop(svc);
    let c = rusqlite::Connection::open(&db.path).unwrap();
    // A hold left behind on the billed call.
    c.execute(
        "INSERT INTO call_holds (attempt_id, account_id, uniqueid, reserved, limit_s, expires_at)
         SELECT id, account_id, uniqueid, reserved, limit_ms / 1000, expires_at
         FROM call_attempts WHERE uniqueid = 'c1'",
        [],
    )
    .unwrap();
    drop(c);
    let report = Store::open(&db.path).unwrap().check().unwrap();
    assert_problem(&report, "restent ouvertes", "check");
}

#[test]
fn attempts_of_a_period_are_paged_newest_first_and_counted_whole() {
    let (_db, mut svc) = sample_with_balance(2_000);
    let day = 86_400;
    let old = svc
        .authorize(&ask("h0", "8589669", "9"), NOW - 3 * day)
        .unwrap();
    assert_eq!(old.verdict, Verdict::Refused(Refusal::EmptyKey));
    svc.authorize(&ask("h1", "8589669", "2"), NOW).unwrap();
    svc.authorize(&ask("h2", "8589669", "0021627468145"), NOW + 1)
        .unwrap();
    let id = svc.store().unwrap().account_by_matricule(LOTFI).unwrap().id;
    let today = Period {
        depuis: Some(NOW - 100),
        jusqua: None,
    };

    let (counts, first) = svc
        .store()
        .unwrap()
        .attempts_in(id, today, Page::first(1), NOW + 2)
        .unwrap();
    assert_eq!(
        counts,
        AttemptCounts {
            total: 2,
            refused: 1,
            open: 1
        },
        "the counts are the period's, not the page's"
    );
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].label, "Refusé : solde insuffisant");
    assert_eq!(first[0].asked, "0021627468145");
    assert_eq!(first[0].number, "+21627468145");
    let (_, second) = svc
        .store()
        .unwrap()
        .attempts_in(id, today, Page::below(first[0].id, 1), NOW + 2)
        .unwrap();
    assert_eq!(second[0].label, "Autorisé : 11 min 06 s accordées");
    assert_eq!((second[0].key, second[0].open), (Some(2), true));
    assert_eq!(second[0].reserved, 1_998);

    let (all, rows) = svc
        .store()
        .unwrap()
        .attempts_in(id, Period::default(), Page::first(50), NOW + 2)
        .unwrap();
    assert_eq!((all.total, all.refused, rows.len()), (3, 2, 3));
    assert_eq!(rows[2].label, "Refusé : touche sans numéro");
    let before = Period {
        depuis: None,
        jusqua: Some(NOW - 100),
    };
    let (counts, rows) = svc
        .store()
        .unwrap()
        .attempts_in(id, before, Page::first(50), NOW + 2)
        .unwrap();
    assert_eq!((counts.total, rows[0].asked.as_str()), (1, "9"));

    // Past its expiry the hold no longer counts as a call in progress.
    let later = NOW + 666 + forfaits_core::control::EXPIRY_MARGIN_S + 1;
    let (counts, rows) = svc
        .store()
        .unwrap()
        .attempts_in(id, today, Page::first(50), later)
        .unwrap();
    assert_eq!(counts.open, 0);
    assert!(rows.iter().all(|a| !a.open));
}

/// A question asked between two pages comes first in the list; the next page goes on below
/// the row shown, as the window's « Afficher plus » asks.
#[test]
fn a_question_asked_between_two_pages_of_attempts_neither_repeats_nor_hides_a_row() {
    let (_db, mut svc) = sample_with_balance(2_000);
    let id = svc.store().unwrap().account_by_matricule(LOTFI).unwrap().id;
    let page = |svc: &mut Service, after| {
        let s = svc.store().unwrap();
        let (_, rows) = s
            .attempts_in(id, Period::default(), Page { limit: 1, after }, NOW + 3)
            .unwrap();
        (rows[0].id, rows[0].uniqueid.clone())
    };
    svc.authorize(&ask("p1", "8589669", "9"), NOW).unwrap();
    svc.authorize(&ask("p2", "8589669", "9"), NOW + 1).unwrap();
    let (shown, first) = page(&mut svc, None);
    svc.authorize(&ask("p3", "8589669", "9"), NOW + 2).unwrap();
    let (_, second) = page(&mut svc, Some(shown));
    assert_eq!([first, second], ["p2", "p1"]);
}

#[test]
fn a_debit_preview_tells_what_the_call_in_progress_holds() {
    let (_db, mut svc) = sample_with_balance(2_000);
    let id = svc.store().unwrap().account_by_matricule(LOTFI).unwrap().id;
    let now = forfaits_core::store::now();
    let p = svc
        .store()
        .unwrap()
        .preview_movement(id, MovementKind::Debit, forfaits_core::domain::Money(1_000))
        .unwrap();
    assert_eq!(p.reserve, 0);
    svc.authorize(&ask("m1", "8589669", "2"), now).unwrap();
    let p = svc
        .store()
        .unwrap()
        .preview_movement(id, MovementKind::Debit, forfaits_core::domain::Money(1_000))
        .unwrap();
    assert_eq!(
        (p.solde_avant, p.solde_apres, p.reserve, p.refuse),
        (2_000, 1_000, 1_998, false),
        "the hold is told, the debit rule is unchanged"
    );
}

// ---- Call rules (SPEC §12) ----

use chrono::{Local, NaiveDate, TimeZone};
use forfaits_core::rules::SiteRulesChange;

/// UTC seconds of a local time (the site's hours are in the machine's time zone).
fn local_ts(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    Local
        .from_local_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap(),
        )
        .earliest()
        .unwrap()
        .timestamp()
}

/// Lotfi with 20,000 TND, free calls to "+" (no balance limit), then `tune` on the store.
fn ruled(tune: impl FnOnce(&mut Store)) -> (TempDb, Service) {
    let (db, svc) = sample_with_balance(20_000);
    drop(svc);
    let mut s = Store::open(&db.path).unwrap();
    tune(&mut s);
    (db, Service::over(s).unwrap())
}

fn code(svc: &mut Service, uniqueid: &str, asked: &str, now: i64) -> (String, i64) {
    let d = svc
        .authorize(&ask(uniqueid, "8589669", asked), now)
        .unwrap();
    let limit = match &d.verdict {
        Verdict::Authorized(a) => a.limit_ms,
        Verdict::Refused(_) => 0,
    };
    (d.code().to_string(), limit)
}

/// Asks each call in turn, in order (earlier calls count towards later refusals), and expects
/// its code; the last field says why, for the failure message.
fn expect_codes(svc: &mut Service, calls: &[(&str, &str, i64, &str, &str)]) {
    for &(uniqueid, asked, now, expected, why) in calls {
        assert_eq!(
            code(svc, uniqueid, asked, now).0,
            expected,
            "{uniqueid} asking {asked}: {why}"
        );
    }
}

/// Saves `d` over account `id`, then starts a service on the database.
fn service_after_saving(db: &TempDb, id: i64, d: &AccountDraft) -> Service {
    let mut s = Store::open(&db.path).unwrap();
    s.update_account(id, d).unwrap();
    Service::over(s).unwrap()
}

/// Lotfi with `millimes` and his account changed by `edit`, under a new service.
fn lotfi_edited(millimes: i64, edit: impl FnOnce(&mut AccountDraft)) -> (TempDb, Service) {
    let (db, svc) = sample_with_balance(millimes);
    drop(svc);
    let a = Store::open(&db.path)
        .unwrap()
        .account_by_matricule(LOTFI)
        .unwrap();
    let mut d = a.to_draft();
    edit(&mut d);
    let svc = service_after_saving(&db, a.id, &d);
    (db, svc)
}

/// Lotfi (code 8589669) asks for key 2 at `NOW`.
fn lotfi_key_2(svc: &mut Service, uniqueid: &str) -> Verdict {
    svc.authorize(&ask(uniqueid, "8589669", "2"), NOW)
        .unwrap()
        .verdict
}

#[test]
fn a_prefix_blocks_every_number_under_it_and_an_exact_rule_only_its_number() {
    let (_db, mut svc) = ruled(|s| {
        let a = s.account_by_matricule(LOTFI).unwrap();
        let mut d = a.to_draft();
        d.phones[4] = Some(forfaits_core::domain::Phone::parse("+21681000001", 5).unwrap());
        s.update_account(a.id, &d).unwrap();
        s.block_number("+2168*", "numéros surtaxés", true).unwrap();
        s.block_number("0021627468145", "plainte de la victime", true)
            .unwrap();
    });
    let now = local_ts(2026, 12, 7, 10, 0);
    let calls = [
        ("b1", "5", now, "numero_bloque", "+21681… under +2168*"),
        ("b2", "2", now, "numero_bloque", "the exact number"),
        ("b3", "1", now, "ok", "99383470 is neither"),
    ];
    expect_codes(&mut svc, &calls);
    let said = svc
        .authorize(&ask("b4", "8589669", "5"), now)
        .unwrap()
        .message;
    assert!(
        said.contains("règle « +2168* » : numéros surtaxés"),
        "{said}"
    );
}

#[test]
fn a_privileged_free_number_needs_no_key_is_never_recorded_and_costs_nothing() {
    let (db, mut svc) = ruled(|s| {
        s.privilege_number("71 000 111", "Avocat Me Trabelsi", true)
            .unwrap();
        s.privilege_number("+33140000000", "Consulat", false)
            .unwrap();
    });
    let now = local_ts(2026, 12, 7, 10, 0);
    let d = svc
        .authorize(&ask("p1", "8589669", "71000111"), now)
        .unwrap();
    let Verdict::Authorized(a) = &d.verdict else {
        panic!("{}", d.message)
    };
    assert_eq!((a.key, a.record, a.reserved), (None, false, 0));
    let before = balance(&svc);
    let f = svc.finish(&hang_up("p1", 600), now + 700).unwrap();
    assert!(matches!(f, Finished::Billed { cost: 0, .. }), "{f:?}");
    assert_eq!(balance(&svc), before, "free");
    // A billed privileged number is billed like any call, and still never recorded.
    let d = svc
        .authorize(&ask("p2", "8589669", "0033140000000"), now)
        .unwrap();
    let Verdict::Authorized(a) = &d.verdict else {
        panic!("{}", d.message)
    };
    assert!(!a.record && a.reserved > 0);
    svc.finish(&hang_up("p2", 60), now + 100).unwrap();
    assert_eq!(
        balance(&svc),
        before - 1_300,
        "International: 1,200/min + 0,100 fee"
    );
    drop(svc);

    // The same calls in a Master.csv that no hang-up billed (a site without the service, or a
    // hang-up lost): the free number still costs nothing and lacks no tariff; the other one
    // costs what it cost at hang-up.
    let record = |uniqueid: &str, dst: &str| {
        format!("\"8589669\",\"212\",\"{dst}\",\"detenus\",\"c\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\",\"2026-12-07 11:00:00\",\"2026-12-07 11:00:05\",\"2026-12-07 11:01:05\",65,60,\"ANSWERED\",\"BILLING\",\"{uniqueid}\",\"\"\n")
    };
    let master = write_file(
        db.dir.path(),
        "Master.csv",
        &(record("m1", "71000111") + &record("m2", "0033140000000")),
    );
    let (store, r) = load_master(&db, &master);
    assert_eq!((r.appels_charges, r.totaux.appels_factures), (2, 1));
    assert_eq!(r.totaux.montant_total, 1_300);
    assert!(r.listes.sans_tarif.is_empty(), "{:?}", r.listes.sans_tarif);
    assert_eq!(balance_of(&store, LOTFI), before - 2 * 1_300);
    // Called without a key, as privileged numbers are: not flagged « hors des touches ».
    assert_eq!(r.hors_touches, 0);
    let id = store.account_by_matricule(LOTFI).unwrap().id;
    let (n, calls) = store
        .calls(id, Default::default(), forfaits_core::page::Page::first(10))
        .unwrap();
    assert_eq!(n, 4);
    assert!(calls.iter().all(|c| !c.hors_touches), "{calls:?}");
}

/// Hours or a daily number edited by hand into something unreadable refuse calls: the rule
/// is not lifted, and Paramètres shows « jamais » for the clerk to correct.
#[test]
fn call_rules_that_no_longer_read_refuse_calls_instead_of_lifting_them() {
    let (db, mut svc) = ruled(|_| {});
    let noon = local_ts(2026, 12, 7, 12, 0);
    assert_eq!(code(&mut svc, "d1", "2", noon).0, "ok");
    let c = rusqlite::Connection::open(&db.path).unwrap();
    let set = |key: &str, value: &str| {
        c.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            [key, value],
        )
        .unwrap();
    };
    set("call_hours", "lun-ven de 8 à 18");
    assert_eq!(code(&mut svc, "d2", "2", noon).0, "hors_horaires");
    let store = Store::open(&db.path).unwrap();
    assert_eq!(store.settings().unwrap().call_hours.to_string(), "jamais");
    set("call_hours", "toujours");
    set("calls_per_day", "beaucoup");
    assert_eq!(code(&mut svc, "d3", "2", noon).0, "quota_journalier");
    c.execute("DELETE FROM settings WHERE key = 'calls_per_day'", [])
        .unwrap();
    assert_eq!(code(&mut svc, "d4", "2", noon).0, "ok");
    // A maximum that no longer reads is the shortest one, not the site's default hour.
    for granted in ["d1", "d4"] {
        svc.finish(&hang_up(granted, 0), noon + 1).unwrap();
    }
    set("max_call_minutes", "cinq");
    assert_eq!(code(&mut svc, "d5", "2", noon), ("ok".into(), 60_000));
}

#[test]
fn outside_the_hours_is_refused_and_inside_the_limit_ends_with_the_window() {
    let (_db, mut svc) = ruled(|s| {
        s.save_site_rules(&SiteRulesChange {
            hours: Some("lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00".into()),
            ..Default::default()
        })
        .unwrap();
    });
    // Monday 7 December 2026.
    assert_eq!(
        code(&mut svc, "h1", "2", local_ts(2026, 12, 7, 11, 50)),
        ("ok".into(), 600_000)
    );
    let first_minute = local_ts(2026, 12, 7, 8, 0);
    expect_codes(&mut svc, &[("h2", "2", first_minute, "ok", "first minute")]);
    assert_eq!(
        code(&mut svc, "h3", "2", local_ts(2026, 12, 7, 11, 59)),
        ("ok".into(), 60_000)
    );
    let calls = [
        (
            "h4",
            "2",
            local_ts(2026, 12, 7, 12, 0),
            "hors_horaires",
            "noon",
        ),
        (
            "h5",
            "2",
            local_ts(2026, 12, 7, 7, 59),
            "hors_horaires",
            "7:59",
        ),
        (
            "h6",
            "2",
            local_ts(2026, 12, 13, 10, 0),
            "hors_horaires",
            "Sunday",
        ),
    ];
    expect_codes(&mut svc, &calls);
    let d = svc
        .authorize(&ask("h7", "8589669", "2"), local_ts(2026, 12, 7, 13, 0))
        .unwrap();
    assert!(
        d.message.contains("lun-ven 08:00-12:00,14:00-18:00") && d.message.contains("13:00"),
        "{}",
        d.message
    );
}

#[test]
fn a_window_to_midnight_goes_on_into_the_next_morning() {
    let (_db, mut svc) = ruled(|s| {
        s.save_site_rules(&SiteRulesChange {
            hours: Some("lun 23:00-24:00; mar 00:00-00:30".into()),
            max_call_minutes: Some(120),
            ..Default::default()
        })
        .unwrap();
    });
    assert_eq!(
        code(&mut svc, "n1", "2", local_ts(2026, 12, 7, 23, 50)),
        ("ok".into(), 40 * 60_000)
    );
}

#[test]
fn calls_per_day_count_authorized_calls_since_local_midnight() {
    let (_db, mut svc) = ruled(|s| {
        s.save_site_rules(&SiteRulesChange {
            calls_per_day: Some(Some(1)),
            ..Default::default()
        })
        .unwrap();
    });
    let evening = local_ts(2026, 12, 7, 23, 59);
    assert_eq!(
        code(&mut svc, "q0", "9", evening).0,
        "touche_vide",
        "refusals do not count"
    );
    assert_eq!(code(&mut svc, "q1", "2", evening).0, "ok");
    assert_eq!(code(&mut svc, "q2", "2", evening).0, "quota_journalier");
    let said = svc.authorize(&ask("q2b", "8589669", "2"), evening).unwrap();
    assert!(
        said.message
            .ends_with("a déjà passé 1 appel aujourd'hui (1 permis par jour)."),
        "{}",
        said.message
    );
    let morning = local_ts(2026, 12, 8, 0, 0);
    assert_eq!(code(&mut svc, "q3", "2", morning).0, "ok", "a new day");
    // The account's own limit wins over the site's, both ways.
    drop(svc);
    let (db2, svc2) = ruled(|s| {
        s.save_site_rules(&SiteRulesChange {
            calls_per_day: Some(Some(1)),
            max_call_minutes: Some(2),
            ..Default::default()
        })
        .unwrap();
        let id = s.account_by_matricule(LOTFI).unwrap().id;
        s.set_account_limits(id, Some(Some(5)), Some(Some(2)))
            .unwrap();
    });
    let mut svc = svc2;
    assert_eq!(
        code(&mut svc, "o1", "2", morning),
        ("ok".into(), 300_000),
        "5 minutes, not 2"
    );
    assert_eq!(code(&mut svc, "o2", "2", morning).0, "ok", "2 calls, not 1");
    assert_eq!(code(&mut svc, "o3", "2", morning).0, "quota_journalier");
    drop(svc);
    let mut s = Store::open(&db2.path).unwrap();
    let id = s.account_by_matricule(LOTFI).unwrap().id;
    s.set_account_limits(id, Some(None), None).unwrap();
    let mut svc = Service::over(s).unwrap();
    assert_eq!(
        code(&mut svc, "o4", "2", local_ts(2026, 12, 9, 10, 0)),
        ("ok".into(), 120_000),
        "the site's again"
    );
}

#[test]
fn a_suspension_ending_today_still_refuses_today_and_lifts_tomorrow_or_on_resume() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let (db, mut svc) = ruled(|s| {
        let id = s.account_by_matricule(LOTFI).unwrap().id;
        s.suspend_account(id, today, "discipline", today).unwrap();
    });
    let d = svc
        .authorize(&ask("s1", "8589669", "2"), local_ts(2026, 12, 7, 23, 59))
        .unwrap();
    assert_eq!(d.code(), "compte_suspendu");
    assert!(
        d.message.contains("jusqu'au 07/12/2026 (discipline)"),
        "{}",
        d.message
    );
    assert_eq!(
        code(&mut svc, "s2", "2", local_ts(2026, 12, 8, 0, 0)).0,
        "ok"
    );
    drop(svc);
    let mut s = Store::open(&db.path).unwrap();
    let id = s.account_by_matricule(LOTFI).unwrap().id;
    let a = s
        .suspend_account(
            id,
            today.succ_opt().unwrap().succ_opt().unwrap(),
            "transfert",
            today,
        )
        .unwrap();
    assert_eq!(a.etat_general().code(), "suspendu");
    let err = s
        .suspend_account(id, today.pred_opt().unwrap(), "x", today)
        .unwrap_err();
    assert!(
        err.to_string().contains("aujourd'hui ou plus tard"),
        "{err}"
    );
    let err = s.suspend_account(id, today, "  ", today).unwrap_err();
    assert!(
        err.to_string()
            .contains("motif de la suspension est obligatoire"),
        "{err}"
    );
    s.resume_account(id).unwrap();
    let mut svc = Service::over(s).unwrap();
    assert_eq!(
        code(&mut svc, "s3", "2", local_ts(2026, 12, 8, 10, 0)).0,
        "ok",
        "lifted"
    );
}

#[test]
fn when_several_rules_fail_the_first_in_the_spec_order_answers() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let (db, mut svc) = ruled(|s| {
        s.block_number("+2162*", "test", true).unwrap();
        s.save_site_rules(&SiteRulesChange {
            hours: Some("lun 08:00-09:00".into()),
            calls_per_day: Some(Some(1)),
            ..Default::default()
        })
        .unwrap();
        let id = s.account_by_matricule(LOTFI).unwrap().id;
        s.suspend_account(id, today, "discipline", today).unwrap();
        let a = s.get_account(id).unwrap();
        let mut d = a.to_draft();
        d.allowance_minutes = Some(0);
        s.update_account(id, &d).unwrap();
    });
    let noon = local_ts(2026, 12, 7, 12, 0);
    let calls = [
        ("x1", "2", noon, "compte_suspendu", "suspended"),
        ("x2", "9", noon, "compte_suspendu", "before touche_vide"),
    ];
    expect_codes(&mut svc, &calls);
    drop(svc);
    let mut s = Store::open(&db.path).unwrap();
    let id = s.account_by_matricule(LOTFI).unwrap().id;
    s.resume_account(id).unwrap();
    let mut svc = Service::over(s).unwrap();
    let morning = local_ts(2026, 12, 7, 8, 30);
    let calls = [
        ("x3", "9", noon, "touche_vide", "resumed"),
        ("x4", "71234567", noon, "numero_non_autorise", "not a key"),
        ("x5", "2", noon, "numero_bloque", "before hors_horaires"),
        ("x6", "1", noon, "hors_horaires", "before the allowance"),
        ("x7", "1", morning, "forfait_epuise", "within the hours"),
    ];
    expect_codes(&mut svc, &calls);
}

#[test]
fn keys_may_not_be_set_to_a_blocked_number_but_a_key_already_holding_one_stays_editable() {
    let (db, mut s) = temp_store();
    let id = create_holder(&mut s, SAMI_BEN_ALI, &["27468145"], 0);
    let err = s
        .block_number("+2162*", "test", false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 compte porte ce numéro : Sami Ben Ali (10000000000001), touche 1"),
        "{err}"
    );
    assert!(
        s.blocked_numbers().unwrap().is_empty(),
        "nothing written without force"
    );
    s.block_number("+2162*", "test", true).unwrap();
    // The name can still be edited; a key newly set to a blocked number cannot.
    let mut d = s.get_account(id).unwrap().to_draft();
    d.name = forfaits_core::domain::Name::parse("Sami Ben Ali Jr").unwrap();
    s.update_account(id, &d).unwrap();
    d.phones[1] = Some(forfaits_core::domain::Phone::parse("+21629000000", 2).unwrap());
    let err = s.update_account(id, &d).unwrap_err().to_string();
    assert!(
        err.contains(
            "N° téléphone touche 2 : le numéro +21629000000 est interdit (règle « +2162* » : test)"
        ),
        "{err}"
    );
    let f = form(
        "Autre",
        "10000000000002",
        "1000002",
        &["", "", "29 000 000"],
    );
    let errs = s.validate_form(&f, None).unwrap();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, forfaits_core::domain::Field::Phone(3));
    let before = std::fs::read(&db.path).unwrap();
    let (d, _) = f
        .validate(
            &forfaits_core::domain::Currency::default(),
            &forfaits_core::domain::CountryCode::default(),
        )
        .unwrap();
    assert!(s
        .create_account(&d, forfaits_core::domain::Money(0))
        .is_err());
    assert_eq!(std::fs::read(&db.path).unwrap(), before);
}

/// The keys of the fields in error, in order.
fn error_fields(e: forfaits_core::Error) -> Vec<String> {
    match e {
        forfaits_core::Error::Fields(f) => f.iter().map(|e| e.field.key()).collect(),
        other => panic!("field errors expected, got: {other}"),
    }
}

#[test]
fn the_window_saves_the_site_rules_as_typed_or_says_every_error_and_saves_nothing() {
    use forfaits_core::rules::SiteRulesForm;
    let (_db, mut s) = temp_store();
    let typed = |h: &str, m: &str, n: &str| SiteRulesForm {
        horaires: h.into(),
        duree_max_appel: m.into(),
        appels_par_jour: n.into(),
    };
    let err = s
        .save_site_rules_form(&typed("lundi 08:00-12:00", "", "beaucoup"))
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("jour inconnu « lundi »"), "{msg}");
    assert!(
        msg.contains("la durée maximale d'un appel est obligatoire"),
        "{msg}"
    );
    assert!(
        msg.contains("écrivez un nombre entier d'appels, ou laissez vide pour ne pas limiter (reçu : « beaucoup »)"),
        "{msg}"
    );
    assert_eq!(
        error_fields(err),
        ["horaires", "duree_max_appel", "appels_par_jour"]
    );
    assert_eq!(
        error_fields(
            s.save_site_rules_form(&typed("toujours", "0", "1001"))
                .unwrap_err()
        ),
        ["duree_max_appel", "appels_par_jour"]
    );
    let st = s.settings().unwrap();
    assert!(st.call_hours.is_always(), "nothing saved");
    assert_eq!((st.max_call_minutes, st.calls_per_day), (60, None));

    let st = s
        .save_site_rules_form(&typed("lun-ven 08:00-12:00 ; sam 9:00-12:00", " 20 ", "3"))
        .unwrap();
    assert_eq!(
        st.call_hours.to_string(),
        "lun-ven 08:00-12:00; sam 09:00-12:00"
    );
    assert_eq!((st.max_call_minutes, st.calls_per_day), (20, Some(3)));
    let st = s.save_site_rules_form(&typed("", "20", "")).unwrap();
    assert!(st.call_hours.is_always(), "empty: no restriction");
    assert_eq!(st.calls_per_day, None, "empty: no daily limit");
}

#[test]
fn a_schedule_preview_gives_the_week_or_the_parser_error_under_its_field() {
    let v = forfaits_core::rules::schedule_preview("sam 09:00-12:00; lun-ven 14:00-18:00").unwrap();
    assert_eq!(v.canonique, "lun-ven 14:00-18:00; sam 09:00-12:00");
    assert_eq!(v.jours[5].plages, [[540, 720]]);
    let err = forfaits_core::rules::schedule_preview("lundi 08:00-12:00").unwrap_err();
    assert!(
        err.to_string()
            .contains("jour inconnu « lundi » : écrivez lun, mar, mer, jeu, ven, sam ou dim"),
        "{err}"
    );
    assert_eq!(error_fields(err), ["horaires"]);
}

#[test]
fn the_account_form_sets_limits_and_a_suspension_as_typed() {
    use forfaits_core::rules::AccountLimitsForm;
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let (db, svc) = sample_with_balance(0);
    drop(svc);
    let mut s = Store::open(&db.path).unwrap();
    let id = s.account_by_matricule(LOTFI).unwrap().id;
    let typed = |m: &str, n: &str| AccountLimitsForm {
        duree_max_appel: m.into(),
        appels_par_jour: n.into(),
    };
    let err = s
        .save_account_limits_form(id, &typed("1h", "0"))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("écrivez un nombre entier de minutes, ou laissez vide pour celle du site (reçu : « 1h »)"),
        "{msg}"
    );
    assert!(msg.contains("suspendez le compte"), "{msg}");
    assert_eq!(error_fields(err), ["duree_max_appel", "appels_par_jour"]);
    let a = s.save_account_limits_form(id, &typed("15", "2")).unwrap();
    assert_eq!((a.max_call_minutes, a.calls_per_day), (Some(15), Some(2)));
    let a = s.save_account_limits_form(id, &typed(" ", "")).unwrap();
    assert_eq!(
        (a.max_call_minutes, a.calls_per_day),
        (None, None),
        "empty: the site's"
    );

    let err = s.suspend_account_typed(id, "", " ", today).unwrap_err();
    assert_eq!(error_fields(err), ["suspendu_jusqu_au", "motif_suspension"]);
    let err = s
        .suspend_account_typed(id, "2026-02-30", "discipline", today)
        .unwrap_err();
    assert!(err.to_string().contains("n'existe pas"), "{err}");
    let err = s
        .suspend_account_typed(id, "2026-12-06", "discipline", today)
        .unwrap_err();
    assert!(
        err.to_string().contains("aujourd'hui ou plus tard"),
        "{err}"
    );
    assert!(s.get_account(id).unwrap().suspended_until.is_none());
    let a = s
        .suspend_account_typed(id, "2026-12-12", "  discipline ", today)
        .unwrap();
    assert_eq!(
        (a.suspended_until, a.suspension_reason.as_str()),
        (NaiveDate::from_ymd_opt(2026, 12, 12), "discipline")
    );
}

#[test]
fn blocking_a_number_on_keys_answers_who_holds_it_after_every_other_check() {
    use forfaits_core::rules::Blocking;
    let (db, svc) = sample_with_balance(0);
    drop(svc);
    let mut s = Store::open(&db.path).unwrap();
    // The reason is checked before the holders are counted: no question for a refused input.
    assert!(s.try_block_number("0021627468145", " ", false).is_err());
    match s
        .try_block_number("0021627468145", "plainte", false)
        .unwrap()
    {
        Blocking::Held {
            motif,
            holders,
            question,
        } => {
            assert_eq!(motif, "+21627468145");
            assert_eq!(holders[0].nom, "Lotfi Ben Ali");
            assert!(
                question.starts_with(
                    "1 compte porte ce numéro : Lotfi Ben Ali (10000000000000), touche 2"
                ),
                "{question}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(s.blocked_numbers().unwrap().is_empty(), "nothing written");
    match s
        .try_block_number("0021627468145", "plainte", true)
        .unwrap()
    {
        Blocking::Blocked(b) => assert_eq!(b.motif, "+21627468145"),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.blocked_numbers().unwrap().len(), 1);
}

#[test]
fn the_service_log_is_copied_back_and_started_over_beside_the_writer() {
    let (db, mut svc) = sample_with_balance(2_000);
    svc.store().unwrap().tune_for_service().unwrap();
    for i in 0..300 {
        svc.authorize(&ask(&format!("w{i}"), "8589669", "9"), NOW)
            .unwrap();
    }
    let frames = |c: &rusqlite::Connection| -> i64 {
        c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .unwrap()
    };
    let other = rusqlite::Connection::open(&db.path).unwrap();
    let grown = frames(&other);
    assert!(
        grown > 300,
        "the writer no longer checkpoints in its commits: {grown} frames"
    );
    Store::open(&db.path).unwrap().checkpoint(0).unwrap();
    svc.authorize(&ask("w-after", "8589669", "9"), NOW).unwrap();
    let after = frames(&other);
    assert!(
        after < 20,
        "the log started over: {after} frames after one more decision"
    );
    assert!(svc.store().unwrap().check().unwrap().ok());
}
