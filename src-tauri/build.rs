// Tauri build script: the app manifest lists every command the page may call, and the app's
// `default` permission, written here from the same list, allows exactly those; the capability in
// src-tauri/capabilities grants `default` (nothing else is reachable from the page).

/// Reads `src-tauri/commands.list` (the same list `src/lib.rs` registers) into `COMMANDS`.
macro_rules! commands {
    ($($(#[unused = $why:literal])? $module:ident::$name:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("commands.list");

/// The app's `default` permission: every command of the list, and nothing else.
fn default_permission() -> String {
    let allowed: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("\"allow-{}\"", c.replace('_', "-")))
        .collect();
    format!(
        "# Written by src-tauri/build.rs from src-tauri/commands.list.\n\
         [default]\n\
         description = \"Les commandes de la fenêtre Forfaits, et rien d'autre.\"\n\
         permissions = [{}]\n",
        allowed.join(", ")
    )
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands.list");
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    // Written under OUT_DIR, not in the tree: the list stays the only copy.
    let dir = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("permissions");
    std::fs::create_dir_all(&dir).expect("dossier des permissions");
    std::fs::write(dir.join("default.toml"), default_permission()).expect("permission default");
    let pattern: &'static str = Box::leak(format!("{}/*.toml", dir.display()).into_boxed_str());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/*.json")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(COMMANDS)
                    .permissions_path_pattern(pattern),
            ),
    )
    .expect("tauri-build a échoué");
}
