//! The SPF evaluator on records served here: mechanisms, limits, loops.

use super::*;
use std::collections::HashMap;

/// A DNS table: (name, kind) → answers; missing names do not exist.
#[derive(Default)]
struct Table(HashMap<(String, &'static str), Vec<String>>);

impl Table {
    fn with(mut self, name: &str, kind: &'static str, v: &[&str]) -> Self {
        self.0.insert(
            (name.into(), kind),
            v.iter().map(|s| (*s).to_owned()).collect(),
        );
        self
    }
    fn get(&self, name: &str, kind: &'static str) -> Result<Vec<String>, LookupFailure> {
        match self.0.get(&(name.to_owned(), kind)) {
            Some(v) if v.first().is_some_and(|s| s == "TIMEOUT") => Err(LookupFailure::Timeout),
            Some(v) => Ok(v.clone()),
            None => Err(LookupFailure::NotFound),
        }
    }
}

impl SpfDns for Table {
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        self.get(name, "txt")
    }
    async fn ips(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        self.get(name, "a")
            .map(|v| v.iter().map(|s| s.parse().unwrap()).collect())
    }
    async fn mx(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        self.get(name, "mx")
    }
}

async fn run(t: &Table, ip: &str) -> SpfOutcome {
    check_host(t, ip.parse().unwrap(), "example.com", "me@example.com").await
}

#[tokio::test]
async fn ip_mechanisms_and_qualifiers() {
    let t = Table::default().with(
        "example.com",
        "txt",
        &[
            "some other text",
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all",
        ],
    );
    assert_eq!(run(&t, "192.0.2.7").await.result, SpfResult::Pass);
    assert_eq!(run(&t, "2001:db8::1").await.result, SpfResult::Pass);
    assert_eq!(run(&t, "198.51.100.1").await.result, SpfResult::SoftFail);
    let o = run(&t, "198.51.100.1").await;
    assert_eq!(
        o.record.as_deref(),
        Some("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all")
    );
}

#[tokio::test]
async fn a_mx_include_and_redirect_are_followed() {
    let t = Table::default()
        .with(
            "example.com",
            "txt",
            &["v=spf1 a mx/24 include:_spf.provider.example -all"],
        )
        .with("example.com", "a", &["192.0.2.1"])
        .with("example.com", "mx", &["mx.example.com"])
        .with("mx.example.com", "a", &["198.51.100.10"])
        .with(
            "_spf.provider.example",
            "txt",
            &["v=spf1 redirect=_spf2.provider.example"],
        )
        .with(
            "_spf2.provider.example",
            "txt",
            &["v=spf1 ip4:203.0.113.0/28 -all"],
        );
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::Pass);
    assert_eq!(run(&t, "198.51.100.99").await.result, SpfResult::Pass);
    let o = run(&t, "203.0.113.5").await;
    assert_eq!(o.result, SpfResult::Pass);
    assert_eq!(o.lookups, 4);
    assert_eq!(run(&t, "203.0.113.99").await.result, SpfResult::Fail);
}

#[tokio::test]
async fn no_record_none_and_two_records_permerror() {
    assert_eq!(
        run(&Table::default(), "192.0.2.1").await.result,
        SpfResult::None
    );
    let t = Table::default().with("example.com", "txt", &["v=spf1 -all", "v=spf1 +all"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::PermError);
    let t = Table::default().with("example.com", "txt", &["v=spf10 +all"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::None);
}

#[tokio::test]
async fn an_include_loop_stops_at_ten_lookups() {
    let t = Table::default().with("example.com", "txt", &["v=spf1 include:example.com -all"]);
    let o = run(&t, "192.0.2.1").await;
    assert_eq!(o.result, SpfResult::PermError);
    assert!(o.lookups <= MAX_LOOKUPS + 1, "{o:?}");
    assert!(o.reason.unwrap().contains("10 DNS"));
}

#[tokio::test]
async fn void_lookups_timeouts_and_bad_terms() {
    let t = Table::default().with(
        "example.com",
        "txt",
        &["v=spf1 a:x.example a:y.example a:z.example -all"],
    );
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::PermError);
    let t = Table::default()
        .with("example.com", "txt", &["v=spf1 a:slow.example -all"])
        .with("slow.example", "a", &["TIMEOUT"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::TempError);
    let t = Table::default().with("example.com", "txt", &["TIMEOUT"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::TempError);
    for bad in [
        "v=spf1 ip4:300.1.1.1 -all",
        "v=spf1 ip4:1.2.3.4/33",
        "v=spf1 frob -all",
    ] {
        let t = Table::default().with("example.com", "txt", &[bad]);
        assert_eq!(
            run(&t, "192.0.2.1").await.result,
            SpfResult::PermError,
            "{bad}"
        );
    }
    let t = Table::default().with("example.com", "txt", &["v=spf1 include:none.example"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::PermError);
}

#[tokio::test]
async fn simple_macros_expand_and_others_are_refused() {
    let t = Table::default()
        .with("example.com", "txt", &["v=spf1 exists:%{i}._spf.%{d} -all"])
        .with("192.0.2.1._spf.example.com", "a", &["127.0.0.2"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::Pass);
    assert_eq!(run(&t, "192.0.2.2").await.result, SpfResult::Fail);
    let t = Table::default().with("example.com", "txt", &["v=spf1 exists:%{ir}.x.%{d} -all"]);
    assert_eq!(run(&t, "192.0.2.1").await.result, SpfResult::PermError);
}

#[test]
fn networks_match_by_prefix() {
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert!(in_net(ip("10.1.2.3"), ip("10.0.0.0"), 8));
    assert!(!in_net(ip("11.1.2.3"), ip("10.0.0.0"), 8));
    assert!(in_net(ip("1.2.3.4"), ip("9.9.9.9"), 0));
    assert!(!in_net(ip("::1"), ip("0.0.0.1"), 0));
    assert!(in_net(ip("2001:db8::5"), ip("2001:db8::"), 64));
    assert!(is_spf("v=spf1") && is_spf("V=SPF1 -all") && !is_spf("v=spf1x"));
}
