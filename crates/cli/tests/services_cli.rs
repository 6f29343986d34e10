#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portolan services` lists the sending services and shows one, in the core's words.

use std::process::Command;

use portolan_core::discover::catalogue::{sending_service, sending_service_views, SendingService};

fn portolan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

#[test]
fn services_lists_every_sending_service_by_id() {
    let out = portolan().arg("services").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in sending_service_views() {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&s.id) && l.ends_with(&s.name)),
            "{}: {text}",
            s.id
        );
    }
}

#[test]
fn one_service_shows_its_server_user_name_and_key_page() {
    let out = portolan().args(["services", "sendgrid"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("smtp.sendgrid.net port 587"), "{text}");
    assert!(text.contains("User name: apikey"), "{text}");
    assert!(
        text.contains("https://app.sendgrid.com/settings/api_keys"),
        "{text}"
    );

    let out = portolan()
        .args(["services", "amazon-ses-eu-west-1", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let parsed: SendingService = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(Some(parsed), sending_service("amazon-ses-eu-west-1"));
}

#[test]
fn an_unknown_service_is_a_clear_error() {
    let out = portolan()
        .args(["services", "no-such-service"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no service called \"no-such-service\""),
        "{err}"
    );
}
