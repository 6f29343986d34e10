#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portolan ports` prints the guide from the core, in text and JSON.

use std::process::Command;

fn portolan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

#[test]
fn ports_prints_the_core_guide_in_plain_words() {
    let out = portolan().arg("ports").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let guide = portolan_core::ports::guide();
    assert!(text.starts_with(&guide.heading));
    for p in &guide.ports {
        assert!(
            text.contains(&format!("Port {} — {}", p.port, p.title)),
            "{text}"
        );
        assert!(text.contains(&p.security_label));
    }
}

#[test]
fn ports_json_is_the_same_data_the_app_gets() {
    let out = portolan().args(["ports", "--json"]).output().unwrap();
    assert!(out.status.success());
    let parsed: portolan_core::ports::PortGuide = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed, portolan_core::ports::guide());
}
