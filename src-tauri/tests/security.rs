//! The security baseline of DESIGN.md §3: a test fails when the CSP is loosened, a permission
//! appears that is not listed here, a plugin with file/shell/network reach is added, or the
//! commands in `build.rs` and `lib.rs` drift apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

/// Every permission the one window may hold. Adding one is a reviewed change to this list.
const ALLOWED_PERMISSIONS: &[&str] = &[
    "allow-port-guide",
    "allow-phrases",
    "allow-about",
    "allow-discover",
    "allow-check-address",
    "allow-check",
    "allow-send-test",
    "allow-delivery-help",
    "allow-probe",
    "allow-cancel",
    "allow-profiles-list",
    "allow-profile-save",
    "allow-profile-rename",
    "allow-profile-duplicate",
    "allow-profile-delete",
    "allow-import-profile",
    "allow-export-formats",
    "allow-export-preview",
    "allow-export-copy",
    "allow-copy-report",
    "allow-report-details",
    "allow-open-page",
    "allow-copy-text",
    "allow-sending-services",
    "allow-provider-notes",
];

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn config() -> serde_json::Value {
    serde_json::from_str(&read("tauri.conf.json")).unwrap()
}

fn csp_directives() -> Vec<(String, Vec<String>)> {
    let cfg = config();
    let csp = cfg["app"]["security"]["csp"]
        .as_str()
        .expect("a CSP string is set");
    csp.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut parts = d.split_whitespace().map(str::to_owned);
            let name = parts.next().unwrap();
            (name, parts.collect())
        })
        .collect()
}

#[test]
fn csp_defaults_to_self_only() {
    let d = csp_directives();
    let default = d
        .iter()
        .find(|(n, _)| n == "default-src")
        .expect("default-src is set");
    assert_eq!(default.1, vec!["'self'"]);
}

#[test]
fn csp_never_allows_eval_inline_script_or_remote_content() {
    for (name, sources) in csp_directives() {
        for s in &sources {
            assert_ne!(s, "'unsafe-eval'", "{name} allows eval");
            assert_ne!(s, "'wasm-unsafe-eval'", "{name} allows wasm eval");
            assert_ne!(s, "*", "{name} allows everything");
            assert!(
                !s.starts_with("https:") && !s.starts_with("http:") || s == "http://ipc.localhost",
                "{name} allows remote content: {s}"
            );
            if name == "script-src" {
                assert_ne!(s, "'unsafe-inline'", "inline scripts allowed");
            }
        }
    }
    let d = csp_directives();
    let object = d
        .iter()
        .find(|(n, _)| n == "object-src")
        .expect("object-src is set");
    assert_eq!(object.1, vec!["'none'"]);
}

#[test]
fn one_capability_file_for_the_one_window() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        files.len(),
        1,
        "expected exactly one capability file: {files:?}"
    );
    let cap: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(
        cap.get("remote").is_none(),
        "no remote origin may use the app's commands"
    );
    let windows = config()["app"]["windows"].as_array().unwrap().clone();
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0]["label"], "main");
}

#[test]
fn capability_grants_only_listed_permissions() {
    let cap: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| p["identifier"].to_string())
        })
        .collect();
    let allowed: BTreeSet<String> = ALLOWED_PERMISSIONS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let extra: Vec<_> = granted.difference(&allowed).collect();
    assert!(
        extra.is_empty(),
        "permissions not on the reviewed list: {extra:?}"
    );
}

/// Every Tauri plugin the app uses. Adding one is a reviewed change to this list.
const ALLOWED_PLUGINS: &[&str] = &[
    // A second launch focuses the running window (D-Bus on Linux, a named mutex/IPC on the
    // others). No command, so no permission: the window cannot call it.
    "tauri-plugin-single-instance",
];

#[test]
fn only_reviewed_plugins_and_none_reachable_from_the_window() {
    let manifest = read("Cargo.toml");
    let used: BTreeSet<String> = manifest
        .lines()
        .filter_map(|l| l.trim().split(['.', ' ', '=']).next())
        .filter(|name| name.starts_with("tauri-plugin-"))
        .map(str::to_owned)
        .collect();
    let allowed: BTreeSet<String> = ALLOWED_PLUGINS.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(used, allowed, "plugins differ from the reviewed list");
    // No plugin permission at all in the window's capability ("name:allow-…").
    let cap = read("capabilities/main.json");
    assert!(!cap.contains("single-instance:"), "{cap}");
    assert!(!cap.contains("clipboard-manager:"), "{cap}");
}

#[test]
fn no_plugin_with_file_shell_or_network_reach() {
    let manifest = read("Cargo.toml");
    for banned in [
        "tauri-plugin-fs",
        "tauri-plugin-shell",
        "tauri-plugin-http",
        "tauri-plugin-upload",
    ] {
        assert!(
            !manifest.contains(banned),
            "{banned} must not be a dependency"
        );
    }
    assert_eq!(config()["app"]["withGlobalTauri"], false);
}

/// The commands named inside `marker ... ]` in `text`.
fn names_after(text: &str, marker: &str) -> BTreeSet<String> {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not found"))
        + marker.len();
    let end = start + text[start..].find(']').unwrap();
    text[start..end]
        .split(',')
        .map(|s| {
            s.trim()
                .trim_matches('"')
                .rsplit("::")
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .filter(|s| !s.is_empty() && !s.starts_with("//"))
        .collect()
}

#[test]
fn build_rs_lists_exactly_the_registered_commands() {
    let declared = names_after(&read("build.rs"), "const COMMANDS: &[&str] = &[");
    let registered = names_after(&read("src/lib.rs"), "generate_handler![");
    assert_eq!(declared, registered);
    let granted: BTreeSet<String> = declared
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    let allowed: BTreeSet<String> = ALLOWED_PERMISSIONS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(
        granted, allowed,
        "each command has its allow- permission on the list"
    );
}
