//! The engine against the real local Postfix + Dovecot started by `scripts/test-servers.sh`
//! (keys in the file named by `PORTOLAN_TEST_SERVERS`). Without that variable these tests
//! print a note and pass, unless `PORTOLAN_REQUIRE_SERVERS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::path::Path;
use std::time::{Duration, Instant};

use engine_support::assert_no_secret;
use portolan_core::check::{check, CheckOptions, Report, Stage};
use portolan_core::ports::Security;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;
use portolan_core::verdict::{FixKind, VerdictCode};
use portolan_test_support::{test_servers, TestServers};

struct Env(TestServers);

impl Env {
    fn load() -> Option<Self> {
        test_servers().map(Self)
    }

    fn get(&self, k: &str) -> String {
        self.0.get(k).to_owned()
    }

    fn port(&self, k: &str) -> u16 {
        self.0.port(k)
    }

    fn settings(&self, port_key: &str, security: Security, user: bool) -> SmtpSettings {
        SmtpSettings {
            host: self.get("PORTOLAN_TEST_HOST"),
            port: self.port(port_key),
            security,
            username: user.then(|| self.get("PORTOLAN_TEST_USER")),
            from: self.get("PORTOLAN_TEST_ADDRESS"),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
    }

    fn password(&self) -> Sensitive<String> {
        Sensitive::new(self.get("PORTOLAN_TEST_PASSWORD"))
    }

    fn opts(&self) -> CheckOptions {
        CheckOptions {
            connect_timeout: Duration::from_secs(3),
            command_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(20),
            trust: Some(
                Trust::with_extra_ca_file(Path::new(&self.get("PORTOLAN_TEST_CA_FILE"))).unwrap(),
            ),
            ..CheckOptions::default()
        }
    }

    fn no_secret(&self, r: &Report) {
        let text = format!("{}\n{r:?}", serde_json::to_string(r).unwrap());
        assert_no_secret(
            &text,
            &self.get("PORTOLAN_TEST_USER"),
            &self.get("PORTOLAN_TEST_PASSWORD"),
        );
    }
}

#[tokio::test]
async fn real_submission_with_starttls_and_auth_works() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_SUBMISSION_PORT", Security::Starttls, true);
    let r = check(&s, Some(&env.password()), &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Ok, "{r:#?}");
    let info = r.server.as_ref().unwrap();
    assert!(info.encrypted);
    assert!(info.auth_mechanisms.iter().any(|m| m == "PLAIN"));
    assert!(r.tls.as_ref().unwrap().verified);
    env.no_secret(&r);
}

#[tokio::test]
async fn real_submissions_with_implicit_tls_and_auth_works() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Tls, true);
    let r = check(&s, Some(&env.password()), &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Ok, "{r:#?}");
    env.no_secret(&r);
}

#[tokio::test]
async fn real_wrong_password_is_auth_failed_and_not_recorded() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Tls, true);
    let wrong = "Wrong-Canary-Pa55-x1";
    let r = check(
        &s,
        Some(&Sensitive::new(wrong.to_owned())),
        &env.opts(),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::AuthFailed, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::Auth));
    let text = format!("{}\n{r:?}", serde_json::to_string(&r).unwrap());
    assert_no_secret(&text, &env.get("PORTOLAN_TEST_USER"), wrong);
}

#[tokio::test]
async fn real_submission_refuses_auth_before_starttls_when_plain_is_chosen() {
    let Some(env) = Env::load() else { return };
    // With "no encryption" the engine must not send the password (and Postfix would not
    // offer AUTH before TLS anyway: either way, no password leaves).
    let s = env.settings("PORTOLAN_TEST_SUBMISSION_PORT", Security::None, true);
    let r = check(&s, Some(&env.password()), &env.opts(), &())
        .await
        .unwrap();
    assert!(
        matches!(
            r.verdict.code,
            VerdictCode::PlaintextAuthRefused | VerdictCode::AuthNotOffered
        ),
        "{r:#?}"
    );
    assert!(!r.transcript.iter().any(|l| l.text.starts_with("AUTH")));
}

#[tokio::test]
async fn real_certificate_failures_get_their_codes() {
    let Some(env) = Env::load() else { return };
    for (key, code) in [
        ("PORTOLAN_TEST_EXPIRED_PORT", VerdictCode::CertExpired),
        ("PORTOLAN_TEST_SELFSIGNED_PORT", VerdictCode::CertUntrusted),
        (
            "PORTOLAN_TEST_WRONGNAME_PORT",
            VerdictCode::CertNameMismatch,
        ),
        ("PORTOLAN_TEST_UNKNOWNCA_PORT", VerdictCode::CertUntrusted),
    ] {
        let s = env.settings(key, Security::Tls, true);
        let r = check(&s, Some(&env.password()), &env.opts(), &())
            .await
            .unwrap();
        assert_eq!(r.verdict.code, code, "{key}: {:#?}", r.verdict);
        assert_eq!(r.failed_stage(), Some(Stage::Tls), "{key}");
        assert!(
            !r.tls.as_ref().unwrap().chain.is_empty(),
            "{key}: the chain is captured even though verification failed"
        );
        assert!(!r.transcript.iter().any(|l| l.text.starts_with("AUTH")));
        if code == VerdictCode::CertNameMismatch {
            assert!(
                r.verdict.explanation.contains("wrong.example"),
                "{}",
                r.verdict.explanation
            );
            assert!(r.verdict.fixes.iter().any(|f| f.kind == FixKind::UseHost));
        }
    }
}

#[tokio::test]
async fn real_pinned_exception_accepts_the_self_signed_server() {
    let Some(env) = Env::load() else { return };
    let mut s = env.settings("PORTOLAN_TEST_SELFSIGNED_PORT", Security::Tls, true);
    let r = check(&s, None, &env.opts(), &()).await.unwrap();
    let fix = r
        .verdict
        .fixes
        .iter()
        .find(|f| f.kind == FixKind::TrustCertificate)
        .unwrap();
    s.cert_exception = fix.settings_patch.clone().unwrap().cert_exception;
    let r = check(&s, None, &env.opts(), &()).await.unwrap();
    assert!(r.verdict.code.is_ok(), "{:#?}", r.verdict);
    assert!(r.tls.unwrap().exception_used);
}

#[tokio::test]
async fn real_mismatch_in_both_directions_proposes_the_working_mode() {
    let Some(env) = Env::load() else { return };
    // Encrypted-from-the-start on the STARTTLS port.
    let s = env.settings("PORTOLAN_TEST_SUBMISSION_PORT", Security::Tls, false);
    let r = check(&s, None, &env.opts(), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::SecurityMismatch, "{r:#?}");
    assert_eq!(
        r.verdict.fixes[0].settings_patch.as_ref().unwrap().security,
        Some(Security::Starttls)
    );
    // STARTTLS on the implicit-TLS port: no greeting, a TLS attempt finds it out.
    let s = env.settings("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Starttls, false);
    let mut o = env.opts();
    o.command_timeout = Duration::from_secs(2);
    let began = Instant::now();
    let r = check(&s, None, &o, &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::SecurityMismatch, "{r:#?}");
    assert_eq!(
        r.verdict.fixes[0].settings_patch.as_ref().unwrap().security,
        Some(Security::Tls)
    );
    assert!(began.elapsed() < Duration::from_secs(6));
}

#[tokio::test]
async fn real_implicit_tls_port_checked_with_starttls_is_a_mismatch_before_the_greeting_bound() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Starttls, false);
    // The default greeting bound (10 s): a silent port is tried with encryption long before.
    let o = CheckOptions {
        command_timeout: Duration::from_secs(10),
        ..env.opts()
    };
    let began = Instant::now();
    let r = check(&s, None, &o, &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::SecurityMismatch, "{r:#?}");
    assert_eq!(
        r.verdict.fixes[0].settings_patch.as_ref().unwrap().security,
        Some(Security::Tls)
    );
    assert_eq!(r.failed_stage(), Some(Stage::Greeting));
    // Hang guard only (the figure is the benchmark's): well under the 10 s bound.
    assert!(
        began.elapsed() < Duration::from_secs(8),
        "{:?}",
        began.elapsed()
    );
}

#[tokio::test]
async fn real_closed_port_is_connection_refused() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_CLOSED_PORT", Security::Starttls, false);
    let r = check(&s, None, &env.opts(), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::ConnectionRefused);
}

#[tokio::test]
async fn real_relay_port_offers_no_auth() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_RELAY_PORT", Security::Starttls, true);
    let r = check(&s, Some(&env.password()), &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::AuthNotOffered, "{r:#?}");
    let s = env.settings("PORTOLAN_TEST_RELAY_PORT", Security::Starttls, false);
    let r = check(&s, None, &env.opts(), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::OkWithoutAuth, "{r:#?}");
}

fn maildir_count(dir: &str) -> usize {
    std::fs::read_dir(Path::new(dir).join("new"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn real_test_email_arrives_in_the_mailbox() {
    let Some(env) = Env::load() else { return };
    let maildir = env.get("PORTOLAN_TEST_MAILDIR");
    let before = maildir_count(&maildir);
    let s = env.settings("PORTOLAN_TEST_SUBMISSION_PORT", Security::Starttls, true);
    let r = portolan_core::send::send_test(&s, Some(&env.password()), None, &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::Ok, "{r:#?}");
    let sent = r.sent.as_ref().unwrap();
    assert_eq!(sent.code, 250);
    env.no_secret(&r);
    let deadline = Instant::now() + Duration::from_secs(10);
    while maildir_count(&maildir) <= before {
        assert!(
            Instant::now() < deadline,
            "the test email did not arrive in {maildir}/new"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let newest = std::fs::read_dir(Path::new(&maildir).join("new"))
        .unwrap()
        .filter_map(Result::ok)
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .unwrap();
    let text = std::fs::read_to_string(newest.path()).unwrap();
    // The delivered message is the one the report names: same Message-ID, same code.
    assert_eq!(r.verdict.title, "The server accepted your test email");
    assert!(sent.message_id.starts_with('<') && sent.message_id.ends_with('>'));
    assert!(
        text.contains(&format!("Message-ID: {}", sent.message_id))
            || text.contains(&format!("Message-Id: {}", sent.message_id)),
        "{text}"
    );
    assert!(
        text.contains(&format!("Subject: Portolan test {}", sent.test_code)),
        "{text}"
    );
    assert!(text.contains("MIME-Version: 1.0"), "{text}");
}

#[tokio::test]
async fn real_refusals_get_relay_recipient_codes() {
    let Some(env) = Env::load() else { return };
    // Relay port, no sign-in, mail to another domain: relay denied.
    let s = env.settings("PORTOLAN_TEST_RELAY_PORT", Security::Starttls, false);
    let r = portolan_core::send::send_test(
        &s,
        None,
        Some("someone@elsewhere.example"),
        &env.opts(),
        &(),
    )
    .await
    .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::RelayDenied, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::RcptTo));
    // Signed in, to the address the server rejects: recipient refused.
    let s = env.settings("PORTOLAN_TEST_SUBMISSION_PORT", Security::Starttls, true);
    let to = env.get("PORTOLAN_TEST_REJECT_ADDRESS");
    let r = portolan_core::send::send_test(&s, Some(&env.password()), Some(&to), &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::RecipientRejected, "{r:#?}");
}

#[tokio::test]
async fn real_probe_recommends_implicit_tls_over_starttls() {
    let Some(env) = Env::load() else { return };
    use portolan_core::probe::{probe, PortState, ProbeCandidate, ProbeOptions};
    let candidates = [
        ProbeCandidate::new(env.port("PORTOLAN_TEST_SUBMISSIONS_PORT"), Security::Tls),
        ProbeCandidate::new(
            env.port("PORTOLAN_TEST_SUBMISSION_PORT"),
            Security::Starttls,
        ),
        ProbeCandidate::new(env.port("PORTOLAN_TEST_CLOSED_PORT"), Security::Starttls),
        ProbeCandidate::new(env.port("PORTOLAN_TEST_RELAY_PORT"), Security::Starttls),
    ];
    let opts = ProbeOptions {
        trust: env.opts().trust,
        stagger: Duration::from_millis(50),
        ..ProbeOptions::default()
    };
    let r = probe(&env.get("PORTOLAN_TEST_HOST"), &candidates, &opts, &())
        .await
        .unwrap();
    assert_eq!(r.recommended, Some(candidates[0]), "{r:#?}");
    assert_eq!(r.results[1].state, PortState::Works);
    assert_eq!(r.results[2].state, PortState::Refused);
    assert_eq!(r.results[3].state, PortState::Works);
}

#[tokio::test]
async fn real_busy_and_tempfail_answers_are_server_busy() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_BUSY_PORT", Security::Starttls, false);
    let r = check(&s, None, &env.opts(), &()).await.unwrap();
    assert_eq!(r.verdict.code, VerdictCode::ServerBusy, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::Greeting));

    let s = env.settings("PORTOLAN_TEST_TEMPFAIL_PORT", Security::None, false);
    let r = portolan_core::send::send_test(&s, None, None, &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::ServerBusy, "{r:#?}");
    assert_eq!(r.failed_stage(), Some(Stage::MailFrom));
}

#[tokio::test]
async fn real_cleartext_auth_port_never_gets_the_password() {
    let Some(env) = Env::load() else { return };
    let s = env.settings("PORTOLAN_TEST_PLAIN_AUTH_PORT", Security::None, true);
    let r = check(&s, Some(&env.password()), &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::PlaintextAuthRefused, "{r:#?}");
    assert!(!r.transcript.iter().any(|l| l.text.starts_with("AUTH")));
    // Asking for STARTTLS there is refused before any sign-in, too.
    let s = env.settings("PORTOLAN_TEST_PLAIN_AUTH_PORT", Security::Starttls, true);
    let r = check(&s, Some(&env.password()), &env.opts(), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, VerdictCode::StarttlsNotOffered, "{r:#?}");
}

#[tokio::test]
async fn real_starttls_certificate_failures_get_their_codes() {
    let Some(env) = Env::load() else { return };
    for (key, code) in [
        (
            "PORTOLAN_TEST_STARTTLS_EXPIRED_PORT",
            VerdictCode::CertExpired,
        ),
        (
            "PORTOLAN_TEST_STARTTLS_SELFSIGNED_PORT",
            VerdictCode::CertUntrusted,
        ),
        (
            "PORTOLAN_TEST_STARTTLS_WRONGNAME_PORT",
            VerdictCode::CertNameMismatch,
        ),
        (
            "PORTOLAN_TEST_STARTTLS_UNKNOWNCA_PORT",
            VerdictCode::CertUntrusted,
        ),
    ] {
        if env.0.try_get(key).is_none() {
            continue;
        }
        let s = env.settings(key, Security::Starttls, true);
        let r = check(&s, Some(&env.password()), &env.opts(), &())
            .await
            .unwrap();
        assert_eq!(r.verdict.code, code, "{key}: {:#?}", r.verdict);
        assert!(!r.transcript.iter().any(|l| l.text.starts_with("AUTH")));
    }
}
