//! The window as a desktop citizen: one instance at a time, its folders, its logs, its size
//! and place remembered.

use crate::support::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_second_launch_hands_over_to_the_running_window_and_exits() {
    let _guard = E2E_LOCK.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite3");
    let display = Display::start();
    let bus = Bus::start();
    let launch = || {
        Command::new(bin())
            .arg("--db")
            .arg(&db)
            .env("DISPLAY", &display.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = launch();
    // The first window owns the name once it is up.
    let log_dir = dir
        .path()
        .join("data")
        .join("tn.comunik.forfaits")
        .join("logs");
    let t = Instant::now();
    while !std::fs::read_dir(&log_dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
    {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the first window did not start"
        );
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first window exited"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    // The window's class is the menu entry's StartupWMClass, so docks group it under its icon.
    let class = Command::new(find_program("xprop"))
        .args([
            "-display",
            &display.name,
            "-name",
            "Forfaits utilisateurs",
            "WM_CLASS",
        ])
        .output()
        .unwrap();
    let class = String::from_utf8_lossy(&class.stdout);
    assert!(class.contains("\"forfaits\""), "WM_CLASS: {class}");
    let mut second = launch();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = second.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the second launch kept running"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first window is still open"
    );
    std::thread::sleep(Duration::from_millis(300));
    let _ = first.kill();
    let _ = first.wait();
    let log = std::fs::read_dir(&log_dir)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(log.contains("ouvert sur"), "{log}");
    assert!(
        log.contains("seconde ouverture"),
        "the first window was asked to come forward: {log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_about_and_window_size_survive_a_restart() {
    let _guard = E2E_LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite3");
    forfaits(
        &db,
        &["import", fixture("users-sample.csv").to_str().unwrap()],
    );
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    let env = [
        ("XDG_DATA_HOME", data.as_os_str()),
        ("XDG_CONFIG_HOME", config.as_os_str()),
        ("FORFAITS_VISIONNEUSE", std::ffi::OsStr::new("aucune")),
    ];
    let desktop = Desktop::start_with_env(&env);
    let w = Win {
        c: desktop.open(&db).await,
    };
    w.wait_text("#statut-comptes", "25 utilisateurs").await;
    w.click("#btn-apropos").await;
    let about = w.wait_text("#modale", "Version du schéma").await;
    assert!(
        about.contains("d.sqlite3") && about.contains("Forfaits 0."),
        "{about}"
    );
    w.shot("16-a-propos").await;
    w.click_text("#modale button", "Fermer").await;
    w.click(".tab[data-vue=parametres]").await;
    let logs = w.wait_text("#dossier-journaux", "logs").await;
    assert!(logs.contains("tn.comunik.forfaits"), "{logs}");
    assert!(
        std::path::Path::new(&logs).is_dir(),
        "the log folder exists: {logs}"
    );
    w.click_text("#vue-parametres .link-btn", "Ouvrir le dossier")
        .await;
    w.c.set_window_size(1000, 700).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let state = std::fs::read_to_string(
        config
            .join("tn.comunik.forfaits")
            .join(".window-state.json"),
    )
    .expect("window state saved");
    assert!(
        state.contains("\"width\":1000") || state.contains("1000"),
        "{state}"
    );
    w.c.close().await.unwrap();
    drop(desktop);

    let desktop = Desktop::start_with_env(&env);
    let w = Win {
        c: desktop.open(&db).await,
    };
    w.wait_text("#statut-comptes", "25 utilisateurs").await;
    let (_, _, width, _) = w.c.get_window_rect().await.unwrap();
    assert!(
        width.abs_diff(1000) < 20,
        "reopened at its remembered width ({width})"
    );
    w.c.close().await.unwrap();
}
