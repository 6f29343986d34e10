#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portolan delivery` prints the core's "did not arrive" steps, with the From domain's SPF
//! and DMARC records read through the DNS server `--resolver` names (a loopback responder).

use std::net::Ipv4Addr;
use std::process::{Command, Output};

use portolan_core::delivery::{Authorisation, DeliveryHelp};
use portolan_test_support::dns::Zone;

async fn portolan(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn delivery_says_the_steps_and_whether_spf_allows_the_server() {
    let dns = Zone::default()
        .a("smtp.portolan.test", Ipv4Addr::LOCALHOST)
        .txt("portolan.test", "v=spf1 ip4:192.0.2.0/24 -all")
        .txt("_dmarc.portolan.test", "v=DMARC1; p=quarantine")
        .serve()
        .await;
    let args = |json: bool| {
        let mut v: Vec<String> = [
            "delivery",
            "--from",
            "alice@portolan.test",
            "--host",
            "smtp.portolan.test",
            "--resolver",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push(dns.addr.to_string());
        if json {
            v.push("--json".into());
        }
        v
    };
    let out = portolan(args(false)).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1. Look in the spam folder"), "{text}");
    assert!(
        text.contains("2. Gmail hides mail you send to yourself"),
        "{text}"
    );
    assert!(
        text.contains("3. smtp.portolan.test is not listed as a sender for portolan.test"),
        "{text}"
    );
    assert!(text.contains("v=spf1 ip4:192.0.2.0/24 -all"), "{text}");

    let out = portolan(args(true)).await;
    let help: DeliveryHelp = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(help.sender.authorisation, Authorisation::NotListed);
    assert_eq!(help.sender.dmarc_policy.as_deref(), Some("quarantine"));
    assert_eq!(help.steps.len(), 3);
}
