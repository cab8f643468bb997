// Tauri build script: the app manifest lists every command the page may call, and the
// capability in src-tauri/capabilities grants exactly those (nothing else is reachable from the
// page).

/// Every command registered in `src-tauri/src/lib.rs`. A test checks both lists agree.
const COMMANDS: &[&str] = &["infos_application", "lister_comptes"];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build a échoué");
}
