#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Discovery end to end against loopback stand-ins: a DNS responder (MX, SRV, A) and HTTP(S)
//! servers serving autoconfig files (valid, malformed, oversized, slow).

mod discover_support;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use discover_support::{client_config, pki, web, Page, Routes};
use portolan_core::discover::{
    discover, Confidence, DiscoverEvent, DiscoverOptions, EgressKind, HostProber, ProbeFuture,
    ProbeOutcome, SourceKind, SourceStatus,
};
use portolan_core::ports::Security;
use portolan_core::tls::Trust;
use portolan_test_support::dns::{RecordType, Zone};

const LOCAL: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn opts(resolver: std::net::SocketAddr) -> DiscoverOptions {
    DiscoverOptions {
        budget: Duration::from_secs(4),
        resolver: Some(resolver),
        dns_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(2),
        ispdb_url: None,
        guess: false,
        // Nothing listens on port 9 of loopback; any unexpected request fails fast.
        autoconfig_https_port: 9,
        autoconfig_http_port: 9,
        ..DiscoverOptions::default()
    }
}

fn status(d: &portolan_core::discover::Discovery, s: SourceKind) -> SourceStatus {
    d.sources.iter().find(|r| r.source == s).unwrap().status
}

#[tokio::test]
async fn catalogue_hit_answers_without_any_network_traffic() {
    let dns = Zone::default().serve().await;
    let events = Mutex::new(Vec::new());
    let observer = |e: DiscoverEvent| events.lock().unwrap().push(e);
    let d = discover("someone@gmail.com", &opts(dns.addr), &observer)
        .await
        .unwrap();
    let best = &d.candidates[0];
    assert_eq!(
        (best.host.as_str(), best.port, best.security),
        ("smtp.gmail.com", 465, Security::Tls)
    );
    assert_eq!(best.source, SourceKind::Catalogue);
    assert_eq!(best.origin, "from the built-in provider list");
    assert_eq!(best.username.as_deref(), Some("someone@gmail.com"));
    assert!(best.notes.iter().any(|n| n.text.contains("app password")));
    assert!(d.left_computer.is_empty(), "{:?}", d.left_computer);
    assert!(dns.queries.lock().unwrap().is_empty());
    assert!(!d.address_shared);
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, DiscoverEvent::Found { .. })));
}

#[tokio::test]
async fn invalid_address_is_refused_before_any_network_traffic() {
    let dns = Zone::default().serve().await;
    for bad in ["no-at-sign", "a@b.test\r\nx", "a b@c.test", "@x.test"] {
        let err = discover(bad, &opts(dns.addr), &()).await.unwrap_err();
        assert_eq!(err.code, portolan_core::error::ErrorCode::InvalidAddress);
    }
    assert!(dns.queries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn offline_mode_uses_only_the_catalogue() {
    let dns = Zone::default().serve().await;
    let o = DiscoverOptions {
        offline: true,
        ..opts(dns.addr)
    };
    let d = discover("me@unknown-domain.test", &o, &()).await.unwrap();
    assert!(d.candidates.is_empty());
    assert!(d.left_computer.is_empty());
    assert!(dns.queries.lock().unwrap().is_empty());
    assert_eq!(status(&d, SourceKind::Mx), SourceStatus::Skipped);
    let d = discover("me@outlook.com", &o, &()).await.unwrap();
    assert_eq!(d.candidates[0].host, "smtp-mail.outlook.com");
}

#[tokio::test]
async fn mx_at_google_proposes_workspace_settings_for_a_custom_domain() {
    let dns = Zone::default()
        .mx("acme.test", 10, "alt1.aspmx.l.google.com")
        .mx("acme.test", 1, "aspmx.l.google.com")
        .serve()
        .await;
    let d = discover("ceo@acme.test", &opts(dns.addr), &())
        .await
        .unwrap();
    let best = &d.candidates[0];
    assert_eq!(best.host, "smtp.gmail.com");
    assert_eq!(best.source, SourceKind::Mx);
    assert_eq!(best.provider_id.as_deref(), Some("google-workspace"));
    assert!(
        best.origin.contains("aspmx.l.google.com"),
        "{}",
        best.origin
    );
    assert!(d
        .left_computer
        .iter()
        .any(|e| e.kind == EgressKind::Dns && e.target == "MX acme.test"));
}

#[tokio::test]
async fn srv_records_are_proposed_implicit_tls_first() {
    let dns = Zone::default()
        .srv("_submission._tcp.srv.test", 0, 1, 587, "mail.srv.test")
        .srv("_submissions._tcp.srv.test", 0, 1, 465, "mail.srv.test")
        .serve()
        .await;
    let d = discover("me@srv.test", &opts(dns.addr), &()).await.unwrap();
    let got: Vec<_> = d
        .candidates
        .iter()
        .map(|c| (c.host.as_str(), c.port, c.security, c.source))
        .collect();
    assert_eq!(
        got,
        [
            ("mail.srv.test", 465, Security::Tls, SourceKind::Srv),
            ("mail.srv.test", 587, Security::Starttls, SourceKind::Srv),
        ]
    );
    assert_eq!(
        d.candidates[0].origin,
        "published by your domain in its DNS records"
    );
}

#[tokio::test]
async fn srv_dot_target_means_not_offered() {
    let dns = Zone::default()
        .srv("_submissions._tcp.none.test", 0, 0, 0, ".")
        .serve()
        .await;
    let d = discover("me@none.test", &opts(dns.addr), &())
        .await
        .unwrap();
    assert!(d.candidates.is_empty());
    let srv = d
        .sources
        .iter()
        .find(|r| r.source == SourceKind::Srv)
        .unwrap();
    assert!(srv.detail.contains("not offered"), "{}", srv.detail);
}

#[tokio::test]
async fn https_autoconfig_is_proposed_and_the_address_is_not_sent_by_default() {
    let p = pki(&["autoconfig.ac.test", "ac.test"]);
    let mut routes = Routes::new();
    routes.insert(
        ("autoconfig.ac.test".into(), "/mail/config-v1.1.xml".into()),
        Page::Ok(client_config(
            "smtp.%EMAILDOMAIN%",
            465,
            "SSL",
            "%EMAILADDRESS%",
        )),
    );
    let https = web(routes, Some(p.server.clone())).await;
    let dns = Zone::default()
        .a("autoconfig.ac.test", LOCAL)
        .a("ac.test", LOCAL)
        .serve()
        .await;
    let mut o = opts(dns.addr);
    o.autoconfig_https_port = https.port;
    o.trust = Some(Trust::with_extra_ca_pem(p.ca_pem.as_bytes()).unwrap());
    let d = discover("bob@ac.test", &o, &()).await.unwrap();
    let best = &d.candidates[0];
    assert_eq!(
        (best.host.as_str(), best.port, best.source, best.confidence),
        (
            "smtp.ac.test",
            465,
            SourceKind::Autoconfig,
            Confidence::High
        )
    );
    assert_eq!(best.origin, "published by your domain");
    assert_eq!(best.username.as_deref(), Some("bob@ac.test"));
    assert_eq!(
        status(&d, SourceKind::WellKnown),
        SourceStatus::NothingFound
    );
    assert_eq!(
        status(&d, SourceKind::AutoconfigHttp),
        SourceStatus::Skipped
    );
    let reqs = https.requests.lock().unwrap().clone();
    assert!(reqs.iter().all(|r| !r.contains("bob")), "{reqs:?}");
    assert!(!d.address_shared);
    assert!(d.left_computer.iter().any(|e| e.kind == EgressKind::Https
        && e.target
            == format!(
                "https://autoconfig.ac.test:{}/mail/config-v1.1.xml",
                https.port
            )));

    // With the user's permission the address goes to the domain's own autoconfig server.
    o.share_address = true;
    let d = discover("bob@ac.test", &o, &()).await.unwrap();
    assert!(d.address_shared);
    let reqs = https.requests.lock().unwrap().clone();
    assert!(
        reqs.iter()
            .any(|r| r.contains("emailaddress=bob%40ac.test")),
        "{reqs:?}"
    );
}

#[tokio::test]
async fn untrusted_certificate_fails_the_https_source_and_says_so() {
    let p = pki(&["autoconfig.bad.test", "bad.test"]);
    let mut routes = Routes::new();
    routes.insert(
        ("autoconfig.bad.test".into(), "/mail/config-v1.1.xml".into()),
        Page::Ok(client_config("smtp.bad.test", 465, "SSL", "%EMAILADDRESS%")),
    );
    let https = web(routes, Some(p.server.clone())).await;
    let dns = Zone::default()
        .a("autoconfig.bad.test", LOCAL)
        .a("bad.test", LOCAL)
        .serve()
        .await;
    let mut o = opts(dns.addr);
    o.autoconfig_https_port = https.port;
    o.http_fallback = false;
    // No extra CA: the test CA is not trusted.
    let d = discover("bob@bad.test", &o, &()).await.unwrap();
    assert!(d.candidates.is_empty());
    assert_eq!(status(&d, SourceKind::Autoconfig), SourceStatus::Failed);
}

#[tokio::test]
async fn broken_and_slow_sources_never_stall_the_others() {
    let p = pki(&["autoconfig.slow.test", "slow.test", "127.0.0.1"]);
    let mut routes = Routes::new();
    routes.insert(
        (
            "autoconfig.slow.test".into(),
            "/mail/config-v1.1.xml".into(),
        ),
        Page::Ok("<clientConfig><emailProvider><oops></clientConfig>".into()),
    );
    routes.insert(
        (
            "slow.test".into(),
            "/.well-known/autoconfig/mail/config-v1.1.xml".into(),
        ),
        Page::Endless,
    );
    routes.insert(
        ("127.0.0.1".into(), "/v1.1/slow.test".into()),
        Page::Stall(Duration::from_secs(30)),
    );
    let https = web(routes, Some(p.server.clone())).await;
    let dns = Zone::default()
        .a("autoconfig.slow.test", LOCAL)
        .a("slow.test", LOCAL)
        .silent("slow.test", RecordType::MX)
        .srv("_submissions._tcp.slow.test", 0, 1, 465, "smtp.slow.test")
        .serve()
        .await;
    let mut o = opts(dns.addr);
    o.autoconfig_https_port = https.port;
    o.http_fallback = false;
    o.trust = Some(Trust::with_extra_ca_pem(p.ca_pem.as_bytes()).unwrap());
    o.ispdb_url = Some(format!("https://127.0.0.1:{}/v1.1/", https.port));
    o.request_timeout = Duration::from_secs(10);
    o.budget = Duration::from_secs(3);
    let started = Instant::now();
    let d = discover("me@slow.test", &o, &()).await.unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(3800), "took {took:?}");
    assert_eq!(d.candidates[0].host, "smtp.slow.test");
    assert_eq!(d.candidates[0].source, SourceKind::Srv);
    let report = |s| d.sources.iter().find(|r| r.source == s).unwrap().clone();
    let ac = report(SourceKind::Autoconfig);
    assert_eq!(ac.status, SourceStatus::Failed);
    assert!(ac.detail.contains("not valid autoconfig"), "{}", ac.detail);
    let wk = report(SourceKind::WellKnown);
    assert_eq!(wk.status, SourceStatus::Failed);
    assert!(wk.detail.contains("larger than"), "{}", wk.detail);
    assert_eq!(report(SourceKind::Ispdb).status, SourceStatus::TimedOut);
    assert!(matches!(
        report(SourceKind::Mx).status,
        SourceStatus::TimedOut | SourceStatus::Failed
    ));
    // The slow URL is still listed as having left the computer.
    assert!(d
        .left_computer
        .iter()
        .any(|e| e.target.ends_with("/v1.1/slow.test")));
}

#[tokio::test]
async fn http_fallback_is_used_only_when_https_fails_and_is_marked_less_trusted() {
    let mut routes = Routes::new();
    routes.insert(
        (
            "autoconfig.plain.test".into(),
            "/mail/config-v1.1.xml".into(),
        ),
        Page::Ok(client_config(
            "mail.plain.test",
            587,
            "STARTTLS",
            "%EMAILLOCALPART%",
        )),
    );
    let http = web(routes, None).await;
    let dns = Zone::default()
        .a("autoconfig.plain.test", LOCAL)
        .a("plain.test", LOCAL)
        .serve()
        .await;
    let mut o = opts(dns.addr);
    o.autoconfig_http_port = http.port;
    let d = discover("carol@plain.test", &o, &()).await.unwrap();
    let best = &d.candidates[0];
    assert_eq!(best.source, SourceKind::AutoconfigHttp);
    assert_eq!(best.confidence, Confidence::Low);
    assert_eq!(best.username.as_deref(), Some("carol"));
    assert!(best.origin.contains("less trusted"));
    assert!(d.left_computer.iter().any(|e| e.kind == EgressKind::Http));
}

#[tokio::test]
async fn ispdb_entry_is_used_with_the_domain_only() {
    let p = pki(&["127.0.0.1"]);
    let mut routes = Routes::new();
    routes.insert(
        ("127.0.0.1".into(), "/v1.1/isp.test".into()),
        Page::Ok(client_config(
            "smtp.isp.example",
            465,
            "SSL",
            "%EMAILADDRESS%",
        )),
    );
    let https = web(routes, Some(p.server.clone())).await;
    let dns = Zone::default().serve().await;
    let mut o = opts(dns.addr);
    o.http_fallback = false;
    o.trust = Some(Trust::with_extra_ca_pem(p.ca_pem.as_bytes()).unwrap());
    o.ispdb_url = Some(format!("https://127.0.0.1:{}/v1.1", https.port));
    let d = discover("dan@isp.test", &o, &()).await.unwrap();
    let best = &d.candidates[0];
    assert_eq!(best.source, SourceKind::Ispdb);
    assert_eq!(best.host, "smtp.isp.example");
    assert_eq!(best.origin, "from Thunderbird's shared list of providers");
    assert!(https
        .requests
        .lock()
        .unwrap()
        .iter()
        .all(|r| !r.contains("dan")));
}

/// The hosts a fake probe was asked about, with the addresses discovery resolved.
type Seen = Arc<Mutex<Vec<(String, Vec<IpAddr>)>>>;

/// Confirms exactly one (host, port) pair, as a probe would.
#[derive(Debug)]
struct FakeProber {
    host: &'static str,
    port: u16,
    seen: Seen,
}

impl HostProber for FakeProber {
    fn probe<'a>(
        &'a self,
        host: &'a str,
        ips: &'a [IpAddr],
        candidates: &'a [(u16, Security)],
        _timeout: Duration,
        _trust: Option<&'a Trust>,
    ) -> ProbeFuture<'a> {
        Box::pin(async move {
            self.seen
                .lock()
                .unwrap()
                .push((host.to_owned(), ips.to_vec()));
            candidates
                .iter()
                .map(|(port, security)| ProbeOutcome {
                    port: *port,
                    security: *security,
                    confirmed: host == self.host && *port == self.port,
                    detail: "refused".into(),
                })
                .collect()
        })
    }
}

#[tokio::test]
async fn guesses_are_kept_only_when_the_probe_confirms_them() {
    let dns = Zone::default()
        .a("smtp.guess.test", LOCAL)
        .a("mail.guess.test", LOCAL)
        .serve()
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut o = opts(dns.addr);
    o.http_fallback = false;
    o.guess = true;
    o.prober = Some(Arc::new(FakeProber {
        host: "mail.guess.test",
        port: 587,
        seen: seen.clone(),
    }));
    let d = discover("eve@guess.test", &o, &()).await.unwrap();
    assert_eq!(d.candidates.len(), 1, "{:?}", d.candidates);
    let c = &d.candidates[0];
    assert_eq!((c.host.as_str(), c.port), ("mail.guess.test", 587));
    assert_eq!(c.source, SourceKind::Guess);
    assert!(c.confirmed);
    assert_eq!(c.origin, "found by trying common server names");
    // The bare domain did not resolve, so it was never probed.
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|(_, ips)| ips == &[IpAddr::V4(LOCAL)]));
    assert!(d
        .left_computer
        .iter()
        .any(|e| e.kind == EgressKind::Smtp && e.target == "mail.guess.test port 587"));
}

#[tokio::test]
async fn idn_domains_are_looked_up_in_punycode() {
    let dns = Zone::default()
        .mx(
            "xn--bcher-kva.test",
            0,
            "mx.fastmail.example.messagingengine.com",
        )
        .serve()
        .await;
    let d = discover("jörg@bücher.test", &opts(dns.addr), &())
        .await
        .unwrap();
    assert_eq!(d.ascii_domain, "xn--bcher-kva.test");
    assert_eq!(d.domain, "bücher.test");
    assert_eq!(d.candidates[0].provider_id.as_deref(), Some("fastmail"));
    assert!(dns
        .queries
        .lock()
        .unwrap()
        .iter()
        .any(|q| q == "MX xn--bcher-kva.test"));
}
