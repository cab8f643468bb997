//! The shell's lock-down lists agree: every command registered is in the app manifest and
//! granted by the window's capability, and nothing else is.

fn quoted_list(src: &str, start: &str) -> Vec<String> {
    let from = src.find(start).expect("liste trouvée") + start.len();
    let body = &src[from..from + src[from..].find(']').unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn manifest_capability_and_handlers_list_the_same_commands() {
    let build = include_str!("../src-tauri/build.rs");
    let manifest = quoted_list(build, "const COMMANDS: &[&str] = &[");
    let registered: Vec<String> = forfaits_app::COMMANDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(manifest, registered);

    let cap: serde_json::Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    let mut granted: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| p.starts_with("allow-"))
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    granted.sort();
    let mut expected = registered.clone();
    expected.sort();
    assert_eq!(granted, expected);
    let lib = include_str!("../src-tauri/src/lib.rs");
    for c in &registered {
        assert!(
            lib.contains(&format!("::{c},")),
            "{c} registered in generate_handler!"
        );
    }
}
