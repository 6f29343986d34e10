#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portolan discover` prints the core's discovery, in text and JSON, with the same sources and
//! the same "what left the computer" list.

use std::net::Ipv4Addr;
use std::process::{Command, Output};

use portolan_core::discover::{Discovery, SourceKind};
use portolan_core::ports::Security;
use portolan_test_support::dns::Zone;
use portolan_test_support::test_servers;

fn portolan(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(args)
        .output()
        .unwrap()
}

async fn portolan_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || portolan(&args))
        .await
        .unwrap()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn catalogue_hit_in_json_sends_nothing() {
    let out = portolan(&s(&["discover", "me@gmail.com", "--json"]));
    assert!(out.status.success());
    let d: Discovery = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d.candidates[0].host, "smtp.gmail.com");
    assert_eq!(d.candidates[0].port, 465);
    assert!(d.left_computer.is_empty());
}

#[test]
fn text_output_says_where_settings_came_from_and_what_was_sent() {
    let out = portolan(&s(&["discover", "me@outlook.com", "--offline"]));
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("smtp-mail.outlook.com port 587"), "{text}");
    assert!(text.contains("from the built-in provider list"), "{text}");
    assert!(text.contains("OAuth"), "{text}");
    assert!(
        text.contains("What left this computer:\n  Nothing."),
        "{text}"
    );
}

#[test]
fn invalid_address_exits_2_before_any_traffic() {
    let out = portolan(&s(&["discover", "not an address"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("space"));
}

#[test]
fn the_one_address_check_refuses_stray_dots_and_angle_brackets() {
    for (typed, said) in [
        ("a..b@example.com", "two dots in a row"),
        ("a<b@example.com", "\"<\""),
    ] {
        let out = portolan(&s(&["discover", typed, "--offline"]));
        assert_eq!(out.status.code(), Some(2), "{typed}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(said),
            "{typed}"
        );
    }
}

#[test]
fn nothing_found_offline_exits_21() {
    let out = portolan(&s(&["discover", "me@unknown.test", "--offline"]));
    assert_eq!(out.status.code(), Some(21));
}

#[tokio::test(flavor = "multi_thread")]
async fn resolver_flag_points_dns_at_a_company_or_test_server() {
    let dns = Zone::default()
        .mx("corp.test", 0, "corp-test.mail.protection.outlook.com")
        .serve()
        .await;
    let out = portolan_async(s(&[
        "discover",
        "ann@corp.test",
        "--json",
        "--no-ispdb",
        "--no-guess",
        "--budget",
        "4",
        "--resolver",
        &dns.addr.to_string(),
        "--autoconfig-https-port",
        "9",
        "--autoconfig-http-port",
        "9",
    ]))
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Discovery = serde_json::from_slice(&out.stdout).unwrap();
    let best = &d.candidates[0];
    assert_eq!(best.host, "smtp.office365.com");
    assert_eq!(best.source, SourceKind::Mx);
    assert!(best
        .notes
        .iter()
        .any(|n| n.text.contains("administrator must enable")));
    assert!(dns
        .queries
        .lock()
        .unwrap()
        .iter()
        .any(|q| q == "MX corp.test"));
}

#[tokio::test(flavor = "multi_thread")]
async fn guessed_server_is_confirmed_against_the_real_postfix() {
    let Some(env) = test_servers() else { return };
    let domain = env["PORTOLAN_TEST_DOMAIN"].clone();
    let dns = Zone::default()
        .a(&format!("smtp.{domain}"), Ipv4Addr::LOCALHOST)
        .serve()
        .await;
    let tls = format!("{}:tls", env["PORTOLAN_TEST_SUBMISSIONS_PORT"]);
    let starttls = format!("{}:starttls", env["PORTOLAN_TEST_SUBMISSION_PORT"]);
    let out = portolan_async(s(&[
        "discover",
        &env["PORTOLAN_TEST_ADDRESS"],
        "--json",
        "--no-ispdb",
        "--resolver",
        &dns.addr.to_string(),
        "--ca-file",
        &env["PORTOLAN_TEST_CA_FILE"],
        "--autoconfig-https-port",
        &env["PORTOLAN_TEST_CLOSED_PORT"],
        "--autoconfig-http-port",
        &env["PORTOLAN_TEST_CLOSED_PORT"],
        "--guess-port",
        &tls,
        "--guess-port",
        &starttls,
    ]))
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Discovery = serde_json::from_slice(&out.stdout).unwrap();
    let best = &d.candidates[0];
    assert_eq!(best.host, format!("smtp.{domain}"));
    assert_eq!(best.security, Security::Tls);
    assert_eq!(best.source, SourceKind::Guess);
    assert!(best.confirmed);
    assert_eq!(d.candidates.len(), 2);
}
