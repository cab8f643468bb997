//! The FastAGI service over real sockets, against a client that plays Asterisk's side byte for
//! byte (`forfaits_agi::asterisk`), on real databases.

use forfaits_agi::asterisk::{run_within, AgiStatus, Call, Outcome};
use forfaits_agi::{serve, Config};
use forfaits_core::domain::Money;
use forfaits_core::import::ImportOptions;
use forfaits_core::prelude::*;
use forfaits_core::store::ledger::MovementKind;
use forfaits_core::tariffs::import_tariffs;
use forfaits_core::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[path = "../../../tests/support/hours.rs"]
mod hours;
#[path = "../../../tests/support/sample.rs"]
mod sample;
use hours::{day_name, open_until};
use sample::{fixture, load_sample, LOTFI};

const GUARD: Duration = Duration::from_secs(20);

struct Site {
    _dir: tempfile::TempDir,
    db: PathBuf,
    addr: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<forfaits_core::Result<()>>,
}

impl Site {
    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.server.await.unwrap().unwrap();
    }
}

/// The sample accounts and tariffs, Lotfi credited with `millimes`, the service listening.
async fn site(millimes: i64, tune: impl FnOnce(&mut Config)) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.sqlite3");
    load_sample(&mut Store::open(&db).unwrap(), millimes);
    start(dir, db, tune).await
}

async fn start(dir: tempfile::TempDir, db: PathBuf, tune: impl FnOnce(&mut Config)) -> Site {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let mut cfg = Config::new(db.clone());
    tune(&mut cfg);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, cfg, async {
        let _ = stopped.await;
    }));
    Site {
        _dir: dir,
        db,
        addr,
        stop: Some(stop),
        server,
    }
}

/// Runs one AGI command on the service as Asterisk would, within `GUARD`.
async fn agi(site: &Site, command: &str, args: &[&str], uniqueid: &str) -> Outcome {
    let call = Call::new(command, args, uniqueid);
    run_within(&site.addr, &call, GUARD).await.unwrap()
}

async fn autoriser(site: &Site, uniqueid: &str, code: &str, asked: &str) -> Outcome {
    agi(site, "autoriser", &[code, asked], uniqueid).await
}

/// The reason the service gives for its answer to a call: "ok" or why it was refused.
async fn motif(site: &Site, uniqueid: &str, code: &str, asked: &str) -> String {
    let o = autoriser(site, uniqueid, code, asked).await;
    o.var("FORFAITS_MOTIF").to_string()
}

async fn terminer(site: &Site, uniqueid: &str, billsec: &str, disposition: &str) -> Outcome {
    agi(site, "terminer", &[billsec, disposition], uniqueid).await
}

fn lotfi(db: &Path) -> forfaits_core::domain::Account {
    Store::open(db)
        .unwrap()
        .account_by_matricule(LOTFI)
        .unwrap()
}

fn attempts(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM call_attempts", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spec_example_over_a_real_socket() {
    let site = site(2_000, |_| {}).await;
    let first = autoriser(&site, "1764000000.1", "8589669", "2").await;
    assert_eq!(first.status, AgiStatus::Success);
    assert_eq!(first.var("FORFAITS_STATUT"), "AUTORISE");
    assert_eq!(first.var("FORFAITS_MOTIF"), "ok");
    assert_eq!(first.var("FORFAITS_LIMITE_MS"), "666000");
    assert_eq!(first.var("FORFAITS_NUMERO"), "+21627468145");
    assert_eq!(first.var("FORFAITS_ENREGISTRER"), "1");
    assert_eq!(first.var("CDR(accountcode)"), "8589669");
    assert!(
        first.var("FORFAITS_MESSAGE").contains("1,998"),
        "{}",
        first.var("FORFAITS_MESSAGE")
    );
    assert!(
        first.replies.iter().all(|r| r == "200 result=1\n"),
        "{:?}",
        first.replies
    );
    // One command a line, the value quoted; the status last, after what the dial needs.
    assert_eq!(
        first.commands.last().unwrap(),
        "SET VARIABLE FORFAITS_STATUT \"AUTORISE\""
    );
    let id = lotfi(&site.db).id;
    let store = Store::open(&site.db).unwrap();
    assert_eq!(
        store
            .reserved_amount(id, forfaits_core::store::now())
            .unwrap(),
        1_998
    );

    let second = autoriser(&site, "1764000000.2", "8589669", "2").await;
    assert_eq!(second.var("FORFAITS_STATUT"), "REFUSE");
    assert_eq!(second.var("FORFAITS_MOTIF"), "solde_insuffisant");
    assert_eq!(
        second.var("FORFAITS_LIMITE_MS"),
        "",
        "no limit on a refusal"
    );

    let done = terminer(&site, "1764000000.1", "100", "ANSWERED").await;
    assert_eq!(done.var("FORFAITS_STATUT"), "FACTURE");
    assert_eq!(lotfi(&site.db).balance, 1_694, "2,000 − 0,306");
    let again = terminer(&site, "1764000000.1", "100", "ANSWERED").await;
    assert_eq!(again.var("FORFAITS_STATUT"), "DEJA_FACTURE");
    assert_eq!(lotfi(&site.db).balance, 1_694);

    let master = site.db.with_file_name("Master.csv");
    std::fs::write(&master, "\"8589669\",\"212\",\"0021627468145\",\"detenus\",\"c\",\"SIP/a\",\"SIP/b\",\"Dial\",\"x\",\"2026-11-25 10:00:00\",\"2026-11-25 10:00:05\",\"2026-11-25 10:01:45\",105,100,\"ANSWERED\",\"BILLING\",\"1764000000.1\",\"\"\n").unwrap();
    let mut s = Store::open(&site.db).unwrap();
    let r = forfaits_core::calls::load_calls(&mut s, &master, Default::default(), &mut |_| Ok(()))
        .unwrap();
    assert_eq!((r.appels_charges, r.deja_charges), (0, 1), "already loaded");
    assert_eq!(s.account_by_matricule(LOTFI).unwrap().balance, 1_694);
    assert!(s.check().unwrap().ok());
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_held_by_another_writer_past_the_wait_refuses_with_erreur() {
    // Every refusal code is checked on both stores (`both_stores::every_refusal_is_decided_alike`).
    let site = site(50, |c| c.busy = Duration::from_millis(300)).await;
    // The database held by another writer past the wait: the service fails closed.
    let blocker = rusqlite::Connection::open(&site.db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let o = autoriser(&site, "r", "8589669", "2").await;
    assert_eq!(
        (o.var("FORFAITS_STATUT"), o.var("FORFAITS_MOTIF")),
        ("REFUSE", "erreur")
    );
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(motif(&site, "r", "8589669", "2").await, "solde_insuffisant");
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_blocked_while_a_call_waits_for_the_lock_is_refused_then_and_after() {
    let site = site(100_000, |_| {}).await;
    assert_eq!(motif(&site, "b0", "8589669", "2").await, "ok");
    // Another program blocks the key's numbers and commits while the next call waits.
    let blocker = rusqlite::Connection::open(&site.db).unwrap();
    blocker
        .execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO blocked_numbers VALUES ('+2162*', 'Plainte', 'test', 0);",
        )
        .unwrap();
    let commit = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        blocker.execute_batch("COMMIT").unwrap();
    });
    let waited = motif(&site, "b1", "8589669", "2").await;
    commit.join().unwrap();
    assert_eq!(waited, "numero_bloque");
    assert_eq!(motif(&site, "b2", "8589669", "2").await, "numero_bloque");
    site.stop().await;
}

/// Sends raw bytes, then reads until the server closes; true if it closed within the guard.
async fn raw_client(addr: &str, bytes: &[u8], then_wait: bool) -> bool {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let _ = s.write_all(bytes).await;
    if !then_wait {
        return true;
    }
    let mut buf = vec![0u8; 4096];
    let closed = tokio::time::timeout(GUARD, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    closed.is_ok()
}

/// Sends a header line a byte every 100 ms, over and over, until the server closes; true if
/// it closed within the guard.
async fn drip_client(addr: String) -> bool {
    let s = TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = s.into_split();
    tokio::spawn(async move {
        for b in b"agi_network: yes\n".iter().cycle() {
            if write.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(GUARD, async {
        while let Ok(1..) = read.read(&mut buf).await {}
    });
    closed.await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_clients_close_only_their_own_connection_and_write_nothing() {
    let site = site(2_000, |c| c.idle = Duration::from_millis(400)).await;
    let before = attempts(&site.db);
    let balance = lotfi(&site.db).balance;
    let header = |script: &str, args: &[&str]| {
        let mut h = String::from("agi_network: yes\n");
        h.push_str(&format!(
            "agi_network_script: {script}\nagi_uniqueid: 99.1\n"
        ));
        for (i, a) in args.iter().enumerate() {
            h.push_str(&format!("agi_arg_{}: {a}\n", i + 1));
        }
        h.push('\n');
        h.into_bytes()
    };
    let huge = vec![b'a'; 1 << 20];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "garbage",
            b"\x00\x01\xff\xfe GET / HTTP/1.1\r\n\r\n".to_vec(),
        ),
        ("no header", Vec::new()),
        ("1 MiB line", huge),
        ("silent after one line", b"agi_network: yes\n".to_vec()),
        ("unknown script", header("effacer", &["8589669", "2"])),
        ("missing argument", header("autoriser", &["8589669"])),
        ("blank argument", header("autoriser", &["8589669", ""])),
        ("terminer without seconds", header("terminer", &[])),
        (
            "terminer with words",
            header("terminer", &["cent", "ANSWERED"]),
        ),
    ];
    // Every bad client at once, a good call in the middle of them.
    let mut handles = Vec::new();
    let addr = site.addr.clone();
    handles.push((
        "dripping a byte every 100 ms",
        tokio::spawn(drip_client(addr)),
    ));
    for (what, bytes) in cases {
        let addr = site.addr.clone();
        handles.push((
            what,
            tokio::spawn(async move { raw_client(&addr, &bytes, true).await }),
        ));
    }
    let good = autoriser(&site, "bon.1", "8589669", "1").await;
    assert_eq!(
        good.var("FORFAITS_STATUT"),
        "AUTORISE",
        "the service kept serving"
    );
    for (what, h) in handles {
        assert!(h.await.unwrap(), "{what}: the server closed the connection");
    }
    assert_eq!(
        attempts(&site.db),
        before + 1,
        "only the good call was recorded"
    );
    let after = autoriser(&site, "bon.2", "8589669", "9").await;
    assert_eq!(
        after.var("FORFAITS_MOTIF"),
        "touche_vide",
        "still serving afterwards"
    );
    assert_eq!(lotfi(&site.db).balance, balance);
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_under_way_when_the_service_stops_is_answered_first() {
    use forfaits_agi::asterisk::{connect_lines, read_command};
    let mut site = site(2_000, |_| {}).await;
    let call = Call::new("autoriser", &[LOTFI, "1"], "arret-1");
    let lines = connect_lines(&site.addr, &call);
    let (first, rest) = lines.split_at(lines.len() / 2);
    let (read, mut write) = TcpStream::connect(&site.addr).await.unwrap().into_split();
    for l in first {
        write.write_all(l.as_bytes()).await.unwrap();
    }
    // Silent, this one is closed when the service stops.
    let addr = site.addr.clone();
    let silent = tokio::spawn(async move { raw_client(&addr, b"", true).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = site.stop.take().unwrap().send(());
    tokio::time::sleep(Duration::from_millis(100)).await;
    for l in rest {
        write.write_all(l.as_bytes()).await.unwrap();
    }
    // Asterisk's side: each command answered until the service closes.
    let mut read = tokio::io::BufReader::new(read);
    let (mut raw, mut commands) = (Vec::new(), Vec::new());
    let session = async {
        while read_command(&mut read, &mut raw).await.unwrap() > 0 {
            commands.push(String::from_utf8_lossy(&raw).trim_end().to_string());
            write.write_all(b"200 result=1\n").await.unwrap();
        }
    };
    tokio::time::timeout(GUARD, session).await.unwrap();
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("SET VARIABLE FORFAITS_STATUT")),
        "{commands:?}"
    );
    assert!(silent.await.unwrap(), "the silent connection was closed");
    site.server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_hangs_up_while_the_server_answers_holds_nothing() {
    let site = site(2_000, |_| {}).await;
    let mut call = Call::new("autoriser", &["8589669", "2"], "h.1");
    call.hangup_before_reply = Some(1);
    let o = run_within(&site.addr, &call, GUARD).await.unwrap();
    assert_eq!(o.status, AgiStatus::Hangup);
    assert_eq!(
        o.var("FORFAITS_LIMITE_MS"),
        "666000",
        "every variable still set"
    );
    // No call comes of it: the whole balance is available to the next one at once, where the
    // hold used to last until its expiry (an hour and five minutes) and refuse it.
    let next = autoriser(&site, "h.2", "8589669", "2").await;
    assert_eq!(
        next.var("FORFAITS_MOTIF"),
        "ok",
        "{}",
        next.var("FORFAITS_MESSAGE")
    );
    assert_eq!(next.var("FORFAITS_LIMITE_MS"), "666000");
    // Without HANGUP, the grant stands until the call's own hang-up.
    let third = autoriser(&site, "h.3", "8589669", "2").await;
    assert_eq!(third.var("FORFAITS_MOTIF"), "solde_insuffisant");
    let said = third.var("FORFAITS_MESSAGE");
    assert!(
        said.contains(" disponibles (1,998\u{a0}TND réservés par les appels en cours)"),
        "{said}"
    );
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_holds_are_released() {
    let site = site(2_000, |_| {}).await;
    assert_eq!(motif(&site, "x.1", "8589669", "2").await, "ok");
    assert_eq!(
        motif(&site, "x.2", "8589669", "2").await,
        "solde_insuffisant"
    );
    // The first call's hang-up was lost: its hold ends T + 5 minutes after it was made.
    rusqlite::Connection::open(&site.db)
        .unwrap()
        .execute(
            "UPDATE call_holds SET expires_at = expires_at - 1000 WHERE uniqueid = 'x.1'",
            [],
        )
        .unwrap();
    let o = autoriser(&site, "x.3", "8589669", "2").await;
    assert_eq!(o.var("FORFAITS_LIMITE_MS"), "666000");
    site.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_go_on_while_another_program_credits_the_same_account() {
    let site = site(2_000, |_| {}).await;
    let db = site.db.clone();
    let writer = std::thread::spawn(move || {
        let mut s = Store::open(&db).unwrap();
        let id = s.account_by_matricule(LOTFI).unwrap().id;
        for _ in 0..100 {
            s.manual_movement(id, MovementKind::Recharge, Money(10), "Dépôt")
                .unwrap();
        }
    });
    let mut reserved_total = 0i64;
    for i in 0..40 {
        let o = autoriser(&site, &format!("w.{i}"), "8589669", "2").await;
        assert!(
            matches!(o.var("FORFAITS_MOTIF"), "ok" | "solde_insuffisant"),
            "{:?}",
            o.vars
        );
        if o.var("FORFAITS_MOTIF") == "ok" {
            let t = terminer(&site, &format!("w.{i}"), "30", "ANSWERED").await;
            assert_eq!(t.var("FORFAITS_STATUT"), "FACTURE");
            reserved_total += 90;
        }
    }
    writer.join().unwrap();
    let s = Store::open(&site.db).unwrap();
    assert_eq!(
        s.account_by_matricule(LOTFI).unwrap().balance,
        2_000 + 1_000 - reserved_total
    );
    assert!(
        s.check().unwrap().ok(),
        "{:?}",
        s.check().unwrap().problemes
    );
    site.stop().await;
}

mod concurrency {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10, failure_persistence: None, .. ProptestConfig::default() })]
        #[test]
        fn simultaneous_calls_of_one_account_never_hold_more_than_its_balance(
            balance in 0i64..6_000,
            n in 2usize..24,
            // The tariff: price a minute, first block, next blocks (seconds), connection fee.
            (price, initial, block, fee) in (1i64..2_000, 0i64..90, 1i64..60, 0i64..200),
        ) {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async {
                let site = site(balance, |_| {}).await;
                let t = site.db.with_file_name("t.csv");
                std::fs::write(&t, format!(
                    "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+216;Tunisie;{}.{:03};{initial};{block};0.{fee:03}\n", price / 1000, price % 1000
                )).unwrap();
                let mut s = Store::open(&site.db).unwrap();
                assert!(import_tariffs(&mut s, &t, false).unwrap().ecrit);
                drop(s);
                let calls: Vec<_> = (0..n).map(|i| {
                    let addr = site.addr.clone();
                    tokio::spawn(async move {
                        run_within(&addr, &Call::new("autoriser", &["8589669", "2"], &format!("p.{i}")), GUARD).await.unwrap()
                    })
                }).collect();
                for c in calls {
                    let o = c.await.unwrap();
                    match o.var("FORFAITS_MOTIF") {
                        "ok" => {}
                        "solde_insuffisant" => continue,
                        other => panic!("{other}: {:?}", o.vars),
                    }
                }
                let db = rusqlite::Connection::open(&site.db).unwrap();
                let (sum, count): (i64, i64) = db.query_row(
                    "SELECT coalesce(sum(reserved), 0), count(*) FROM call_attempts WHERE decision = 'ok'",
                    [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
                assert!(sum <= balance, "{sum} held on a balance of {balance} by {count} calls");
                site.stop().await;
            });
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probe_tells_a_running_service_from_silence_and_from_another_program() {
    let site = site(2_000, |_| {}).await;
    let before = attempts(&site.db);
    let short = Duration::from_millis(800);
    assert_eq!(
        forfaits_agi::probe(&site.addr, short).await,
        Ok(format!("Forfaits {}", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(attempts(&site.db), before, "the probe records nothing");
    site.stop().await;

    // Nothing listens any more on that port.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().to_string()
    };
    assert_eq!(
        forfaits_agi::probe(&closed, short).await,
        Err(format!("Aucun service ne répond sur {closed}"))
    );

    // Something accepts and never answers: the probe gives up after its timeout.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap().to_string();
    let keep = tokio::spawn(async move {
        let (s, _) = silent.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(s);
    });
    let started = std::time::Instant::now();
    assert_eq!(
        forfaits_agi::probe(&silent_addr, short).await,
        Err(format!("Aucun service ne répond sur {silent_addr}"))
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    keep.abort();

    // Another program (here a web server's refusal) is not taken for the service.
    let other = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_addr = other.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let (mut s, _) = other.accept().await.unwrap();
        let _ = s
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
        let _ = s.shutdown().await;
    });
    let e = forfaits_agi::probe(&other_addr, short).await.unwrap_err();
    assert!(e.starts_with("Un programme répond sur"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_rules_are_enforced_over_a_real_socket() {
    use chrono::{Duration as Span, Local, Timelike};
    use forfaits_core::rules::SiteRulesChange;
    let site = site(2_000, |_| {}).await;
    let mut s = Store::open(&site.db).unwrap();
    // A number under a blocked prefix.
    let a = s.account_by_matricule(LOTFI).unwrap();
    let mut d = a.to_draft();
    d.phones[4] = Some(forfaits_core::domain::Phone::parse("+21681000001", 5).unwrap());
    s.update_account(a.id, &d).unwrap();
    s.block_number("+2168*", "numéros surtaxés", true).unwrap();
    assert_eq!(motif(&site, "r.1", "8589669", "5").await, "numero_bloque");
    // A privileged free number not on the keys.
    s.privilege_number("71000111", "Avocat", true).unwrap();
    let o = autoriser(&site, "r.2", "8589669", "71000111").await;
    assert_eq!(
        (o.var("FORFAITS_STATUT"), o.var("FORFAITS_ENREGISTRER")),
        ("AUTORISE", "0")
    );
    let before = lotfi(&site.db).balance;
    assert_eq!(
        terminer(&site, "r.2", "300", "ANSWERED")
            .await
            .var("FORFAITS_STATUT"),
        "FACTURE"
    );
    assert_eq!(lotfi(&site.db).balance, before, "free: balance unchanged");
    // The site's per-call maximum: 2 minutes for an account without billing.
    let mut d = s.account_by_matricule(LOTFI).unwrap().to_draft();
    d.billing = false;
    s.update_account(a.id, &d).unwrap();
    s.save_site_rules(&SiteRulesChange {
        max_call_minutes: Some(2),
        ..Default::default()
    })
    .unwrap();
    let o = autoriser(&site, "r.3", "8589669", "2").await;
    assert_eq!(o.var("FORFAITS_LIMITE_MS"), "120000");
    // One call a day: the second is refused (Sami Mansouri, who has not called yet).
    let sami = s.account_by_matricule("10000000007919").unwrap();
    let mut d = sami.to_draft();
    d.billing = false;
    s.update_account(sami.id, &d).unwrap();
    s.save_site_rules(&SiteRulesChange {
        calls_per_day: Some(Some(1)),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(motif(&site, "r.4", "8812311", "1").await, "ok");
    assert_eq!(
        motif(&site, "r.4b", "8812311", "1").await,
        "quota_journalier"
    );
    s.save_site_rules(&SiteRulesChange {
        calls_per_day: Some(None),
        ..Default::default()
    })
    .unwrap();
    // Suspended until resumed.
    let today = Local::now().date_naive();
    s.suspend_account(a.id, today + Span::days(3), "discipline", today)
        .unwrap();
    assert_eq!(motif(&site, "r.5", "8589669", "2").await, "compte_suspendu");
    s.resume_account(a.id).unwrap();
    assert_eq!(motif(&site, "r.6", "8589669", "2").await, "ok");
    // Outside the hours (only tomorrow's day is open), then inside a window ending in 10 minutes.
    let now = Local::now().naive_local();
    let tomorrow = now.date() + Span::days(1);
    s.save_site_rules(&SiteRulesChange {
        hours: Some(format!("{} 00:00-24:00", day_name(tomorrow))),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(motif(&site, "r.7", "8589669", "2").await, "hors_horaires");
    let end = (now + Span::minutes(11)).with_second(0).unwrap();
    s.save_site_rules(&SiteRulesChange {
        hours: Some(open_until(now, end)),
        max_call_minutes: Some(60),
        ..Default::default()
    })
    .unwrap();
    let o = autoriser(&site, "r.8", "8589669", "2").await;
    let limit: i64 = o.var("FORFAITS_LIMITE_MS").parse().unwrap();
    let expected = (end - Local::now().naive_local()).num_milliseconds();
    assert!(
        (expected - limit).abs() <= 2_000,
        "limit {limit} ms, window ends in {expected} ms"
    );
    site.stop().await;
}

#[path = "../../../tests/support/pg_cluster.rs"]
mod pg_cluster;

/// Call control on both stores (SPEC §13): the same decisions over a real socket, from the
/// desk's SQLite file and from a site's PostgreSQL, where the service signs in as a user of the
/// `telephonie` role (so these tests also prove that role may do what the service needs).
mod both_stores {
    use super::*;
    use forfaits_core::Base;

    /// The database of a test: `--db` as the service gets it, and the way to read it back.
    pub struct Db {
        pub service_db: String,
        pub admin_db: String,
        _dir: Option<tempfile::TempDir>,
    }

    impl Db {
        /// Runs `f` on the database as its administrator, off the tests' runtime (the
        /// PostgreSQL client runs one of its own).
        pub fn with<T: Send>(&self, f: impl FnOnce(&mut Base) -> T + Send) -> T {
            off_runtime(|| f(&mut Base::open(Some(&self.admin_db), false).unwrap()))
        }
    }

    fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|s| s.spawn(f).join().unwrap())
    }

    /// The sample accounts and tariffs, Lotfi credited with `millimes`.
    fn prepare(base: &mut Base, millimes: i64) {
        let r = base
            .import_users(
                &fixture("users-sample.csv"),
                ImportOptions::default(),
                &mut |_| Ok(()),
                &mut |_| {},
            )
            .unwrap();
        assert!(r.ecrit);
        assert!(
            base.import_tariffs(&fixture("tariffs-sample.csv"), false)
                .unwrap()
                .ecrit
        );
        if millimes > 0 {
            let a = base.account_by_matricule(LOTFI).unwrap();
            base.manual_movement(a.id, MovementKind::Recharge, Money(millimes), "Dépôt")
                .unwrap();
        }
    }

    pub fn sqlite(millimes: i64) -> Db {
        let dir = tempfile::tempdir().unwrap();
        let db = dir
            .path()
            .join("site.sqlite3")
            .to_str()
            .unwrap()
            .to_string();
        prepare(
            &mut Base::Local(Store::open(Path::new(&db)).unwrap()),
            millimes,
        );
        Db {
            service_db: db.clone(),
            admin_db: db,
            _dir: Some(dir),
        }
    }

    pub fn postgres(millimes: i64) -> Db {
        off_runtime(|| postgres_now(millimes))
    }

    fn postgres_now(millimes: i64) -> Db {
        let cluster = super::pg_cluster::cluster();
        let (url, name) = cluster.new_db();
        {
            let _g = super::pg_cluster::roles_lock();
            forfaits_core::site::init(&url).unwrap();
            forfaits_core::site::add_user(
                &url,
                "asterisk",
                forfaits_core::site::Role::Telephonie,
                None,
            )
            .unwrap();
        }
        prepare(&mut Base::open(Some(&url), false).unwrap(), millimes);
        Db {
            service_db: cluster.url("asterisk", &name),
            admin_db: url,
            _dir: None,
        }
    }

    async fn serve_on(db: &Db) -> Site {
        let dir = tempfile::tempdir().unwrap();
        start(dir, PathBuf::from(&db.service_db), |_| {}).await
    }

    fn balance(db: &Db) -> i64 {
        db.with(|b| b.account_by_matricule(LOTFI).unwrap().balance)
    }

    macro_rules! on_both_stores {
        ($($name:ident => $body:expr;)*) => {
            $(
                mod $name {
                    use super::*;

                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn sqlite() {
                        $body(super::sqlite).await;
                    }

                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn postgres() {
                        $body(super::postgres).await;
                    }
                }
            )*
        };
    }

    async fn spec_example(make: fn(i64) -> Db) {
        let db = make(2_000);
        let site = serve_on(&db).await;
        let first = autoriser(&site, "1764000000.1", "8589669", "2").await;
        assert_eq!(first.var("FORFAITS_STATUT"), "AUTORISE", "{:?}", first.vars);
        assert_eq!(first.var("FORFAITS_LIMITE_MS"), "666000");
        assert_eq!(first.var("FORFAITS_NUMERO"), "+21627468145");
        assert!(first.var("FORFAITS_MESSAGE").contains("1,998"));
        // The channel dials again: its first grant ends, its 1,998 no longer held.
        let retry = autoriser(&site, "1764000000.1", "8589669", "2").await;
        assert_eq!(retry.var("FORFAITS_STATUT"), "AUTORISE", "{:?}", retry.vars);
        let second = autoriser(&site, "1764000000.2", "8589669", "2").await;
        assert_eq!(second.var("FORFAITS_MOTIF"), "solde_insuffisant");
        let done = terminer(&site, "1764000000.1", "100", "ANSWERED").await;
        assert_eq!(done.var("FORFAITS_STATUT"), "FACTURE", "{:?}", done.vars);
        assert_eq!(balance(&db), 1_694, "2,000 − 0,306");
        let again = terminer(&site, "1764000000.1", "100", "ANSWERED").await;
        assert_eq!(again.var("FORFAITS_STATUT"), "DEJA_FACTURE");
        let unknown = terminer(&site, "nope.1", "100", "ANSWERED").await;
        assert_eq!(unknown.var("FORFAITS_STATUT"), "INCONNU");
        assert_eq!(balance(&db), 1_694);
        db.with(|base| {
            let a = base.account_by_matricule(LOTFI).unwrap();
            assert_eq!(a.used_seconds, 100);
            let moves = base.movements(a.id, Page::first(10)).unwrap();
            assert_eq!(moves[0].montant, -306);
            assert_eq!(moves[0].libelle, "Appel");
            let report = base.check().unwrap();
            assert!(report.ok(), "{:?}", report.problemes);
        });
        site.stop().await;
    }

    async fn refusals(make: fn(i64) -> Db) {
        let db = make(50);
        let site = serve_on(&db).await;
        for (code, asked, expected) in [
            ("1234567", "1", "compte_inconnu"),
            ("8589669", "9", "touche_vide"),
            ("8589669", "71234567", "numero_non_autorise"),
            ("8589669", "2", "solde_insuffisant"),
        ] {
            let o = autoriser(&site, "r", code, asked).await;
            assert_eq!(
                (o.var("FORFAITS_STATUT"), o.var("FORFAITS_MOTIF")),
                ("REFUSE", expected)
            );
            assert!(o.var("FORFAITS_MESSAGE").starts_with("Refusé : "));
        }
        let edit = |enabled: bool, allowance: Option<u32>| {
            db.with(|base| {
                let a = base.account_by_matricule(LOTFI).unwrap();
                let mut d = a.to_draft();
                d.enabled = enabled;
                d.allowance_minutes = allowance;
                base.update_account(a.id, &d).unwrap();
            })
        };
        edit(false, None);
        let o = autoriser(&site, "r", "8589669", "2").await;
        assert_eq!(o.var("FORFAITS_MOTIF"), "compte_desactive");
        edit(true, Some(0));
        let o = autoriser(&site, "r", "8589669", "2").await;
        assert_eq!(o.var("FORFAITS_MOTIF"), "forfait_epuise");
        edit(true, None);
        db.with(|base| {
            let id = base.account_by_matricule(LOTFI).unwrap().id;
            let today = chrono::Local::now().date_naive();
            base.suspend_account(id, today, "discipline", today)
                .unwrap();
        });
        let o = autoriser(&site, "r", "8589669", "2").await;
        assert_eq!(o.var("FORFAITS_MOTIF"), "compte_suspendu");
        assert!(
            o.var("FORFAITS_MESSAGE").contains("discipline"),
            "{}",
            o.var("FORFAITS_MESSAGE")
        );
        db.with(|base| {
            let id = base.account_by_matricule(LOTFI).unwrap().id;
            base.resume_account(id).unwrap();
            base.block_number("27468145", "victime", true).unwrap();
        });
        let o = autoriser(&site, "r", "8589669", "2").await;
        assert_eq!(o.var("FORFAITS_MOTIF"), "numero_bloque");
        db.with(|base| base.unblock_number("27468145").unwrap());
        // New tariffs are seen by the running service at its next decision.
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("tarifs.csv");
        std::fs::write(&t, "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2169;TT;0,170;30;6;0\n").unwrap();
        assert!(db.with(|base| base.import_tariffs(&t, false).unwrap().ecrit));
        let o = autoriser(&site, "r", "8589669", "2").await;
        assert_eq!(o.var("FORFAITS_MOTIF"), "aucun_tarif");
        site.stop().await;
    }

    /// Calls of one account asked at once are never granted more than its balance.
    async fn simultaneous(make: fn(i64) -> Db) {
        let db = make(2_000);
        let site = serve_on(&db).await;
        let calls: Vec<_> = (0..16)
            .map(|i| {
                let addr = site.addr.clone();
                tokio::spawn(async move {
                    run_within(
                        &addr,
                        &Call::new("autoriser", &["8589669", "2"], &format!("s.{i}")),
                        GUARD,
                    )
                    .await
                    .unwrap()
                })
            })
            .collect();
        let mut granted = 0;
        for c in calls {
            let o = c.await.unwrap();
            match o.var("FORFAITS_MOTIF") {
                "ok" => granted += 1,
                "solde_insuffisant" => {}
                other => panic!("{other}: {:?}", o.vars),
            }
        }
        // 2,000 millimes: the first call granted holds 1,998, what is left pays no first block.
        assert_eq!(granted, 1);
        let (held, attempts) = db.with(|base| {
            let a = base.account_by_matricule(LOTFI).unwrap();
            (
                a.balance,
                base.movements(a.id, Page::first(10)).unwrap().len(),
            )
        });
        assert_eq!((held, attempts), (2_000, 1), "holds are not movements");
        site.stop().await;
    }

    on_both_stores! {
        the_spec_example_is_decided_and_billed_alike => spec_example;
        every_refusal_is_decided_alike => refusals;
        simultaneous_calls_never_hold_more_than_the_balance => simultaneous;
    }
}
