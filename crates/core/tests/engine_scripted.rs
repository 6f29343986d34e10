//! The engine against scripted servers on loopback: the misbehaviour real servers don't do
//! (garbage, silence, stalls, STARTTLS injection, oversized replies) and the safety rules of
//! DESIGN.md §5.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use engine_support::*;
use portolan_core::check::{check, Report, Stage, StepStatus};
use portolan_core::observer::Event;
use portolan_core::ports::Security;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::CertException;
use portolan_core::verdict::{FixKind, VerdictCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn pw() -> Sensitive<String> {
    Sensitive::new(CANARY.to_owned())
}

fn log_has(log: &Log, prefix: &str) -> bool {
    log.lock()
        .unwrap()
        .iter()
        .any(|l| l.to_ascii_uppercase().starts_with(prefix))
}

fn whole(report: &Report) -> String {
    format!("{}\n{report:?}", serde_json::to_string(report).unwrap())
}

#[tokio::test]
async fn implicit_tls_with_auth_plain_works_and_never_records_the_password() {
    let pki = Pki::new();
    let (port, log) = serve(Script {
        implicit_tls: Some(pki.server(&["localhost", "127.0.0.1"])),
        ehlo: vec!["AUTH PLAIN LOGIN".into(), "SIZE 1000".into()],
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Tls, Some("alice"));
    let r = check(&s, Some(&pw()), &quick(Some(pki.trust())), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Ok, "{:#?}", r);
    let tls = r.tls.as_ref().unwrap();
    assert!(tls.verified);
    assert!(tls.version.as_deref().unwrap().starts_with("TLS 1."));
    assert!(tls.chain[0].names.contains(&"localhost".to_owned()));
    assert_eq!(
        r.server.as_ref().unwrap().auth_mechanisms,
        ["PLAIN", "LOGIN"]
    );
    // The server really received the credential; the report holds none of its forms.
    assert!(log_has(&log, "AUTH PLAIN "));
    assert!(r
        .transcript
        .iter()
        .any(|l| l.text == "AUTH PLAIN <redacted>"));
    assert_no_secret(&whole(&r), "alice", CANARY);
    let stages: Vec<Stage> = r.steps.iter().map(|s| s.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Resolve,
            Stage::Connect,
            Stage::Tls,
            Stage::Greeting,
            Stage::Ehlo,
            Stage::Auth,
            Stage::Quit
        ]
    );
}

#[tokio::test]
async fn starttls_with_auth_login_failure_is_auth_failed_and_redacted() {
    let pki = Pki::new();
    let (port, log) = serve(Script {
        starttls: Some((
            b"220 2.0.0 Ready to start TLS\r\n".to_vec(),
            Some(pki.server(&["127.0.0.1"])),
        )),
        ehlo_after_tls: vec!["AUTH LOGIN".into()],
        auth_reply: "535 5.7.8 Error: authentication failed".into(),
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Starttls, Some("alice@fake.test"));
    let r = check(&s, Some(&pw()), &quick(Some(pki.trust())), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::AuthFailed, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::Auth));
    // The password went to the server base64-encoded, after the second 334.
    let sent = log.lock().unwrap().clone();
    assert!(sent.contains(&STANDARD.encode(CANARY)), "{sent:?}");
    assert_no_secret(&whole(&r), "alice@fake.test", CANARY);
    let redacted = r
        .transcript
        .iter()
        .filter(|l| l.text == "<redacted>")
        .count();
    assert_eq!(redacted, 2, "user and password answers are redacted");
    // Pre-TLS capabilities are discarded: the server info is the post-TLS EHLO.
    let info = r.server.unwrap();
    assert!(info.encrypted);
    assert!(!info.starttls);
}

#[tokio::test]
async fn starttls_not_offered_never_sends_password() {
    let (port, log) = serve(Script {
        ehlo: vec!["AUTH PLAIN LOGIN".into()],
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Starttls, Some("alice"));
    let r = check(&s, Some(&pw()), &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::StarttlsNotOffered);
    assert!(!log_has(&log, "AUTH"));
    assert!(!log_has(&log, "STARTTLS"));
}

#[tokio::test]
async fn bytes_injected_after_starttls_reply_abort_before_tls() {
    let pki = Pki::new();
    let (port, log) = serve(Script {
        starttls: Some((
            b"220 2.0.0 Ready\r\n250-INJECTED\r\n250 AUTH PLAIN\r\n".to_vec(),
            Some(pki.server(&["127.0.0.1"])),
        )),
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Starttls, Some("alice"));
    let r = check(&s, Some(&pw()), &quick(Some(pki.trust())), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::StarttlsInjection, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::Starttls));
    assert!(!log_has(&log, "AUTH"));
    assert!(r.tls.is_none(), "no handshake was attempted");
}

#[tokio::test]
async fn password_is_not_sent_unencrypted_unless_allowed() {
    let (port, log) = serve(Script {
        ehlo: vec!["AUTH PLAIN".into()],
        ..Script::default()
    })
    .await;
    let mut s = settings(port, Security::None, Some("alice"));
    let r = check(&s, Some(&pw()), &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::PlaintextAuthRefused);
    assert!(!log_has(&log, "AUTH"));
    assert!(r
        .verdict
        .fixes
        .iter()
        .any(|f| f.kind == FixKind::AllowPlaintextAuth));

    s.allow_plaintext_auth = true;
    let r = check(&s, Some(&pw()), &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Ok);
    assert!(log_has(&log, "AUTH PLAIN"));
    assert_no_secret(&whole(&r), "alice", CANARY);
}

#[tokio::test]
async fn another_protocols_banner_is_not_smtp_with_first_bytes_shown() {
    let port = raw(|mut s| async move {
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian\r\n").await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let r = check(
        &settings(port, Security::Starttls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::NotSmtp);
    assert!(
        r.verdict.explanation.contains("SSH-2.0-OpenSSH"),
        "{}",
        r.verdict.explanation
    );
}

#[tokio::test]
async fn binary_garbage_without_line_end_is_bounded_and_not_smtp() {
    let port = raw(|mut s| async move {
        let _ = s.write_all(&[0xffu8; 20_000]).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let r = check(
        &settings(port, Security::Starttls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::NotSmtp);
    assert!(r.verdict.explanation.contains("\\xff"));
}

#[tokio::test]
async fn oversized_ehlo_reply_is_refused_at_the_bound() {
    let mut big = String::new();
    for i in 0..5000 {
        big.push_str(&format!("250-X-KEYWORD-{i}\r\n"));
    }
    big.push_str("250 END\r\n");
    let (port, _) = serve(Script {
        ehlo_raw: Some(big.into_bytes()),
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Starttls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::NotSmtp);
    assert_eq!(r.failed_stage(), Some(Stage::Ehlo));
}

#[tokio::test]
async fn silent_port_is_greeting_timeout_within_the_bound() {
    let (port, _) = serve(Script {
        greeting: Vec::new(),
        ..Script::default()
    })
    .await;
    let began = Instant::now();
    let r = check(
        &settings(port, Security::Starttls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::GreetingTimeout);
    // 1 s greeting wait + at most 1 s TLS attempt, well under the 6 s total.
    assert!(
        began.elapsed() < Duration::from_secs(4),
        "{:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn stall_after_ehlo_is_a_timeout_at_that_step() {
    let (port, _) = serve(Script {
        stall_on: Some("EHLO".into()),
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Starttls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Timeout);
    assert_eq!(r.failed_stage(), Some(Stage::Ehlo));
}

#[tokio::test]
async fn whole_check_is_bounded_by_the_total_timeout() {
    // A server that trickles one valid continuation line every 300 ms never trips the
    // per-reply bound's line logic quickly, but the total bound stops it.
    let port = raw(|mut s| async move {
        let _ = s.write_all(b"220 slow\r\n").await;
        let mut buf = [0u8; 256];
        let _ = s.read(&mut buf).await;
        for _ in 0..100 {
            if s.write_all(b"250-X\r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    })
    .await;
    let mut o = quick(None);
    o.command_timeout = Duration::from_secs(10);
    o.total_timeout = Duration::from_millis(1500);
    let began = Instant::now();
    let r = check(&settings(port, Security::Starttls, None), None, &o, &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Timeout);
    assert!(began.elapsed() < Duration::from_millis(2000));
    assert_eq!(r.steps.last().unwrap().status, StepStatus::Failed);
}

#[tokio::test]
async fn cancel_closes_the_connection_within_100_ms() {
    let closed_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let c2 = closed_at.clone();
    let port = raw(move |mut s| {
        let c2 = c2.clone();
        async move {
            let mut buf = [0u8; 64];
            // Never greet; wait for the client to go away.
            let _ = s.read(&mut buf).await;
            *c2.lock().unwrap() = Some(Instant::now());
        }
    })
    .await;
    let mut o = quick(None);
    o.command_timeout = Duration::from_secs(10);
    o.total_timeout = Duration::from_secs(20);
    let cancel = o.cancel.clone();
    let task = tokio::spawn(async move {
        check(&settings(port, Security::Starttls, None), None, &o, &())
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let r = task.await.unwrap();
    let returned = cancelled_at.elapsed();
    assert_eq!(r.verdict.code, VerdictCode::Cancelled);
    assert!(returned < Duration::from_millis(100), "{returned:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let closed = closed_at.lock().unwrap().expect("server saw the close");
    assert!(closed.duration_since(cancelled_at) < Duration::from_millis(100));
}

#[tokio::test]
async fn busy_and_refusing_greetings_get_their_codes() {
    for (greeting, code) in [
        (
            &b"421 4.3.2 Service not available\r\n"[..],
            VerdictCode::ServerBusy,
        ),
        (
            &b"554 5.7.1 No SMTP service for you\r\n"[..],
            VerdictCode::GreetingRefused,
        ),
    ] {
        let (port, _) = serve(Script {
            greeting: greeting.to_vec(),
            ..Script::default()
        })
        .await;
        let r = check(
            &settings(port, Security::Starttls, None),
            None,
            &quick(None),
            &(),
        )
        .await
        .unwrap();
        assert_eq!(r.verdict.code, code);
        assert_eq!(r.failed_stage(), Some(Stage::Greeting));
    }
}

#[tokio::test]
async fn auth_codes_at_an_unknown_server_are_read_by_their_standard_meaning() {
    // At a server the catalogue does not know, 5.7.9 is RFC 4954's "mechanism too weak" (only
    // Google's 534 5.7.9 means "app password"; engine_providers covers that), 5.7.139 is
    // Microsoft's "SMTP AUTH is off", and 454 4.7.0 a pause, not a wrong password.
    let pki = Pki::new();
    for (reply, code) in [
        (
            "534-5.7.9 Application-specific password required",
            VerdictCode::AuthMechanismUnsupported,
        ),
        (
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled",
            VerdictCode::SmtpAuthDisabled,
        ),
        (
            "454 4.7.0 Temporary authentication failure",
            VerdictCode::RateLimited,
        ),
    ] {
        // A multi-line 534 needs its last line too.
        let reply = if reply.starts_with("534-") {
            format!("{reply}\r\n534 5.7.9 Learn more")
        } else {
            reply.to_owned()
        };
        let (port, _) = serve(Script {
            implicit_tls: Some(pki.server(&["127.0.0.1"])),
            ehlo: vec!["AUTH PLAIN".into()],
            auth_reply: reply,
            ..Script::default()
        })
        .await;
        let r = check(
            &settings(port, Security::Tls, Some("alice")),
            Some(&pw()),
            &quick(Some(pki.trust())),
            &(),
        )
        .await
        .unwrap();
        assert_eq!(r.verdict.code, code, "{:#?}", r.verdict);
    }
}

#[tokio::test]
async fn only_oauth_or_unknown_mechanisms_are_reported_without_sending() {
    let pki = Pki::new();
    for (mechs, code) in [
        ("AUTH XOAUTH2 OAUTHBEARER", VerdictCode::OauthRequired),
        (
            "AUTH CRAM-MD5 GSSAPI",
            VerdictCode::AuthMechanismUnsupported,
        ),
    ] {
        let (port, log) = serve(Script {
            implicit_tls: Some(pki.server(&["127.0.0.1"])),
            ehlo: vec![mechs.into()],
            ..Script::default()
        })
        .await;
        let r = check(
            &settings(port, Security::Tls, Some("alice")),
            Some(&pw()),
            &quick(Some(pki.trust())),
            &(),
        )
        .await
        .unwrap();
        assert_eq!(r.verdict.code, code);
        assert!(!log_has(&log, "AUTH"));
    }
}

#[tokio::test]
async fn no_auth_on_port_is_auth_not_offered() {
    let pki = Pki::new();
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ehlo: vec!["SIZE 100".into()],
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Tls, Some("alice")),
        Some(&pw()),
        &quick(Some(pki.trust())),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::AuthNotOffered);
    assert!(r
        .verdict
        .fixes
        .iter()
        .any(|f| f.kind == FixKind::UseSecurity));
}

#[tokio::test]
async fn tls_chosen_on_a_plain_port_is_a_mismatch_with_the_starttls_fix() {
    let pki = Pki::new();
    let (port, _) = serve(Script {
        starttls: Some((b"220 go\r\n".to_vec(), Some(pki.server(&["127.0.0.1"])))),
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Tls, None),
        None,
        &quick(Some(pki.trust())),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::SecurityMismatch, "{r:#?}");
    let fix = &r.verdict.fixes[0];
    assert_eq!(fix.kind, FixKind::UseSecurity);
    assert_eq!(
        fix.settings_patch.as_ref().unwrap().security,
        Some(Security::Starttls)
    );
}

#[tokio::test]
async fn starttls_chosen_on_a_tls_first_port_is_a_mismatch_with_the_tls_fix() {
    let pki = Pki::new();
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Starttls, None),
        None,
        &quick(Some(pki.trust())),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::SecurityMismatch, "{r:#?}");
    assert_eq!(
        r.verdict.fixes[0].settings_patch.as_ref().unwrap().security,
        Some(Security::Tls)
    );
}

#[tokio::test]
async fn certificate_for_another_name_names_the_valid_ones() {
    let pki = Pki::new();
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["mail.other.test"])),
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Tls, None),
        None,
        &quick(Some(pki.trust())),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::CertNameMismatch);
    assert!(r.verdict.explanation.contains("mail.other.test"));
    let use_host = r
        .verdict
        .fixes
        .iter()
        .find(|f| f.kind == FixKind::UseHost)
        .unwrap();
    assert_eq!(
        use_host.settings_patch.as_ref().unwrap().host.as_deref(),
        Some("mail.other.test")
    );
    assert!(!r.tls.unwrap().verified);
}

#[tokio::test]
async fn self_signed_is_untrusted_until_pinned_for_this_host_and_port_only() {
    let (cfg, der) = Pki::self_signed(&["127.0.0.1"]);
    let (port, _) = serve(Script {
        implicit_tls: Some(cfg),
        ..Script::default()
    })
    .await;
    let mut s = settings(port, Security::Tls, None);
    let r = check(&s, None, &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::CertUntrusted);
    let fix = r
        .verdict
        .fixes
        .iter()
        .find(|f| f.kind == FixKind::TrustCertificate)
        .unwrap();
    let exception = fix.settings_patch.clone().unwrap().cert_exception.unwrap();
    assert_eq!(exception.sha256, portolan_core::tls::sha256_hex(&der));
    assert!(r.tls.unwrap().chain[0].self_signed);

    // Pinned for another port: still refused.
    s.cert_exception = Some(CertException {
        port: port.wrapping_add(1),
        ..exception.clone()
    });
    let r = check(&s, None, &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::CertUntrusted);

    // Pinned with a wrong fingerprint: still refused.
    s.cert_exception = Some(CertException {
        sha256: "00".repeat(32),
        ..exception.clone()
    });
    let r = check(&s, None, &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::CertUntrusted);

    s.cert_exception = Some(exception);
    let r = check(&s, None, &quick(None), &()).await.unwrap();
    assert_eq!(
        r.verdict.code,
        VerdictCode::OkWithoutAuth,
        "{:#?}",
        r.verdict
    );
    assert!(r.tls.unwrap().exception_used);
}

#[tokio::test]
async fn refused_port_is_connection_refused() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let r = check(
        &settings(port, Security::Tls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::ConnectionRefused);
    assert_eq!(r.failed_stage(), Some(Stage::Connect));
}

#[tokio::test]
async fn unknown_name_is_dns_not_found() {
    let mut s = settings(587, Security::Starttls, None);
    s.host = "no-such-host.invalid".into();
    let r = check(&s, None, &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::DnsNotFound);
}

#[tokio::test]
async fn steps_are_streamed_live_in_order() {
    let (port, _) = serve(Script::default()).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let r = check(
        &settings(port, Security::None, None),
        None,
        &quick(None),
        &tx,
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::OkWithoutAuth);
    drop(tx);
    let mut started = Vec::new();
    let mut finished = Vec::new();
    while let Some(e) = rx.recv().await {
        match e {
            Event::StepStarted { stage, .. } => started.push(stage),
            Event::StepFinished { step } => finished.push(step.stage),
            _ => {}
        }
    }
    assert_eq!(started, finished);
    assert_eq!(
        finished,
        r.steps.iter().map(|s| s.stage).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn greylisting_at_rcpt_is_greylisted_and_sent_reply_is_reported() {
    let pki = Pki::new();
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ehlo: vec!["AUTH PLAIN".into()],
        rcpt_reply: "450 4.2.0 <alice@fake.test>: Recipient address rejected: Greylisted".into(),
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Tls, Some("alice"));
    let o = quick(Some(pki.trust()));
    let r = portolan_core::send::send_test(&s, Some(&pw()), None, &o, &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Greylisted);
    assert_eq!(r.failed_stage(), Some(Stage::RcptTo));

    let (port, log) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ehlo: vec!["AUTH PLAIN".into()],
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Tls, Some("alice"));
    let r = portolan_core::send::send_test(&s, Some(&pw()), None, &o, &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Ok);
    let sent = r.sent.unwrap();
    assert_eq!(sent.reply, "250 2.0.0 Ok: queued as ABC123");
    assert!(log_has(&log, "RCPT TO:<ALICE@FAKE.TEST>"));
}

#[tokio::test]
async fn probe_recommends_the_best_ranked_port_only_once_better_ones_failed() {
    use portolan_core::probe::{probe, PortState, ProbeCandidate, ProbeOptions};
    let pki = Pki::new();
    // Best-ranked: silent (no greeting, no TLS); second: works; third: refused.
    let (silent, _) = serve(Script {
        greeting: Vec::new(),
        ..Script::default()
    })
    .await;
    let (works, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ..Script::default()
    })
    .await;
    let refused = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    let candidates = [
        ProbeCandidate::new(silent, Security::Starttls),
        ProbeCandidate::new(works, Security::Tls),
        ProbeCandidate::new(refused, Security::Starttls),
    ];
    let opts = ProbeOptions {
        connect_timeout: Duration::from_millis(500),
        command_timeout: Duration::from_millis(500),
        port_timeout: Duration::from_secs(3),
        stagger: Duration::from_millis(20),
        trust: Some(pki.trust()),
        ..ProbeOptions::default()
    };
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let e2 = events.clone();
    let observer = move |e: Event| e2.lock().unwrap().push(e);
    let r = probe("127.0.0.1", &candidates, &opts, &observer)
        .await
        .unwrap();
    assert_eq!(r.recommended, Some(candidates[1]));
    assert_eq!(
        r.results[0].state,
        PortState::NotSmtp,
        "{:#?}",
        r.results[0]
    );
    assert_eq!(r.results[1].state, PortState::Works);
    assert_eq!(r.results[2].state, PortState::Refused);
    // The recommendation came only after the better-ranked silent port had finished.
    let events = events.lock().unwrap();
    let rec_at = events
        .iter()
        .position(|e| matches!(e, Event::ProbeRecommendation { .. }))
        .unwrap();
    let silent_at = events
        .iter()
        .position(|e| matches!(e, Event::ProbePort { result } if result.candidate.port == silent))
        .unwrap();
    assert!(silent_at < rec_at);
}

#[tokio::test]
async fn probe_answers_early_when_the_best_port_works() {
    use portolan_core::probe::{probe, ProbeCandidate, ProbeOptions};
    let pki = Pki::new();
    let (works, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ..Script::default()
    })
    .await;
    let (silent, _) = serve(Script {
        greeting: Vec::new(),
        ..Script::default()
    })
    .await;
    let candidates = [
        ProbeCandidate::new(works, Security::Tls),
        ProbeCandidate::new(silent, Security::Starttls),
    ];
    let opts = ProbeOptions {
        command_timeout: Duration::from_secs(2),
        stagger: Duration::from_millis(20),
        trust: Some(pki.trust()),
        stop_after_recommendation: true,
        ..ProbeOptions::default()
    };
    let began = Instant::now();
    let r = probe("127.0.0.1", &candidates, &opts, &()).await.unwrap();
    assert_eq!(r.recommended, Some(candidates[0]));
    assert!(r.recommended_after_ms.unwrap() < 1000);
    assert!(
        began.elapsed() < Duration::from_secs(1),
        "{:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn antivirus_interception_ca_is_named_in_the_diagnosis() {
    // The CA is not trusted by the check: the certificate is refused, and its issuer is
    // recognised as an interception product rather than blamed on the mail server.
    let pki = Pki::named("Avast Web/Mail Shield Root");
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ..Script::default()
    })
    .await;
    let r = check(
        &settings(port, Security::Tls, None),
        None,
        &quick(None),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::CertUntrusted);
    assert_eq!(r.tls.unwrap().interception.as_deref(), Some("Avast"));
    assert!(
        r.verdict.explanation.contains("antivirus"),
        "{}",
        r.verdict.explanation
    );
}

#[tokio::test]
async fn refused_sender_and_message_get_their_codes() {
    let pki = Pki::new();
    for (script, code, stage) in [
        (
            Script {
                mail_reply:
                    "553 5.7.1 <alice@fake.test>: Sender address rejected: not owned by user".into(),
                ..Script::default()
            },
            VerdictCode::SenderRejected,
            Stage::MailFrom,
        ),
        (
            Script {
                data_reply: "554 5.6.0 Message refused".into(),
                ..Script::default()
            },
            VerdictCode::MessageRejected,
            Stage::Data,
        ),
        (
            Script {
                mail_reply: "530 5.7.0 Authentication required".into(),
                ..Script::default()
            },
            VerdictCode::AuthRequired,
            Stage::MailFrom,
        ),
    ] {
        let (port, _) = serve(Script {
            implicit_tls: Some(pki.server(&["127.0.0.1"])),
            ..script
        })
        .await;
        let s = settings(port, Security::Tls, None);
        let r = portolan_core::send::send_test(&s, None, None, &quick(Some(pki.trust())), &())
            .await
            .unwrap();
        assert_eq!(r.verdict.code, code, "{:#?}", r.verdict);
        assert_eq!(r.failed_stage(), Some(stage));
        assert!(r.sent.is_none());
        // The message body is never copied into the transcript, only its size.
        assert!(!r
            .transcript
            .iter()
            .any(|l| l.text.contains("This is a test email")));
    }
}
