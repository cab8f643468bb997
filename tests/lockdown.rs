//! The page reaches only the commands the app manifest lists and the capability grants: checked
//! on Tauri's mock runtime with the real configuration (tauri.conf.json, capabilities, CSP).

use std::sync::{Arc, Mutex, OnceLock};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

/// Not in the app manifest: registered only here, to prove the ACL refuses it.
#[tauri::command]
fn commande_cachee() -> String {
    "ne devrait jamais répondre".into()
}

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: if cfg!(windows) {
            "http://tauri.localhost"
        } else {
            "tauri://localhost"
        }
        .parse()
        .unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

#[test]
fn the_page_reaches_its_commands_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let state = forfaits_app::AppState::open(Some(dir.path().join("l.sqlite3"))).unwrap();
    let app = forfaits_app::with_commands(mock_builder())
        .invoke_handler(tauri::generate_handler![commande_cachee])
        .manage(state)
        .build(tauri::generate_context!())
        .expect("application de test");
    // `invoke_handler` replaced the app's handlers above; rebuild with the real ones to check
    // an allowed command, and keep this app for the refusals.
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let hidden = get_ipc_response(&webview, request("commande_cachee", serde_json::json!({})));
    let err = hidden.expect_err("a command outside the manifest is refused");
    assert!(
        err.to_string().contains("not allowed") || err.to_string().contains("not found"),
        "{err}"
    );

    for cmd in [
        "plugin:fs|read_file",
        "plugin:shell|execute",
        "plugin:opener|open_path",
        "plugin:dialog|open",
    ] {
        let r = get_ipc_response(&webview, request(cmd, serde_json::json!({})));
        assert!(r.is_err(), "{cmd} must not be reachable");
    }
}

#[test]
fn allowed_commands_answer_through_the_acl() {
    let dir = tempfile::tempdir().unwrap();
    let state = forfaits_app::AppState::open(Some(dir.path().join("a.sqlite3"))).unwrap();
    let app = forfaits_app::with_commands(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let r = get_ipc_response(&webview, request("lire_parametres", serde_json::json!({})));
    let v: serde_json::Value = r.expect("allowed").deserialize().unwrap();
    assert_eq!(v["currency"]["code"], "TND");
    // A window the capability does not name gets nothing.
    let other = tauri::WebviewWindowBuilder::new(&app, "autre", Default::default())
        .build()
        .unwrap();
    assert!(get_ipc_response(&other, request("lire_parametres", serde_json::json!({}))).is_err());
}

#[test]
fn every_listed_command_passes_the_capability() {
    let dir = tempfile::tempdir().unwrap();
    let state = forfaits_app::AppState::open(Some(dir.path().join("c.sqlite3"))).unwrap();
    let app = forfaits_app::with_commands(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    for cmd in forfaits_app::COMMANDS {
        // Without its arguments most commands fail, but on their arguments, not on the ACL.
        if let Err(e) = get_ipc_response(&webview, request(cmd, serde_json::json!({}))) {
            let e = e.to_string();
            assert!(
                !e.contains("not allowed") && !e.contains("not found"),
                "{cmd}: {e}"
            );
        }
    }
}

/// Everything the window logs during these tests, in the format of its log files.
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        struct Line(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Line {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = log.clone();
        assert!(forfaits_app::log_to(move || Line(sink.clone())));
        log
    })
    .clone()
}

fn log_lines_with(needle: &str) -> Vec<String> {
    let log = captured_log();
    let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    text.lines()
        .filter(|l| l.contains(needle))
        .map(String::from)
        .collect()
}

#[test]
fn a_failed_command_writes_one_log_line_with_its_code_and_cause() {
    captured_log();
    let dir = tempfile::tempdir().unwrap();
    let state = forfaits_app::AppState::open(Some(dir.path().join("j.sqlite3"))).unwrap();
    let app = forfaits_app::with_commands(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();

    // Refused: the person's request, logged as a warning with its code.
    let r = get_ipc_response(
        &webview,
        request("supprimer_compte", serde_json::json!({ "id": 424242 })),
    );
    let err = r.expect_err("no such account");
    let v: serde_json::Value = serde_json::from_str(&err.to_string())
        .unwrap_or_else(|_| panic!("the page receives {{code, message, champs}}: {err}"));
    assert_eq!(v["code"], "introuvable");
    let lines = log_lines_with("424242");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("WARN")
            && lines[0].contains("commande=supprimer_compte")
            && lines[0].contains("code=introuvable")
            && lines[0].contains("Aucun compte ne correspond à l'identifiant interne 424242."),
        "{}",
        lines[0]
    );

    // Failed: the file is missing; the system's own words stay in the log, not on the page.
    let missing = dir.path().join("absent-7731.csv");
    let r = get_ipc_response(
        &webview,
        request("analyser_tarifs", serde_json::json!({ "chemin": missing })),
    );
    let err = r.expect_err("missing file").to_string();
    assert!(!err.contains("os error"), "{err}");
    let lines = log_lines_with("absent-7731");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("ERROR")
            && lines[0].contains("commande=analyser_tarifs")
            && lines[0].contains("code=fichier")
            && lines[0].contains("os error 2"),
        "{}",
        lines[0]
    );
}

#[test]
fn the_csp_forbids_inline_and_eval_and_is_what_the_readme_says() {
    let conf: serde_json::Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("script-src 'self'")
            && csp.contains("object-src 'none'")
    );
    let readme = include_str!("../README.md");
    assert!(readme.contains(csp), "README quotes the CSP exactly");
    assert_eq!(conf["app"]["withGlobalTauri"], true);
    let cargo = include_str!("../Cargo.toml");
    for plugin in [
        "tauri-plugin-fs",
        "tauri-plugin-shell",
        "tauri-plugin-opener",
        "tauri-plugin-dialog",
    ] {
        assert!(!cargo.contains(plugin), "{plugin} must not be a dependency");
    }
}
