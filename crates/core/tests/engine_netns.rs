//! "No answer (blocked?)": a port whose SYNs are silently dropped, made with a network
//! namespace this test creates itself (veth pair on 198.18.0.0/15, the benchmarking range,
//! and an nftables drop rule inside the namespace only). Skips with a note when not root or
//! when `ip`/`nft` are missing; removes the namespace afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::{Duration, Instant};

use portolan_core::check::{check, CheckOptions, Stage};
use portolan_core::ports::Security;
use portolan_core::probe::{probe, PortState, ProbeCandidate, ProbeOptions};
use portolan_core::settings::SmtpSettings;
use portolan_core::verdict::VerdictCode;

const HOST_IP: &str = "198.18.7.1";
const NS_IP: &str = "198.18.7.2";

struct Blackhole {
    name: String,
    host_if: String,
}

fn sh(args: &[&str]) -> bool {
    Command::new(args[0])
        .args(&args[1..])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Blackhole {
    fn up() -> Option<Self> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0"));
        if !root || !sh(&["ip", "-V"]) || !sh(&["nft", "--version"]) {
            eprintln!("note: needs root, iproute2 and nftables; skipping the dropped-SYN test");
            return None;
        }
        let id = std::process::id() % 100_000;
        let b = Self {
            name: format!("portolan-eng-{id}"),
            host_if: format!("pte{id}a"),
        };
        let ns_if = format!("pte{id}b");
        let ok = sh(&["ip", "netns", "add", &b.name])
            && sh(&[
                "ip", "link", "add", &b.host_if, "type", "veth", "peer", "name", &ns_if,
            ])
            && sh(&["ip", "link", "set", &ns_if, "netns", &b.name])
            && sh(&[
                "ip",
                "addr",
                "add",
                &format!("{HOST_IP}/30"),
                "dev",
                &b.host_if,
            ])
            && sh(&["ip", "link", "set", &b.host_if, "up"])
            && sh(&[
                "ip",
                "-n",
                &b.name,
                "addr",
                "add",
                &format!("{NS_IP}/30"),
                "dev",
                &ns_if,
            ])
            && sh(&["ip", "-n", &b.name, "link", "set", &ns_if, "up"])
            && sh(&[
                "ip", "netns", "exec", &b.name, "nft", "add", "table", "inet", "pt",
            ])
            && sh(&[
                "ip",
                "netns",
                "exec",
                &b.name,
                "nft",
                "add",
                "chain",
                "inet",
                "pt",
                "input",
                "{ type filter hook input priority 0 ; policy accept ; }",
            ])
            && sh(&[
                "ip", "netns", "exec", &b.name, "nft", "add", "rule", "inet", "pt", "input",
                "meta", "l4proto", "tcp", "drop",
            ]);
        if !ok {
            eprintln!("note: could not set up the namespace; skipping the dropped-SYN test");
            return None;
        }
        Some(b)
    }
}

impl Drop for Blackhole {
    fn drop(&mut self) {
        sh(&["ip", "netns", "delete", &self.name]);
        sh(&["ip", "link", "delete", &self.host_if]);
    }
}

#[tokio::test]
async fn dropped_syn_is_connect_timeout_and_probe_says_blocked() {
    let Some(_ns) = Blackhole::up() else { return };
    // A name whose first address drops SYNs (as an unreachable IPv6 route does) is reached on
    // its next address within about the attempt delay, not after the first one's share.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = tcp.write_all(b"220 second.test ESMTP\r\n").await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
    let began = Instant::now();
    let (_, addr) = portolan_core::net::connect(
        &[
            format!("{NS_IP}:{port}").parse().unwrap(),
            format!("127.0.0.1:{port}").parse().unwrap(),
        ],
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert!(
        began.elapsed() < Duration::from_millis(800),
        "{:?}",
        began.elapsed()
    );

    let s = SmtpSettings {
        host: NS_IP.into(),
        port: 587,
        security: Security::Starttls,
        username: None,
        from: "a@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    };
    let o = CheckOptions {
        connect_timeout: Duration::from_secs(1),
        ..CheckOptions::default()
    };
    let began = Instant::now();
    let r = check(&s, None, &o, &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::ConnectTimeout, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::Connect));
    assert!(began.elapsed() < Duration::from_millis(1500));

    let candidates = [
        ProbeCandidate::new(465, Security::Tls),
        ProbeCandidate::new(587, Security::Starttls),
    ];
    let opts = ProbeOptions {
        connect_timeout: Duration::from_secs(1),
        stagger: Duration::from_millis(50),
        ..ProbeOptions::default()
    };
    let began = Instant::now();
    let r = probe(NS_IP, &candidates, &opts, &()).await.unwrap();
    assert!(r.results.iter().all(|p| p.state == PortState::NoAnswer));
    assert!(r.network_note.unwrap().contains("No port answered"));
    assert!(r.recommended.is_none());
    // Every port blackholed: done within the connect bound plus the stagger (≤ timeout + 2 s).
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}",
        began.elapsed()
    );
}
