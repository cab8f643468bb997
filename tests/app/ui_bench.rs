//! The window with 1,000,000 accounts: first rows after launch, search latency per keystroke,
//! scrolling. A benchmark, not a timed test: run with `make bench-ui` (ignored by `cargo test`);
//! it prints the figures and checks only that the screens answered.

use crate::support::*;
use std::time::Instant;

/// Builds (once) a database of `n` generated accounts with the release binary's import.
fn big_db(n: usize) -> std::path::PathBuf {
    let dir = repo().join("gen").join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("ui-{n}.sqlite3"));
    if db.exists() {
        return db;
    }
    let csv = dir.join(format!("users-{n}.csv"));
    if !csv.exists() {
        let out = std::fs::File::create(&csv).unwrap();
        let st = std::process::Command::new("python3")
            .arg(repo().join("scripts/gen_users.py"))
            .arg(n.to_string())
            .stdout(out)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let o = forfaits(&db, &["import", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    db
}

fn ms(d: f64) -> String {
    format!("{:.0} ms", d)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: make bench-ui"]
async fn window_with_a_million_accounts() {
    let _guard = E2E_LOCK.lock().await;
    let n: usize = std::env::var("FORFAITS_BENCH_COMPTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let db = big_db(n);
    let desktop = Desktop::start();
    let t0 = Instant::now();
    let w = Win {
        c: desktop.open(&db).await,
    };
    let session_ms = t0.elapsed().as_secs_f64() * 1000.0;
    wait_for(30, "premières lignes", || async {
        (!w.texts("tbody tr[data-id] td.sticky").await.is_empty()).then_some(())
    })
    .await;
    let first_rows_ms = t0.elapsed().as_secs_f64() * 1000.0;
    // Time the page itself measured from its start (navigation) to the first rendered row.
    let in_page = w.js("return performance.now()", vec![]).await;
    let _ = in_page;

    // Search: type a query character by character; each keystroke is timed inside the page
    // from the input event to the status line showing the new result.
    let mut per_key = Vec::new();
    for q in [
        "m",
        "mo",
        "moh",
        "moha",
        "mohamed",
        "mohamed b",
        "2",
        "27",
        "274",
        "2746",
        "1",
        "10000000",
        "1000000079",
        // Any part of a name or a number: letters inside Trabelsi, the last digits of a
        // number typed from its end, an international number typed from its start.
        "r",
        "ra",
        "rab",
        "rabe",
        "rabel",
        "7",
        "74",
        "746",
        "7468",
        "74681",
        "0",
        "00",
        "002",
        "0021",
        "00216",
        "002162",
        "0021627",
        "00216274",
        "002162746",
        "0021627468",
    ] {
        let v = w
            .c
            .execute_async(
                r#"const [q, done] = arguments;
                   const input = document.querySelector('#recherche');
                   const status = document.querySelector('#statut-comptes');
                   const t = performance.now();
                   const obs = new MutationObserver(() => {
                     if (status.textContent.includes('« ' + q + ' »')) {
                       requestAnimationFrame(() => { obs.disconnect(); done(performance.now() - t); });
                     }
                   });
                   obs.observe(status, { childList: true, characterData: true, subtree: true });
                   input.value = q;
                   input.dispatchEvent(new Event('input'));"#,
                vec![q.into()],
            )
            .await
            .unwrap();
        per_key.push((q, v.as_f64().unwrap()));
    }
    let max_key = per_key.iter().map(|(_, t)| *t).fold(0.0, f64::max);
    let total = w.text("#statut-comptes").await;

    // Scrolling: jump to several places of the full list and time until no placeholder row is
    // left on screen (the page shows grey rows while a page of 200 comes from Rust).
    w.js("const i = document.querySelector('#recherche'); i.value = ''; i.dispatchEvent(new Event('input'));", vec![]).await;
    wait_for(10, "liste complète", || async {
        (!w.text("#statut-comptes").await.contains('«')).then_some(())
    })
    .await;
    let mut scrolls = Vec::new();
    for frac in [0.001, 0.1, 0.5, 0.9, 0.999, 0.37] {
        let v =
            w.c.execute_async(
                r#"const [frac, done] = arguments;
                   const s = document.querySelector('.scroller');
                   const t = performance.now();
                   s.scrollTop = (s.scrollHeight - s.clientHeight) * frac;
                   const check = () => {
                     const loading = s.querySelectorAll('tbody tr.loading').length;
                     const rows = s.querySelectorAll('tbody tr[data-id]').length;
                     if (loading === 0 && rows > 0) done(performance.now() - t);
                     else requestAnimationFrame(check);
                   };
                   requestAnimationFrame(check);"#,
                vec![frac.into()],
            )
            .await
            .unwrap();
        scrolls.push((frac, v.as_f64().unwrap()));
    }
    // Smooth scrolling: 60 wheel-sized steps, counting frames that showed placeholder rows.
    let smooth =
        w.c.execute_async(
            r#"const done = arguments[0];
               const s = document.querySelector('.scroller');
               let step = 0, blank = 0;
               const tick = () => {
                 if (s.querySelectorAll('tbody tr.loading').length) blank++;
                 if (step++ >= 60) { done(blank); return; }
                 s.scrollTop += 96;
                 requestAnimationFrame(tick);
               };
               requestAnimationFrame(tick);"#,
            vec![],
        )
        .await
        .unwrap();
    screenshot(&w.c, "bench-1m").await;
    w.c.close().await.unwrap();

    println!("\nFenêtre avec {n} comptes ({}):", db.display());
    println!("  ouverture de la session WebDriver : {}", ms(session_ms));
    println!(
        "  premières lignes visibles après le lancement : {} (cible < 1000 ms)",
        ms(first_rows_ms)
    );
    for (q, t) in &per_key {
        println!("  recherche « {q} » : {}", ms(*t));
    }
    println!(
        "  recherche, pire frappe : {} (cible < 100 ms) ; dernier statut : {total}",
        ms(max_key)
    );
    for (f, t) in &scrolls {
        println!(
            "  saut à {:.1} % de la liste : lignes affichées en {}",
            f * 100.0,
            ms(*t)
        );
    }
    println!(
        "  défilement continu (60 pas de 96 px) : {smooth} image(s) avec des lignes en attente"
    );
}
