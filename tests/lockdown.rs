//! The page reaches only the commands the app manifest lists and the capability grants: checked
//! on Tauri's mock runtime with the real configuration (tauri.conf.json, capabilities, CSP).

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
