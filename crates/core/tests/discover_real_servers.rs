#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The guess-and-probe path against the real local Postfix: the loopback DNS responder maps
//! `smtp.<test domain>` to 127.0.0.1, and the guessed ports are the fixture's submission
//! ports, confirmed by the engine's probe (EHLO and QUIT only).

use std::net::Ipv4Addr;
use std::time::Duration;

use portolan_core::discover::{discover, DiscoverOptions, EgressKind, SourceKind};
use portolan_core::ports::Security;
use portolan_core::tls::Trust;
use portolan_test_support::dns::Zone;
use portolan_test_support::test_servers;

#[tokio::test]
async fn domain_found_only_by_guessing_is_confirmed_by_the_real_server() {
    let Some(env) = test_servers() else { return };
    let domain = &env["PORTOLAN_TEST_DOMAIN"];
    let tls_port: u16 = env["PORTOLAN_TEST_SUBMISSIONS_PORT"].parse().unwrap();
    let starttls_port: u16 = env["PORTOLAN_TEST_SUBMISSION_PORT"].parse().unwrap();
    let closed: u16 = env["PORTOLAN_TEST_CLOSED_PORT"].parse().unwrap();
    let dns = Zone::default()
        .a(&format!("smtp.{domain}"), Ipv4Addr::LOCALHOST)
        .serve()
        .await;
    let trust =
        Trust::with_extra_ca_file(std::path::Path::new(&env["PORTOLAN_TEST_CA_FILE"])).unwrap();
    let opts = DiscoverOptions {
        budget: Duration::from_secs(8),
        resolver: Some(dns.addr),
        dns_timeout: Duration::from_secs(1),
        ispdb_url: None,
        http_fallback: false,
        autoconfig_https_port: closed,
        guess_ports: vec![
            (tls_port, Security::Tls),
            (starttls_port, Security::Starttls),
            (closed, Security::Starttls),
        ],
        trust: Some(trust),
        ..DiscoverOptions::default()
    };
    let d = discover(&env["PORTOLAN_TEST_ADDRESS"], &opts, &())
        .await
        .unwrap();
    let got: Vec<_> = d
        .candidates
        .iter()
        .map(|c| (c.host.clone(), c.port, c.security, c.source, c.confirmed))
        .collect();
    let host = format!("smtp.{domain}");
    assert_eq!(
        got,
        [
            (
                host.clone(),
                tls_port,
                Security::Tls,
                SourceKind::Guess,
                true
            ),
            (
                host.clone(),
                starttls_port,
                Security::Starttls,
                SourceKind::Guess,
                true
            ),
        ],
        "{:#?}",
        d.sources
    );
    assert!(d
        .left_computer
        .iter()
        .any(|e| e.kind == EgressKind::Smtp && e.target == format!("{host} port {tls_port}")));
    eprintln!(
        "guess-only domain: first proposal after {:?} ms, whole discovery {} ms",
        d.first_candidate_ms, d.elapsed_ms
    );
}
