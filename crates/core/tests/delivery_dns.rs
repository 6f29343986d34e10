#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! "It did not arrive": the From domain's SPF and DMARC records, read through a resolver the
//! test names (a loopback DNS responder), put into the third step's plain words.

use std::net::Ipv4Addr;
use std::time::Duration;

use portolan_core::delivery::spf::SpfResult;
use portolan_core::delivery::{explain, Authorisation, DeliveryOptions};
use portolan_test_support::dns::{RecordType, Zone};

fn zone() -> Zone {
    Zone::default()
        .a("smtp.portolan.test", Ipv4Addr::LOCALHOST)
        // Allowed by ip4, with a reject policy.
        .txt("portolan.test", "v=spf1 ip4:127.0.0.0/8 -all")
        .txt(
            "_dmarc.portolan.test",
            "v=DMARC1; p=reject; rua=mailto:d@portolan.test",
        )
        // Allowed through mx.
        .txt("viamx.test", "v=spf1 mx -all")
        .mx("viamx.test", 10, "mx.viamx.test")
        .a("mx.viamx.test", Ipv4Addr::LOCALHOST)
        // Not listed: the include names another network.
        .txt("other.test", "v=spf1 include:_spf.provider.test ~all")
        .txt("_spf.provider.test", "v=spf1 ip4:192.0.2.0/24 -all")
        .txt("_dmarc.other.test", "v=DMARC1; p=quarantine")
        // No SPF record at all (another TXT only).
        .txt("nospf.test", "google-site-verification=abc")
        // A loop of includes: stopped at ten look-ups.
        .txt("loop.test", "v=spf1 include:loop.test -all")
        // DNS that never answers.
        .silent("slow.test", RecordType::TXT)
}

fn opts(addr: std::net::SocketAddr) -> DeliveryOptions {
    DeliveryOptions {
        resolver: Some(addr),
        dns_timeout: Duration::from_millis(400),
        budget: Duration::from_secs(8),
    }
}

#[tokio::test]
async fn spf_and_dmarc_are_read_and_said_in_plain_words() {
    let dns = zone().serve().await;
    let o = opts(dns.addr);

    let h = explain(
        "alice@portolan.test",
        "bob@example.org",
        "smtp.portolan.test",
        &o,
    )
    .await
    .unwrap();
    assert_eq!(h.steps.len(), 3);
    assert!(h.steps[0].title.contains("spam"));
    assert!(h.steps[1].text.contains("All Mail"));
    let s = &h.sender;
    assert_eq!(s.authorisation, Authorisation::Allowed, "{s:?}");
    assert_eq!(s.addresses, vec!["127.0.0.1"]);
    assert_eq!(s.spf_record.as_deref(), Some("v=spf1 ip4:127.0.0.0/8 -all"));
    assert_eq!(s.dmarc_policy.as_deref(), Some("reject"));
    assert!(h.steps[2]
        .title
        .contains("is allowed to send for portolan.test"));
    assert!(
        h.steps[2].text.contains("refuse mail that fails"),
        "{}",
        h.steps[2].text
    );

    let h = explain("shop@viamx.test", "bob@example.org", "127.0.0.1", &o)
        .await
        .unwrap();
    assert_eq!(
        h.sender.authorisation,
        Authorisation::Allowed,
        "{:?}",
        h.sender
    );

    let h = explain(
        "shop@other.test",
        "bob@example.org",
        "smtp.portolan.test",
        &o,
    )
    .await
    .unwrap();
    assert_eq!(h.sender.authorisation, Authorisation::NotListed);
    assert_eq!(h.sender.spf_results, vec![SpfResult::SoftFail]);
    assert!(h.steps[2].text.contains("does not list smtp.portolan.test"));
    assert!(h.steps[2]
        .text
        .contains("put mail that fails this check in spam"));

    let h = explain("shop@nospf.test", "bob@example.org", "127.0.0.1", &o)
        .await
        .unwrap();
    assert_eq!(h.sender.authorisation, Authorisation::NoRecord);
    assert!(h.steps[2].text.contains("publishes no SPF record"));

    let h = explain("shop@loop.test", "bob@example.org", "127.0.0.1", &o)
        .await
        .unwrap();
    assert_eq!(h.sender.authorisation, Authorisation::Unknown);
    assert_eq!(h.sender.spf_results, vec![SpfResult::PermError]);
    let asked = dns
        .queries
        .lock()
        .unwrap()
        .iter()
        .filter(|q| q.ends_with(" loop.test"))
        .count();
    assert!(asked <= 11, "bounded: {asked} look-ups");
}

#[tokio::test]
async fn a_silent_dns_server_gives_unknown_within_the_budget() {
    let dns = zone().serve().await;
    let start = std::time::Instant::now();
    let h = explain(
        "shop@slow.test",
        "bob@example.org",
        "127.0.0.1",
        &opts(dns.addr),
    )
    .await
    .unwrap();
    assert_eq!(
        h.sender.authorisation,
        Authorisation::Unknown,
        "{:?}",
        h.sender
    );
    assert!(h.steps[2].title.contains("could not tell"));
    assert!(start.elapsed() < Duration::from_secs(9));
}

#[tokio::test]
async fn a_bad_from_address_is_a_sentence() {
    let dns = zone().serve().await;
    let e = explain(
        "not an address",
        "b@example.org",
        "127.0.0.1",
        &opts(dns.addr),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, portolan_core::error::ErrorCode::InvalidAddress);
}
