//! The verdict does not wait, and a mismatch is found fast (issue 13), against scripted
//! servers on loopback: the answer to QUIT is not awaited (the session still closes), and a
//! port that stays silent is tried with encryption on a side connection, except port 25.
//! Durations are measured by the benchmarks; here an upper bound only guards against a hang.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine_support::*;
use portolan_core::check::{check, CheckOptions, Stage, StepStatus};
use portolan_core::ports::Security;
use portolan_core::settings::SmtpSettings;
use portolan_core::transcript::Direction;
use portolan_core::verdict::VerdictCode;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Bounds like the defaults (a greeting may take up to 10 s), a shorter whole.
fn patient() -> CheckOptions {
    CheckOptions {
        connect_timeout: Duration::from_secs(5),
        command_timeout: Duration::from_secs(10),
        total_timeout: Duration::from_secs(30),
        ..CheckOptions::default()
    }
}

fn on(addr: SocketAddr, security: Security) -> SmtpSettings {
    SmtpSettings {
        host: addr.ip().to_string(),
        port: addr.port(),
        security,
        username: None,
        from: "a@fake.test".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

/// A plain SMTP server that greets after `delay` on every connection and answers EHLO and
/// QUIT; counts connections.
async fn late_greeter(listener: TcpListener, delay: Duration) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let mut s = BufReader::new(tcp);
                if s.write_all(b"220 late.test ESMTP\r\n").await.is_err() {
                    return;
                }
                let mut line = String::new();
                while s.read_line(&mut line).await.unwrap_or(0) > 0 {
                    let reply: &[u8] = if line.to_ascii_uppercase().starts_with("EHLO") {
                        b"250-late.test\r\n250 8BITMIME\r\n"
                    } else if line.to_ascii_uppercase().starts_with("QUIT") {
                        b"221 bye\r\n"
                    } else {
                        b"500 what\r\n"
                    };
                    line.clear();
                    if s.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    count
}

/// Accepts, then says nothing and ignores whatever comes (a tarpit); counts connections.
async fn tarpit(listener: TcpListener) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            c.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut sink = [0u8; 1024];
                while tcp.read(&mut sink).await.unwrap_or(0) > 0 {}
            });
        }
    });
    count
}

#[tokio::test]
async fn the_verdict_does_not_wait_for_the_answer_to_quit_and_the_session_still_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (got_quit_tx, got_quit) = oneshot::channel::<()>();
    let (answer_tx, answer) = oneshot::channel::<()>();
    let (closed_tx, closed) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut s = BufReader::new(tcp);
        s.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
        let mut line = String::new();
        s.read_line(&mut line).await.unwrap();
        assert!(line.starts_with("EHLO"), "{line}");
        s.write_all(b"250-fake.test\r\n250 8BITMIME\r\n")
            .await
            .unwrap();
        line.clear();
        s.read_line(&mut line).await.unwrap();
        assert_eq!(line, "QUIT\r\n");
        got_quit_tx.send(()).unwrap();
        // Answer only once the test has its report: a check that waited for this would hang.
        answer.await.unwrap();
        s.write_all(b"221 2.0.0 Bye\r\n").await.unwrap();
        line.clear();
        let n = s.read_line(&mut line).await.unwrap_or(0);
        assert_eq!(n, 0, "nothing after QUIT but the end of the connection");
        closed_tx.send(()).unwrap();
    });

    let bound = Duration::from_secs(20);
    let r = tokio::time::timeout(
        bound,
        check(&on(addr, Security::None), None, &patient(), &()),
    )
    .await
    .expect("the check waited for the answer to QUIT")
    .unwrap();
    assert!(r.verdict.code.is_ok(), "{r:#?}");
    let quit = r.steps.last().unwrap();
    assert_eq!(
        (quit.stage, quit.status),
        (Stage::Quit, StepStatus::Ok),
        "{r:#?}"
    );
    // The transcript says QUIT was sent and that its answer was not awaited.
    let quit_at = r
        .transcript
        .iter()
        .position(|l| l.direction == Direction::Client && l.text == "QUIT")
        .unwrap();
    assert!(r.transcript[quit_at + 1..]
        .iter()
        .all(|l| l.direction == Direction::Note));
    assert!(r.transcript[quit_at + 1..]
        .iter()
        .any(|l| l.text.contains("without waiting")));
    got_quit.await.unwrap();
    // The background goodbye reads the 221 and closes the connection.
    answer_tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), closed)
        .await
        .expect("the session was not closed after the goodbye")
        .unwrap();
}

#[tokio::test]
async fn a_server_that_never_answers_quit_is_still_disconnected() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (closed_tx, closed) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut s = BufReader::new(tcp);
        s.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
        let mut line = String::new();
        s.read_line(&mut line).await.unwrap();
        s.write_all(b"250 fake.test\r\n").await.unwrap();
        // Read QUIT, never answer, and wait for the client to hang up.
        loop {
            line.clear();
            if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                break;
            }
        }
        let _ = closed_tx.send(());
    });
    let r = check(&on(addr, Security::None), None, &quick(None), &())
        .await
        .unwrap();
    assert!(r.verdict.code.is_ok(), "{r:#?}");
    // The goodbye gives up after its bound (here the 1 s command bound) and closes.
    tokio::time::timeout(Duration::from_secs(10), closed)
        .await
        .expect("the connection stayed open")
        .unwrap();
}

#[tokio::test]
async fn starttls_on_an_implicit_tls_port_is_a_mismatch_long_before_the_greeting_timeout() {
    let pki = Pki::new();
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ..Script::default()
    })
    .await;
    let settings = on(
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
        Security::Starttls,
    );
    let o = CheckOptions {
        trust: Some(pki.trust()),
        ..patient()
    };
    let began = Instant::now();
    let r = check(&settings, None, &o, &()).await.unwrap();
    // Hang guard: the greeting bound is 10 s; the side connection answers long before.
    assert!(began.elapsed() < Duration::from_secs(8), "{r:#?}");
    assert_eq!(r.verdict.code, VerdictCode::SecurityMismatch, "{r:#?}");
    assert_eq!(
        r.verdict.fixes[0].settings_patch.as_ref().unwrap().security,
        Some(Security::Tls)
    );
    let greeting = r.steps.last().unwrap();
    assert_eq!(
        (greeting.stage, greeting.status),
        (Stage::Greeting, StepStatus::Failed)
    );
    assert!(
        greeting.summary.contains("answers with encryption"),
        "{greeting:?}"
    );
    assert!(r
        .transcript
        .iter()
        .any(|l| l.direction == Direction::Note && l.text.contains("second connection")));
}

#[tokio::test]
async fn a_tarpit_is_still_a_greeting_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = tarpit(listener).await;
    let o = CheckOptions {
        command_timeout: Duration::from_secs(3),
        ..patient()
    };
    let r = tokio::time::timeout(
        Duration::from_secs(20),
        check(&on(addr, Security::Starttls), None, &o, &()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::GreetingTimeout, "{r:#?}");
    // The side connection was tried (and found no encryption either).
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_greeting_that_comes_while_encryption_is_tried_wins() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = late_greeter(listener, Duration::from_millis(1600)).await;
    let r = check(&on(addr, Security::None), None, &patient(), &())
        .await
        .unwrap();
    assert!(r.verdict.code.is_ok(), "{r:#?}");
    assert!(r.failed_stage().is_none(), "{r:#?}");
    assert_eq!(r.server.as_ref().unwrap().banner, "late.test ESMTP");
    // The side connection was made (after 1.5 s of silence) and did not disturb this one.
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

/// A listener on port 25 of a loopback address of its own (so parallel runs do not collide);
/// `None` when this user may not listen on port 25.
async fn port_25() -> Option<TcpListener> {
    let pid = std::process::id();
    for i in 0..64u32 {
        let n = pid.wrapping_mul(31).wrapping_add(i);
        let ip = Ipv4Addr::new(127, 25, (n >> 8) as u8, (n as u8).max(1));
        match TcpListener::bind((ip, 25)).await {
            Ok(l) => return Some(l),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => return None,
            Err(_) => continue,
        }
    }
    panic!("no loopback address with port 25 free");
}

#[tokio::test]
async fn port_25_is_never_spoken_to_first_however_late_its_greeting() {
    let Some(listener) = port_25().await else {
        eprintln!("note: listening on port 25 needs root; skipping the port-25 test");
        return;
    };
    let addr = listener.local_addr().unwrap();
    assert_eq!(addr.port(), 25);
    let connections = late_greeter(listener, Duration::from_secs(2)).await;
    let r = check(&on(addr, Security::None), None, &patient(), &())
        .await
        .unwrap();
    assert!(r.verdict.code.is_ok(), "{r:#?}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "no side connection on port 25"
    );
    assert!(!r
        .transcript
        .iter()
        .any(|l| l.text.contains("second connection")));
    // A side connection, had there been one, would have arrived by now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}
