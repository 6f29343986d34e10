//! The app's discovery honours its extra certificate authority (`PORTOLAN_CA_FILE`) in the
//! probes that confirm guessed servers, not only in its web requests. The options come from
//! the app's own `discover_options()`, as the `discover` command builds them; the test only
//! points the network parts at loopback: a DNS responder that maps `smtp.<test domain>` to
//! 127.0.0.1, and the guessed ports set to the real Postfix's submission ports, whose
//! certificate is signed by the fixture's test CA. A guess is confirmed only by a trusted
//! certificate, so it is confirmed exactly when the CA reaches the probe.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::Ipv4Addr;
use std::time::Duration;

use portolan_app_lib::discover_options;
use portolan_core::discover::{discover, Discovery, SourceKind, SourceStatus};
use portolan_core::ports::Security;
use portolan_test_support::dns::Zone;
use portolan_test_support::{test_servers, TestServers};

/// The app's discovery for the fixture's address, with the network pointed at loopback.
async fn app_discovery(env: &TestServers, resolver: std::net::SocketAddr) -> Discovery {
    let mut o = discover_options().unwrap();
    o.budget = Duration::from_secs(8);
    o.resolver = Some(resolver);
    o.dns_timeout = Duration::from_secs(1);
    o.ispdb_url = None;
    o.http_fallback = false;
    // Nothing listens there: the autoconfig locations fail at once, leaving the guesses.
    o.autoconfig_https_port = env.port("PORTOLAN_TEST_CLOSED_PORT");
    o.guess_ports = vec![
        (env.port("PORTOLAN_TEST_SUBMISSIONS_PORT"), Security::Tls),
        (
            env.port("PORTOLAN_TEST_SUBMISSION_PORT"),
            Security::Starttls,
        ),
    ];
    discover(env.get("PORTOLAN_TEST_ADDRESS"), &o, &())
        .await
        .unwrap()
}

#[tokio::test]
async fn guess_probes_trust_the_apps_extra_ca() {
    let Some(env) = test_servers() else { return };
    let host = format!("smtp.{}", env.get("PORTOLAN_TEST_DOMAIN"));
    let dns = Zone::default().a(&host, Ipv4Addr::LOCALHOST).serve().await;
    let guess = |d: &Discovery| {
        d.sources
            .iter()
            .find(|r| r.source == SourceKind::Guess)
            .cloned()
    };

    // The only test in this file, so nothing else reads the variable meanwhile.
    std::env::remove_var("PORTOLAN_CA_FILE");
    let without = app_discovery(&env, dns.addr).await;
    assert!(
        without.candidates.is_empty(),
        "without the CA, a server with an unknown issuer must not confirm a guess: {:#?}",
        without.candidates
    );
    let report = guess(&without).unwrap();
    assert_eq!(report.status, SourceStatus::NothingFound, "{report:#?}");
    assert!(
        report.detail.to_lowercase().contains("certificate"),
        "the guess report says why: {}",
        report.detail
    );

    std::env::set_var("PORTOLAN_CA_FILE", env.get("PORTOLAN_TEST_CA_FILE"));
    let with = app_discovery(&env, dns.addr).await;
    std::env::remove_var("PORTOLAN_CA_FILE");
    let got: Vec<_> = with
        .candidates
        .iter()
        .map(|c| (c.host.as_str(), c.port, c.security, c.source, c.confirmed))
        .collect();
    assert_eq!(
        got,
        [
            (
                host.as_str(),
                env.port("PORTOLAN_TEST_SUBMISSIONS_PORT"),
                Security::Tls,
                SourceKind::Guess,
                true
            ),
            (
                host.as_str(),
                env.port("PORTOLAN_TEST_SUBMISSION_PORT"),
                Security::Starttls,
                SourceKind::Guess,
                true
            ),
        ],
        "{:#?}",
        with.sources
    );
    assert_eq!(guess(&with).unwrap().status, SourceStatus::Found);
}
