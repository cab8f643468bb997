//! The window's commands on Tauri's mock runtime, with the real configuration (tauri.conf.json,
//! capabilities): what the page may call, without a display.

use forfaits_app::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

/// The application with the window's commands over `state`, and its main webview (the one the
/// capability names). The app must outlive the webview.
pub fn mock_window(state: AppState) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = forfaits_app::with_commands(mock_builder())
        .manage(state)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

/// `mock_window` on a new SQLite file in `dir`.
pub fn mock_desk(dir: &std::path::Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    mock_window(AppState::open(Some(dir.join("desk.sqlite3"))).unwrap())
}

/// What the page sends for `cmd` with `body`.
pub fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
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
