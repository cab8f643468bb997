//! The page reaches only the commands the app manifest lists and the capability grants: checked
//! on Tauri's mock runtime with the real configuration (tauri.conf.json, capabilities, CSP).

use crate::support::{mock_desk, request, write_file};
use std::sync::{Arc, Mutex, OnceLock};
use tauri::test::{get_ipc_response, mock_builder};

/// Not in the app manifest: registered only here, to prove the ACL refuses it.
#[tauri::command]
fn commande_cachee() -> String {
    "ne devrait jamais répondre".into()
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
    let (app, webview) = mock_desk(dir.path());
    let r = get_ipc_response(&webview, request("lire_parametres", serde_json::json!({})));
    let v: serde_json::Value = r.expect("allowed").deserialize().unwrap();
    assert_eq!(v["devise"], "TND");
    assert_eq!(
        v["indicatif"], "+216",
        "the page gets the names it sends back"
    );
    // A window the capability does not name gets nothing.
    let other = tauri::WebviewWindowBuilder::new(&app, "autre", Default::default())
        .build()
        .unwrap();
    assert!(get_ipc_response(&other, request("lire_parametres", serde_json::json!({}))).is_err());
}

#[test]
fn every_listed_command_passes_the_capability() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = mock_desk(dir.path());
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

/// The log has exactly one line naming `needle`, and it holds every one of `pieces`.
fn assert_one_log_line(needle: &str, pieces: &[&str]) {
    let lines = log_lines_with(needle);
    assert_eq!(lines.len(), 1, "{lines:?}");
    for piece in pieces {
        assert!(lines[0].contains(piece), "{piece:?} missing: {}", lines[0]);
    }
}

#[test]
fn a_failed_command_writes_one_log_line_with_its_code_and_cause() {
    captured_log();
    let dir = tempfile::tempdir().unwrap();
    let (_app, webview) = mock_desk(dir.path());

    // Refused: the person's request, logged as a warning with its code.
    let r = get_ipc_response(
        &webview,
        request("supprimer_compte", serde_json::json!({ "id": 424242 })),
    );
    let err = r.expect_err("no such account");
    let v: serde_json::Value = serde_json::from_str(&err.to_string())
        .unwrap_or_else(|_| panic!("the page receives {{code, message, champs}}: {err}"));
    assert_eq!(v["code"], "introuvable");
    assert_one_log_line(
        "424242",
        &[
            "WARN",
            "commande=supprimer_compte",
            "code=introuvable",
            "Aucun compte ne correspond à l'identifiant interne 424242.",
        ],
    );

    // Failed: the file is missing; the system's own words stay in the log, not on the page.
    let missing = choose(
        &webview,
        "choisir_fichier",
        &dir.path().join("absent-7731.csv"),
    );
    let r = get_ipc_response(
        &webview,
        request(
            "analyser_tarifs",
            serde_json::json!({ "jeton": missing["jeton"] }),
        ),
    );
    let err = r.expect_err("missing file").to_string();
    assert!(!err.contains("os error"), "{err}");
    assert_one_log_line(
        "absent-7731",
        &[
            "ERROR",
            "commande=analyser_tarifs",
            "code=fichier",
            "os error 2",
        ],
    );
}

/// What the native dialog answers in these tests (the `FORFAITS_DIALOGUE` seam, as the
/// end-to-end tests use it), one test at a time.
static DIALOG: Mutex<()> = Mutex::new(());

/// Asks `command` (`choisir_fichier` or `choisir_destination`) for a file, the dialog answering
/// `path`; returns what the page gets: `{jeton, fichier}`.
pub(crate) fn choose(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    command: &str,
    path: &std::path::Path,
) -> serde_json::Value {
    let _one = DIALOG.lock().unwrap_or_else(|p| p.into_inner());
    let answers =
        std::env::temp_dir().join(format!("forfaits-lockdown-{}.txt", std::process::id()));
    std::fs::write(&answers, path.to_str().unwrap()).unwrap();
    std::env::set_var("FORFAITS_DIALOGUE", &answers);
    let args = serde_json::json!({ "titre": "Choisir", "nom": "f", "typeFichier": "csv" });
    let chosen: serde_json::Value = get_ipc_response(webview, request(command, args))
        .expect("dialog answered")
        .deserialize()
        .unwrap();
    assert_eq!(chosen["fichier"], path.to_str().unwrap());
    chosen
}

#[test]
fn the_page_never_names_a_file_and_a_chosen_one_serves_once() {
    let dir = tempfile::tempdir().unwrap();
    let (app, webview) = mock_desk(dir.path());
    let call = |cmd: &str, args: serde_json::Value| get_ipc_response(&webview, request(cmd, args));
    let tariff_count = || {
        let tariffs = call("lister_tarifs", serde_json::json!({})).unwrap();
        tariffs
            .deserialize::<Vec<serde_json::Value>>()
            .unwrap()
            .len()
    };
    let refused = |cmd: &str, args: serde_json::Value| {
        let e = call(cmd, args).expect_err(cmd);
        assert_eq!(e["code"], "refuse", "{cmd}: {e}");
    };

    // A path where a token belongs is refused by every command that reads or writes a file:
    // nothing is written, nothing is read.
    let written = dir.path().join("ecrit.csv");
    let tariffs = write_file(dir.path(), "tarifs.csv", "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile;0,200;30;6;0\n");
    let (w, r) = (written.to_str().unwrap(), tariffs.to_str().unwrap());
    let periode = serde_json::json!({ "du": "", "au": "" });
    for (cmd, args) in [
        ("sauvegarder", serde_json::json!({ "jeton": w })),
        (
            "exporter_utilisateurs",
            serde_json::json!({ "jeton": w, "format": "complet", "separateur": ";" }),
        ),
        (
            "exporter_historique",
            serde_json::json!({ "id": 1, "periode": periode, "jeton": w }),
        ),
        (
            "enregistrer_rapport_erreurs",
            serde_json::json!({ "jeton": w }),
        ),
        ("restaurer", serde_json::json!({ "jeton": r })),
        (
            "analyser_import",
            serde_json::json!({ "jeton": r, "miseAJour": false }),
        ),
        (
            "importer_utilisateurs",
            serde_json::json!({ "jeton": r, "miseAJour": false }),
        ),
        (
            "analyser_appels",
            serde_json::json!({ "jeton": r, "colonne": "accountcode" }),
        ),
        (
            "charger_appels",
            serde_json::json!({ "jeton": r, "colonne": "accountcode" }),
        ),
        ("analyser_tarifs", serde_json::json!({ "jeton": r })),
        ("importer_tarifs", serde_json::json!({ "jeton": r })),
    ] {
        refused(cmd, args);
    }
    // The old argument is not read at all.
    assert!(call("sauvegarder", serde_json::json!({ "chemin": w })).is_err());
    assert!(!written.exists());
    assert_eq!(tariff_count(), 0);

    // The file chosen in the save dialog is written once; its token is then spent.
    let backup = dir.path().join("sauvegarde.sqlite3");
    let dest = choose(&webview, "choisir_destination", &backup);
    call("sauvegarder", serde_json::json!({ "jeton": dest["jeton"] })).expect("backup written");
    assert!(backup.is_file());
    std::fs::remove_file(&backup).unwrap();
    refused("sauvegarder", serde_json::json!({ "jeton": dest["jeton"] }));
    assert!(!backup.exists());

    // A file picked to be read is never written.
    let read = choose(&webview, "choisir_fichier", &backup);
    refused("sauvegarder", serde_json::json!({ "jeton": read["jeton"] }));
    assert!(!backup.exists());

    // An analysis spends its token and answers with a new one for acting on the same file.
    let picked = choose(&webview, "choisir_fichier", &tariffs);
    let preview: serde_json::Value = call(
        "analyser_tarifs",
        serde_json::json!({ "jeton": picked["jeton"] }),
    )
    .expect("preview")
    .deserialize()
    .unwrap();
    assert_ne!(preview["jeton"], picked["jeton"]);
    assert!(preview["changement"].is_object(), "{preview}");
    refused(
        "importer_tarifs",
        serde_json::json!({ "jeton": picked["jeton"] }),
    );
    call(
        "importer_tarifs",
        serde_json::json!({ "jeton": preview["jeton"] }),
    )
    .expect("import");
    refused(
        "importer_tarifs",
        serde_json::json!({ "jeton": preview["jeton"] }),
    );
    assert_eq!(tariff_count(), 1);

    // A file dropped on the window reaches the page as a token too.
    use tauri::Listener;
    let (tx, rx) = std::sync::mpsc::channel();
    app.listen_any(forfaits_app::commands::files::DROPPED, move |e| {
        let _ = tx.send(e.payload().to_string());
    });
    forfaits_app::commands::files::dropped(
        &webview.as_ref().window(),
        std::slice::from_ref(&tariffs),
    );
    let dropped: serde_json::Value =
        serde_json::from_str(&rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap()).unwrap();
    assert_eq!(dropped["fichier"], r);
    call(
        "analyser_tarifs",
        serde_json::json!({ "jeton": dropped["jeton"] }),
    )
    .expect("the dropped file is read through its token");
}

#[test]
fn the_csp_forbids_inline_and_eval_and_is_what_the_readme_says() {
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
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
    let readme = include_str!("../../README.md");
    assert!(readme.contains(csp), "README quotes the CSP exactly");
    assert_eq!(conf["app"]["withGlobalTauri"], true);
    let cargo = include_str!("../../Cargo.toml");
    for plugin in [
        "tauri-plugin-fs",
        "tauri-plugin-shell",
        "tauri-plugin-opener",
        "tauri-plugin-dialog",
    ] {
        assert!(!cargo.contains(plugin), "{plugin} must not be a dependency");
    }
}
