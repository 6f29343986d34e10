//! The client side of "NO STARTTLS" (Poddebniak et al., USENIX Security 2021) against the
//! engine: scripted servers on loopback that inject responses after `220 Ready to start TLS`,
//! refuse or hide STARTTLS, answer every step with codes nobody expects, and offer dozens of
//! sign-in methods in the clear. Each case must end in a defined verdict within its bound, and
//! no AUTH (nor any form of the password) may ever leave unencrypted when encryption was asked
//! for: asserted from what the server received, not from what the engine says it did.
//!
//! Every behaviour runs through both `check` and `send_test`, and on `::1` as well as
//! `127.0.0.1` where the server is cheap to start.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use engine_support::*;
use portolan_core::check::{CheckOptions, Report, Stage, StepStatus};
use portolan_core::ports::Security;
use portolan_core::verdict::VerdictCode as V;

/// Outside bound of one run: the engine's own total bound (8 s) plus slack.
const BOUND: Duration = Duration::from_secs(15);
const IPS: [&str; 2] = ["127.0.0.1", "::1"];
const FLOWS: [Flow; 2] = [Flow::Check, Flow::Send];
const USER: &str = "alice@fake.test";

/// Bounds generous enough for a loaded 2-core machine, short enough for silence to be cheap.
fn opts(pki: &Pki) -> CheckOptions {
    CheckOptions {
        connect_timeout: Duration::from_secs(2),
        command_timeout: Duration::from_secs(3),
        total_timeout: Duration::from_secs(8),
        trust: Some(pki.trust()),
        ..CheckOptions::default()
    }
}

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs the jobs concurrently (at most 24 at once); re-raises the first failure.
async fn all(jobs: Vec<Job>) -> usize {
    let n = jobs.len();
    let gate = Arc::new(tokio::sync::Semaphore::new(24));
    let mut set = tokio::task::JoinSet::new();
    for job in jobs {
        let gate = gate.clone();
        set.spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            job.await;
        });
    }
    while let Some(r) = set.join_next().await {
        if let Err(e) = r {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    n
}

/// One scripted run and the checks every case shares.
#[derive(Clone)]
struct Case {
    name: String,
    ip: &'static str,
    steps: Steps,
    security: Security,
    allow_plaintext_auth: bool,
    flow: Flow,
    want: Vec<V>,
    /// The step that must have failed (`None`: none may fail).
    stage: Option<Stage>,
}

impl Case {
    fn new(name: impl Into<String>, ip: &'static str, flow: Flow, steps: Steps) -> Self {
        Self {
            name: name.into(),
            ip,
            steps,
            security: Security::Starttls,
            allow_plaintext_auth: false,
            flow,
            want: Vec::new(),
            stage: None,
        }
    }

    fn want(mut self, want: &[V], stage: Option<Stage>) -> Self {
        self.want = want.to_vec();
        self.stage = stage;
        self
    }

    /// Serves the script, runs the flow, asserts the shared rules; returns the report and the
    /// server's log for the case's own assertions.
    async fn run(self, pki: Arc<Pki>) -> (Report, RxLog) {
        let (port, log) = serve_steps_on(self.ip, self.steps.clone()).await;
        let mut s = settings_on(self.ip, port, self.security, Some(USER));
        s.allow_plaintext_auth = self.allow_plaintext_auth;
        let name = format!("{} [{:?} on {}]", self.name, self.flow, self.ip);
        let r = run_flow(self.flow, s, opts(&pki), BOUND, &name).await;
        assert!(
            self.want.contains(&r.verdict.code),
            "{name}: verdict {:?}, wanted one of {:?}\n{:#?}",
            r.verdict.code,
            self.want,
            r.steps
        );
        assert_eq!(r.failed_stage(), self.stage, "{name}: {:#?}", r.steps);
        if self.security != Security::None || !self.allow_plaintext_auth {
            assert_no_auth_in_clear(&log, USER, CANARY, &name);
        }
        assert_no_secret(&format!("{r:?}"), USER, CANARY);
        if r.verdict.code != V::Ok {
            assert!(r.sent.is_none(), "{name}: a failed run reported a send");
        }
        if r.failed_stage().is_some() && r.failed_stage() != Some(Stage::Data) {
            assert!(
                !log.lock()
                    .unwrap()
                    .iter()
                    .any(|l| l.line.starts_with("<message")),
                "{name}: the message went out although the run failed before DATA"
            );
        }
        (r, log)
    }
}

/// The same case through check and send, on both loopbacks.
fn everywhere(name: &str, steps: &Steps, f: impl Fn(Case) -> Case) -> Vec<Case> {
    let mut v = Vec::new();
    for ip in IPS {
        for flow in FLOWS {
            v.push(f(Case::new(name, ip, flow, steps.clone())));
        }
    }
    v
}

fn server_cfg(pki: &Pki) -> Arc<rustls::ServerConfig> {
    pki.server(&["localhost", "127.0.0.1", "::1"])
}

/// Runs injection cases: each must stop before TLS (or at its first record), with
/// `starttls_injection`, and send nothing after STARTTLS, encrypted or not.
async fn injection_cases(cases: Vec<(&'static str, Act)>) -> usize {
    let pki = Arc::new(Pki::new());
    let cfg = server_cfg(&pki);
    let mut jobs: Vec<Job> = Vec::new();
    for (name, act) in cases {
        let steps = Steps::starttls(cfg.clone()).on("STARTTLS", act);
        for case in everywhere(name, &steps, |c| c) {
            let pki = pki.clone();
            jobs.push(Box::pin(async move {
                let name = case.name.clone();
                let (r, log) = case
                    .want(&[V::StarttlsInjection], Some(Stage::Starttls))
                    .run(pki)
                    .await;
                let tail: Vec<String> = log
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|l| l.line.clone())
                    .skip_while(|l| l != "STARTTLS")
                    .skip(1)
                    .collect();
                assert!(tail.is_empty(), "{name}: sent after STARTTLS: {tail:?}");
                assert!(r.tls.is_none(), "{name}: a handshake was attempted");
                assert!(!r.verdict.explanation.is_empty());
            }));
        }
    }
    all(jobs).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_injection_of_full_lines_after_starttls_ready_aborts_before_tls() {
    let ready = "220 2.0.0 Ready to start TLS\r\n";
    let n = injection_cases(vec![
        (
            "capabilities injected",
            Act::Send(format!("{ready}250-fake.test\r\n250 AUTH PLAIN LOGIN\r\n").into_bytes()),
        ),
        (
            "a whole fake session injected",
            Act::Send(
                format!(
                    "{ready}220 fake.test ESMTP\r\n250-fake.test\r\n250 AUTH PLAIN\r\n\
                     235 2.7.0 ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"
                )
                .into_bytes(),
            ),
        ),
        (
            "one pipelined reply",
            Act::Send(format!("{ready}250 2.0.0 Ok\r\n").into_bytes()),
        ),
        (
            "an empty line",
            Act::Send(format!("{ready}\r\n").into_bytes()),
        ),
        (
            "a multi-line Ready followed by a line",
            Act::Send(format!("220-2.0.0 Ready\r\n{ready}250 x\r\n").into_bytes()),
        ),
    ])
    .await;
    println!("{n} scripted runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_injection_of_a_partial_line_without_crlf_aborts_before_tls() {
    let ready = "220 2.0.0 Ready to start TLS\r\n";
    let n = injection_cases(vec![
        (
            "half a line",
            Act::Send(format!("{ready}250 AUTH PL").into_bytes()),
        ),
        ("one byte", Act::Send(format!("{ready}2").into_bytes())),
        ("a lone CR", Act::Send(format!("{ready}\r").into_bytes())),
        ("a NUL", Act::Send(format!("{ready}\0").into_bytes())),
        (
            "binary",
            Act::Send([ready.as_bytes(), &[0xff, 0xfe, 0x00, 0x80]].concat()),
        ),
    ])
    .await;
    println!("{n} scripted runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_235_after_starttls_ready_never_counts_as_a_sign_in() {
    let ready = "220 2.0.0 Ready to start TLS\r\n";
    let n = injection_cases(vec![
        (
            "235 in the same segment",
            Act::Send(format!("{ready}235 2.7.0 Authentication successful\r\n").into_bytes()),
        ),
        (
            "235 without CRLF",
            Act::Send(format!("{ready}235 2.7.0 Authentication successful").into_bytes()),
        ),
        (
            "235 and the rest of a send",
            Act::Send(
                format!(
                    "{ready}235 2.7.0 ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n\
                     250 2.0.0 Ok: queued as EVIL\r\n221 bye\r\n"
                )
                .into_bytes(),
            ),
        ),
    ])
    .await;
    println!("{n} scripted runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_arriving_in_a_later_segment_is_still_refused() {
    // The injected bytes come after the engine has looked for early data and started the
    // handshake: they arrive where the server's first TLS record should be.
    let pki = Arc::new(Pki::new());
    let cfg = server_cfg(&pki);
    let ready = b"220 2.0.0 Ready to start TLS\r\n".to_vec();
    let mut jobs: Vec<Job> = Vec::new();
    for (name, wait, injected) in [
        (
            "235 after 100 ms",
            100,
            &b"235 2.7.0 Authentication successful\r\n"[..],
        ),
        (
            "capabilities after 100 ms",
            100,
            b"250-x\r\n250 AUTH PLAIN\r\n",
        ),
        ("a partial line after 200 ms", 200, b"250 AUTH"),
    ] {
        let steps = Steps::starttls(cfg.clone()).on(
            "STARTTLS",
            Act::SendThen(
                ready.clone(),
                Duration::from_millis(wait),
                injected.to_vec(),
            ),
        );
        for case in everywhere(name, &steps, |c| c) {
            let pki = pki.clone();
            jobs.push(Box::pin(async move {
                let name = case.name.clone();
                let (r, log) = case
                    .want(&[V::StarttlsInjection], Some(Stage::Tls))
                    .run(pki)
                    .await;
                assert!(!rx_has(&log, "AUTH"), "{name}");
                assert!(!rx_has(&log, "MAIL"), "{name}");
                assert!(r.server.is_some_and(|s| !s.encrypted), "{name}");
            }));
        }
    }
    println!("{} scripted runs", all(jobs).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_accepted_but_followed_by_plain_text_or_a_hang_up_never_sends_auth() {
    let pki = Arc::new(Pki::new());
    let mut jobs: Vec<Job> = Vec::new();
    // No TLS config: the server answers 220 and stays in plain text.
    let ehlo = b"250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n".to_vec();
    for (name, act, want) in [
        (
            "plain replies instead of TLS",
            Act::SendThen(
                b"220 go ahead\r\n".to_vec(),
                Duration::from_millis(100),
                b"250 2.0.0 Ok\r\n".to_vec(),
            ),
            V::StarttlsInjection,
        ),
        (
            "hang-up instead of TLS",
            Act::SendClose(b"220 go ahead\r\n".to_vec()),
            V::TlsHandshakeFailed,
        ),
    ] {
        let steps = Steps::default()
            .on("EHLO", Act::Send(ehlo.clone()))
            .on("STARTTLS", act);
        for case in everywhere(name, &steps, |c| c) {
            let pki = pki.clone();
            jobs.push(Box::pin(async move {
                let name = case.name.clone();
                let (_, log) = case.want(&[want], Some(Stage::Tls)).run(pki).await;
                assert!(!rx_has(&log, "AUTH"), "{name}");
            }));
        }
    }
    println!("{} scripted runs", all(jobs).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_advertised_but_refused_never_sends_auth() {
    let pki = Arc::new(Pki::new());
    let cfg = server_cfg(&pki);
    let mut jobs: Vec<Job> = Vec::new();
    let refusals: &[(&str, V)] = &[
        ("502 5.5.1 Command not implemented", V::TlsHandshakeFailed),
        (
            "454 4.7.0 TLS not available due to local problem",
            V::TlsHandshakeFailed,
        ),
        ("354 go ahead", V::TlsHandshakeFailed),
        ("500 5.5.2 Syntax error", V::TlsHandshakeFailed),
        (
            "501 5.5.4 Syntax error in parameters",
            V::TlsHandshakeFailed,
        ),
        ("503 5.5.1 Bad sequence of commands", V::TlsHandshakeFailed),
        (
            "554 5.7.3 Unable to initialize security subsystem",
            V::TlsHandshakeFailed,
        ),
        ("250 2.0.0 Ok", V::TlsHandshakeFailed),
        ("221 2.0.0 Bye", V::TlsHandshakeFailed),
        ("235 2.7.0 Authentication successful", V::TlsHandshakeFailed),
        ("334 VXNlcm5hbWU6", V::TlsHandshakeFailed),
        ("421 4.3.2 Service shutting down", V::ServerBusy),
    ];
    for (reply, want) in refusals {
        let steps = Steps::starttls(cfg.clone()).on("STARTTLS", Act::line(reply));
        // With "send my password unencrypted anyway" on too: STARTTLS was asked for, so it
        // must not matter.
        for allow in [false, true] {
            for case in everywhere(reply, &steps, |c| c) {
                let pki = pki.clone();
                let want = *want;
                jobs.push(Box::pin(async move {
                    let name = case.name.clone();
                    let case = Case {
                        allow_plaintext_auth: allow,
                        ..case
                    };
                    let (r, log) = case.want(&[want], Some(Stage::Starttls)).run(pki).await;
                    assert!(!rx_has(&log, "AUTH"), "{name} (allow {allow})");
                    assert!(r.tls.is_none());
                }));
            }
        }
    }
    println!("{} scripted runs", all(jobs).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_hidden_from_ehlo_is_not_offered_and_never_sends_auth() {
    // The server would upgrade if asked: only the advertisement is stripped, as a
    // man-in-the-middle does.
    let pki = Arc::new(Pki::new());
    let cfg = server_cfg(&pki);
    let mut jobs: Vec<Job> = Vec::new();
    let ehlos: &[(&str, &str)] = &[
        (
            "removed",
            "250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
        ),
        (
            "renamed XXXXXXXX",
            "250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 XXXXXXXX\r\n",
        ),
        (
            "renamed STARTTLSX",
            "250-fake.test\r\n250-AUTH PLAIN\r\n250 STARTTLSX\r\n",
        ),
        (
            "as a parameter",
            "250-fake.test\r\n250-AUTH PLAIN\r\n250 X-EXT STARTTLS\r\n",
        ),
        ("in the greeting line", "250 fake.test STARTTLS\r\n"),
        ("only domain line", "250 fake.test\r\n"),
        ("AUTH only", "250-fake.test\r\n250 AUTH=LOGIN\r\n"),
    ];
    for (name, ehlo) in ehlos {
        let steps = Steps::starttls(cfg.clone()).on("EHLO", Act::Send(ehlo.as_bytes().to_vec()));
        for allow in [false, true] {
            for case in everywhere(name, &steps, |c| c) {
                let pki = pki.clone();
                jobs.push(Box::pin(async move {
                    let name = case.name.clone();
                    let case = Case {
                        allow_plaintext_auth: allow,
                        ..case
                    };
                    let (r, log) = case
                        .want(&[V::StarttlsNotOffered], Some(Stage::Starttls))
                        .run(pki)
                        .await;
                    assert!(!rx_has(&log, "STARTTLS"), "{name}");
                    assert!(!rx_has(&log, "AUTH"), "{name}");
                    assert!(r.verdict.explanation.contains("did not send your password"));
                }));
            }
        }
    }
    println!("{} scripted runs", all(jobs).await);
}

/// The verdict an unexpected `code` at `point` must give (DESIGN.md §5: by stage and code).
fn verdict_for(point: Point, code: u16) -> V {
    let class = code / 100;
    if code == 421 && point != Point::Quit {
        return V::ServerBusy;
    }
    match point {
        Point::Greeting | Point::Ehlo | Point::EhloTls => match class {
            5 => V::GreetingRefused,
            4 => V::ServerBusy,
            _ => V::NotSmtp,
        },
        Point::Starttls => V::TlsHandshakeFailed,
        Point::Auth => match (class, code) {
            (4, _) => V::ServerBusy,
            (_, 504) => V::AuthMechanismUnsupported,
            _ => V::AuthFailed,
        },
        Point::Mail => match (class, code) {
            (_, 530) => V::AuthRequired,
            (4, _) => V::ServerBusy,
            _ => V::SenderRejected,
        },
        Point::Rcpt => match (class, code) {
            (4, _) => V::ServerBusy,
            (_, 551) => V::RelayDenied,
            _ => V::RecipientRejected,
        },
        Point::Data | Point::DataEnd => match class {
            4 => V::ServerBusy,
            _ => V::MessageRejected,
        },
        Point::Quit => V::Ok,
    }
}

/// Every reply code worth telling apart: each class's generic codes, every code RFC 5321,
/// 3207, 4954 and 3463 users send, and the odd ones at each class's edges.
const CODES: [u16; 44] = [
    200, 211, 214, 220, 221, 235, 250, 251, 252, 299, 300, 334, 354, 399, 400, 420, 421, 432, 450,
    451, 452, 454, 455, 499, 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553,
    554, 555, 556, 571, 598, 599,
];

async fn unexpected_codes(flow: Flow, points: &[Point]) -> usize {
    let pki = Arc::new(Pki::new());
    let cfg = server_cfg(&pki);
    let mut jobs: Vec<Job> = Vec::new();
    let runs = Arc::new(AtomicUsize::new(0));
    for &point in points {
        for code in CODES {
            if code == point.expected() || (point == Point::Rcpt && code == 251) {
                continue;
            }
            // Single-line and multi-line forms alternate with the code, so both are covered.
            let reply = if code % 2 == 0 {
                format!("{code} unexpected\r\n")
            } else {
                format!("{code}-unexpected\r\n{code} really\r\n")
            };
            let mut steps = Steps::starttls(cfg.clone()).on(point.key(), Act::Send(reply.into()));
            if point == Point::Auth {
                // Every answer during sign-in, not only the first.
                steps = steps.on(
                    "AUTH+",
                    Act::Send(format!("{code} unexpected again\r\n").into_bytes()),
                );
            }
            let want = verdict_for(point, code);
            let stage = (point != Point::Quit).then(|| point.stage());
            let pki = pki.clone();
            let runs = runs.clone();
            let name = format!("{code} at {point:?}");
            // The first IP only for most; the v6 loopback for a sample.
            let ip = if code % 5 == 0 { "::1" } else { "127.0.0.1" };
            jobs.push(Box::pin(async move {
                let case = Case::new(name.clone(), ip, flow, steps).want(&[want], stage);
                let (r, log) = case.run(pki).await;
                runs.fetch_add(1, Ordering::Relaxed);
                if point == Point::Quit {
                    // QUIT is sent and its answer not awaited: the verdict does not wait.
                    let quit = r.steps.last().unwrap();
                    assert_eq!(quit.stage, Stage::Quit, "{name}");
                    assert_eq!(quit.status, StepStatus::Ok, "{name}");
                }
                // Encryption was asked for: a sign-in, if any, happened inside TLS.
                let auth: Vec<bool> = log
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|l| l.line.to_ascii_uppercase().starts_with("AUTH"))
                    .map(|l| l.encrypted)
                    .collect();
                assert!(auth.iter().all(|e| *e), "{name}");
                let reached_auth = !matches!(
                    point,
                    Point::Greeting | Point::Ehlo | Point::Starttls | Point::EhloTls
                );
                assert_eq!(!auth.is_empty(), reached_auth, "{name}");
            }));
        }
    }
    all(jobs).await;
    runs.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_unexpected_reply_code_in_a_check_ends_in_its_verdict() {
    let n = unexpected_codes(Flow::Check, &Point::CHECK).await;
    println!("{n} scripted runs");
    assert!(n >= 6 * 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_unexpected_reply_code_in_a_send_ends_in_its_verdict() {
    let n = unexpected_codes(Flow::Send, &Point::SEND).await;
    println!("{n} scripted runs");
    assert!(n >= 10 * 40);
}

/// Sign-in methods real servers have offered, and some nobody has.
const MECHANISMS: [&str; 40] = [
    "PLAIN",
    "LOGIN",
    "CRAM-MD5",
    "DIGEST-MD5",
    "NTLM",
    "GSSAPI",
    "GSS-SPNEGO",
    "XOAUTH",
    "XOAUTH2",
    "OAUTHBEARER",
    "SCRAM-SHA-1",
    "SCRAM-SHA-1-PLUS",
    "SCRAM-SHA-256",
    "SCRAM-SHA-256-PLUS",
    "SCRAM-SHA-512",
    "EXTERNAL",
    "ANONYMOUS",
    "OTP",
    "SKEY",
    "SECURID",
    "KERBEROS_V4",
    "KERBEROS_V5",
    "SRP",
    "PASSDSS-3DES-1",
    "NMAS_LOGIN",
    "NMAS_AUTHEN",
    "9798-U-RSA-SHA1-ENC",
    "EAP-AES128",
    "SAML20",
    "OPENID20",
    "GS2-KRB5",
    "MSN",
    "RPA",
    "APOP",
    "X-PLAIN",
    "XAUTH",
    "plain",
    "Login",
    "PLAIN-CLIENTTOKEN",
    "X-UNKNOWN-9",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dozens_of_auth_mechanisms_offered_without_tls_never_send_auth() {
    let pki = Arc::new(Pki::new());
    let cfg = server_cfg(&pki);
    let mut jobs: Vec<Job> = Vec::new();
    // All at once, in every way servers write them: one AUTH line, one per mechanism, and the
    // old `AUTH=` form.
    let mut many = String::from("250-fake.test\r\n");
    many.push_str(&format!("250-AUTH {}\r\n", MECHANISMS.join(" ")));
    for m in MECHANISMS {
        many.push_str(&format!("250-AUTH {m}\r\n250-AUTH={m}\r\n"));
    }
    let with_starttls = format!("{many}250 STARTTLS\r\n");
    let without = format!("{many}250 8BITMIME\r\n");

    struct Variant {
        name: &'static str,
        security: Security,
        ehlo: String,
        starttls: Option<Act>,
        want: V,
        stage: Option<Stage>,
    }
    let variants = [
        Variant {
            name: "no encryption chosen",
            security: Security::None,
            ehlo: without.clone(),
            starttls: None,
            want: V::PlaintextAuthRefused,
            stage: Some(Stage::Auth),
        },
        Variant {
            name: "STARTTLS chosen, not offered",
            security: Security::Starttls,
            ehlo: without.clone(),
            starttls: None,
            want: V::StarttlsNotOffered,
            stage: Some(Stage::Starttls),
        },
        Variant {
            name: "STARTTLS chosen, refused",
            security: Security::Starttls,
            ehlo: with_starttls.clone(),
            starttls: Some(Act::line("454 4.7.0 TLS not available")),
            want: V::TlsHandshakeFailed,
            stage: Some(Stage::Starttls),
        },
        Variant {
            name: "STARTTLS chosen, works",
            security: Security::Starttls,
            ehlo: with_starttls,
            starttls: None,
            want: V::Ok,
            stage: None,
        },
    ];
    for v in variants {
        let mut steps =
            Steps::starttls(cfg.clone()).on("EHLO", Act::Send(v.ehlo.clone().into_bytes()));
        if let Some(a) = &v.starttls {
            steps = steps.on("STARTTLS", a.clone());
        }
        for case in everywhere(v.name, &steps, |c| c) {
            let pki = pki.clone();
            let (want, stage, security) = (v.want, v.stage, v.security);
            jobs.push(Box::pin(async move {
                let name = case.name.clone();
                let (r, log) = Case { security, ..case }
                    .want(&[want], stage)
                    .run(pki)
                    .await;
                let auth: Vec<bool> = log
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|l| l.line.to_ascii_uppercase().starts_with("AUTH"))
                    .map(|l| l.encrypted)
                    .collect();
                if want == V::Ok {
                    assert_eq!(auth, [true], "{name}: one AUTH, encrypted");
                } else {
                    assert!(auth.is_empty(), "{name}");
                    if security == Security::None {
                        let info = r.server.unwrap();
                        assert!(info.auth_mechanisms.len() >= 38, "{name}");
                    }
                }
            }));
        }
    }
    // Each mechanism alone, offered in the clear on a port without encryption.
    for m in MECHANISMS {
        for flow in FLOWS {
            let steps = Steps::default().on(
                "EHLO",
                Act::Send(format!("250-fake.test\r\n250 AUTH {m}\r\n").into_bytes()),
            );
            let pki = pki.clone();
            jobs.push(Box::pin(async move {
                let case = Case {
                    security: Security::None,
                    ..Case::new(format!("only {m} in the clear"), "127.0.0.1", flow, steps)
                };
                let (_, log) = case
                    .want(&[V::PlaintextAuthRefused], Some(Stage::Auth))
                    .run(pki)
                    .await;
                assert!(!rx_has(&log, "AUTH"), "{m}");
            }));
        }
    }
    println!("{} scripted runs", all(jobs).await);
}
