//! One list of window commands (`src-tauri/commands.list`): the page calls only commands of the
//! list, and calls every one of them unless the list says why not. The handlers, the app
//! manifest and the capability are built from the list; tests/app/lockdown.rs checks each command
//! of the list passes the capability.

/// Commands named in `call("…"` of `ui/js/api.js`.
fn called_by_the_page() -> Vec<String> {
    let api = include_str!("../../ui/js/api.js");
    api.split("call(\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("nom fermé")].to_string())
        .collect()
}

#[test]
fn the_page_calls_the_listed_commands_and_every_one_is_called_or_said_unused() {
    let listed = forfaits_app::COMMANDS;
    let called = called_by_the_page();
    assert!(called.len() >= 30, "{called:?}");
    for c in &called {
        assert!(
            listed.contains(&c.as_str()),
            "ui/js/api.js calls {c}, which src-tauri/commands.list does not list"
        );
    }
    for (c, why) in forfaits_app::UNUSED_BY_PAGE {
        assert!(listed.contains(c));
        assert!(!why.trim().is_empty(), "{c}: a reason");
        assert!(
            !called.iter().any(|x| x == c),
            "{c} is marked unused but ui/js/api.js calls it"
        );
    }
    for c in listed {
        assert!(
            called.iter().any(|x| x == c)
                || forfaits_app::UNUSED_BY_PAGE.iter().any(|(u, _)| u == c),
            "{c} is neither called from ui/js/api.js nor marked #[unused = \"…\"] in commands.list"
        );
    }
    let mut unique = listed.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "a command listed twice");
}

#[test]
fn only_api_js_talks_to_rust() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/js")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == "api.js" {
            continue;
        }
        let js = std::fs::read_to_string(&path).unwrap();
        for needle in ["invoke(", "__TAURI__"] {
            assert!(!js.contains(needle), "{} uses {needle}", path.display());
        }
    }
}

#[test]
fn the_capability_grants_the_list_and_nothing_else() {
    let cap: serde_json::Value =
        serde_json::from_str(include_str!("../../src-tauri/capabilities/main.json")).unwrap();
    assert_eq!(
        cap["permissions"],
        serde_json::json!(["core:default", "default"]),
        "the commands come from the app's `default` permission, written from the list"
    );
    let default = include_str!(concat!(env!("OUT_DIR"), "/permissions/default.toml"));
    let mut allowed: Vec<String> = default
        .split('"')
        .filter_map(|s| s.strip_prefix("allow-"))
        .map(|s| s.replace('-', "_"))
        .collect();
    allowed.sort();
    let mut listed: Vec<String> = forfaits_app::COMMANDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    listed.sort();
    assert_eq!(allowed, listed);
}

/// The page branches on error codes, never on message text: every code it names is one the
/// core sends (or the page's own `inattendu`, for a call Tauri itself refused).
#[test]
fn the_page_names_only_error_codes_the_core_sends() {
    use forfaits_core::error::Code;
    let sent: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert!(!sent.contains(&"inattendu"));
    let mut named = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/js")).unwrap() {
        let path = entry.unwrap().path();
        let js = std::fs::read_to_string(&path).unwrap();
        for needle in [
            "err.code === \"",
            "err.code !== \"",
            "INATTENDU = \"",
            "FIELDS_CODE = \"",
        ] {
            for rest in js.split(needle).skip(1) {
                let code = &rest[..rest.find('"').unwrap()];
                assert!(
                    sent.contains(&code) || code == "inattendu",
                    "{} names the code {code}, which the core never sends",
                    path.display()
                );
                named += 1;
            }
        }
        for guess in [
            ".message.includes(",
            ".message.startsWith(",
            ".message.match(",
        ] {
            assert!(
                !js.contains(guess),
                "{} guesses from a message",
                path.display()
            );
        }
    }
    assert!(named >= 2, "the page branches on codes");
}
