//! Certificates the check must refuse by default, and the reach of a certificate exception.
//!
//! Each bad certificate is served by a scripted STARTTLS server on loopback that offers AUTH
//! even in the clear (a tempting server); the check is given a password and must refuse the
//! certificate with its verdict, fail at the encryption step, and send no AUTH at all. The
//! exception tests pin one self-signed certificate to one host and port: it must not carry
//! over to another host name of the same machine, another port or another certificate.
//!
//! Covered elsewhere, not repeated here: the same failures against real Postfix
//! (`engine_real.rs`: `real_certificate_failures_get_their_codes`,
//! `real_starttls_certificate_failures_get_their_codes`), the fixes offered for a wrong name
//! (`engine_scripted.rs`: `certificate_for_another_name_names_the_valid_ones`), the exception
//! with another port or fingerprint in one flow
//! (`self_signed_is_untrusted_until_pinned_for_this_host_and_port_only`) and an interception
//! CA (`antivirus_interception_ca_is_named_in_the_diagnosis`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::sync::Arc;

use engine_support::*;
use portolan_core::check::{check, Report, Stage};
use portolan_core::ports::Security;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::{CertException, SmtpSettings};
use portolan_core::tls::Trust;
use portolan_core::verdict::VerdictCode;
use portolan_test_support::pki::{self, leaf, TestCa};
use rcgen::{BasicConstraints, IsCa};

/// The engine's trust: the platform plus `ca`.
fn trust(ca: &TestCa) -> Trust {
    Trust::with_extra_ca_pem(ca.pem.as_bytes()).unwrap()
}

/// A self-signed server config for `names`, and its fingerprint.
fn self_signed(names: &[&str]) -> (Arc<rustls::ServerConfig>, String) {
    let (cfg, der) = pki::self_signed(names);
    (cfg, portolan_core::tls::sha256_hex(&der))
}

fn pw() -> Sensitive<String> {
    Sensitive::new(CANARY.to_owned())
}

/// Checks a STARTTLS server presenting `cfg`, signing in as alice; returns the report and
/// whether any AUTH line reached the server (in the clear or encrypted).
async fn check_starttls(cfg: Arc<rustls::ServerConfig>, trust: Option<Trust>) -> (Report, bool) {
    let (port, log) = serve_steps(Steps::starttls(cfg)).await;
    let s = settings(port, Security::Starttls, Some("alice"));
    let r = check(&s, Some(&pw()), &quick(trust), &()).await.unwrap();
    let auth = log
        .lock()
        .unwrap()
        .iter()
        .any(|rx| rx.line.to_ascii_uppercase().starts_with("AUTH"));
    (r, auth)
}

/// The refusal every bad certificate gets: its verdict, a certificate title, the encryption
/// step failed, not verified, no sign-in and nothing of the password in the report.
fn assert_refused(r: &Report, sent_auth: bool, code: VerdictCode) {
    assert_eq!(r.verdict.code, code, "{:#?}", r.verdict);
    assert!(
        r.verdict.title.contains("certificate"),
        "{}",
        r.verdict.title
    );
    assert_eq!(r.failed_stage(), Some(Stage::Tls), "{:#?}", r.steps);
    let tls = r.tls.as_ref().unwrap();
    assert!(!tls.verified);
    assert!(!tls.exception_used);
    assert!(!sent_auth, "AUTH was sent despite the bad certificate");
    assert!(!r.steps.iter().any(|s| s.stage == Stage::Auth));
    assert_no_secret(&serde_json::to_string(r).unwrap(), "alice", CANARY);
}

#[tokio::test]
async fn a_good_certificate_from_the_trusted_ca_signs_in() {
    // The control: the same server with a valid certificate works, so each refusal below is
    // about the certificate alone.
    let ca = TestCa::new("Portolan Certificates Test CA");
    let (r, auth) = check_starttls(ca.sign(leaf(&["127.0.0.1"])), Some(trust(&ca))).await;
    assert_eq!(r.verdict.code, VerdictCode::Ok, "{:#?}", r.verdict);
    assert!(auth);
    assert!(r.tls.unwrap().verified);
}

#[tokio::test]
async fn expired_certificate_is_refused() {
    let ca = TestCa::new("Portolan Certificates Test CA");
    let mut p = leaf(&["127.0.0.1"]);
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let (r, auth) = check_starttls(ca.sign(p), Some(trust(&ca))).await;
    assert_refused(&r, auth, VerdictCode::CertExpired);
    assert!(
        r.verdict.explanation.contains("1 January 2021"),
        "{}",
        r.verdict.explanation
    );
}

#[tokio::test]
async fn not_yet_valid_certificate_is_refused() {
    let ca = TestCa::new("Portolan Certificates Test CA");
    let mut p = leaf(&["127.0.0.1"]);
    p.not_before = rcgen::date_time_ymd(2090, 1, 1);
    p.not_after = rcgen::date_time_ymd(2091, 1, 1);
    let (r, auth) = check_starttls(ca.sign(p), Some(trust(&ca))).await;
    assert_refused(&r, auth, VerdictCode::CertExpired);
    assert_eq!(r.verdict.title, "The server's certificate is not valid yet");
    let e = &r.verdict.explanation;
    assert!(
        e.contains("1 January 2090") && e.contains("date and time"),
        "{e}"
    );
    assert!(!e.contains("has expired") && !r.verdict.title.contains("expired"));
}

#[tokio::test]
async fn self_signed_certificate_is_refused() {
    let (cfg, _) = self_signed(&["127.0.0.1"]);
    let (r, auth) = check_starttls(cfg, None).await;
    assert_refused(&r, auth, VerdictCode::CertUntrusted);
    assert!(r.tls.as_ref().unwrap().chain[0].self_signed);
    assert!(r.verdict.explanation.contains("self-signed"));
}

#[tokio::test]
async fn certificate_for_another_name_is_refused() {
    let ca = TestCa::new("Portolan Certificates Test CA");
    let (r, auth) = check_starttls(ca.sign(leaf(&["mail.other.test"])), Some(trust(&ca))).await;
    assert_refused(&r, auth, VerdictCode::CertNameMismatch);
}

#[tokio::test]
async fn certificate_from_an_unknown_ca_is_refused() {
    let trusted = TestCa::new("Portolan Certificates Test CA");
    let unknown = TestCa::new("Some Other CA");
    let (r, auth) = check_starttls(unknown.sign(leaf(&["127.0.0.1"])), Some(trust(&trusted))).await;
    assert_refused(&r, auth, VerdictCode::CertUntrusted);
    assert!(
        r.verdict.explanation.contains("Some Other CA"),
        "{}",
        r.verdict.explanation
    );
}

#[tokio::test]
async fn ca_certificate_used_as_the_server_certificate_is_refused() {
    // Signed by the trusted CA and for the right name, but marked as an authority
    // (basicConstraints CA:TRUE): not a server's certificate.
    let ca = TestCa::new("Portolan Certificates Test CA");
    let mut p = leaf(&["127.0.0.1"]);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let (r, auth) = check_starttls(ca.sign(p), Some(trust(&ca))).await;
    assert_refused(&r, auth, VerdictCode::CertUntrusted);
    // The explanation must not blame the (trusted) issuer.
    assert!(
        !r.verdict.explanation.contains("does not trust"),
        "{}",
        r.verdict.explanation
    );
    assert!(
        r.verdict.explanation.contains("authority"),
        "{}",
        r.verdict.explanation
    );
}

// ---------------------------------------------------------------------------------------------
// The exception: one host, one port, one certificate.

/// An implicit-TLS server presenting `cfg`.
async fn tls_server(cfg: Arc<rustls::ServerConfig>) -> u16 {
    serve_steps(Steps {
        implicit_tls: Some(cfg),
        ..Steps::default()
    })
    .await
    .0
}

fn pinned(host: &str, port: u16, exception: (&str, u16, &str)) -> SmtpSettings {
    SmtpSettings {
        host: host.into(),
        cert_exception: Some(CertException {
            host: exception.0.into(),
            port: exception.1,
            sha256: exception.2.into(),
        }),
        ..settings(port, Security::Tls, None)
    }
}

async fn verdict(s: &SmtpSettings) -> (VerdictCode, bool) {
    let r = check(s, None, &quick(None), &()).await.unwrap();
    let used = r.tls.as_ref().is_some_and(|t| t.exception_used);
    (r.verdict.code, used)
}

#[tokio::test]
async fn the_exact_exception_is_honoured_whatever_the_case_or_final_dot() {
    let (cfg, sha) = self_signed(&["localhost", "127.0.0.1"]);
    let port = tls_server(cfg).await;
    for (host, exception_host) in [
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        ("localhost", "LOCALHOST."),
        ("LocalHost.", "localhost"),
    ] {
        let s = pinned(host, port, (exception_host, port, &sha));
        assert_eq!(
            verdict(&s).await,
            (VerdictCode::OkWithoutAuth, true),
            "{host} with an exception for {exception_host}"
        );
    }
}

#[tokio::test]
async fn exception_does_not_carry_over_to_another_host() {
    // The same machine, the same port, the same certificate (valid for both names), reached
    // by another name: the exception made for 127.0.0.1 does not apply to localhost.
    let (cfg, sha) = self_signed(&["localhost", "127.0.0.1"]);
    let port = tls_server(cfg).await;
    let s = pinned("localhost", port, ("127.0.0.1", port, &sha));
    assert_eq!(verdict(&s).await, (VerdictCode::CertUntrusted, false));
    let s = pinned("127.0.0.1", port, ("localhost", port, &sha));
    assert_eq!(verdict(&s).await, (VerdictCode::CertUntrusted, false));
}

#[tokio::test]
async fn exception_does_not_carry_over_to_another_port() {
    // The very same certificate served on two ports: pinned for the first only.
    let (cfg, sha) = self_signed(&["127.0.0.1"]);
    let first = tls_server(cfg.clone()).await;
    let second = tls_server(cfg).await;
    let s = pinned("127.0.0.1", second, ("127.0.0.1", first, &sha));
    assert_eq!(verdict(&s).await, (VerdictCode::CertUntrusted, false));
    let s = pinned("127.0.0.1", first, ("127.0.0.1", first, &sha));
    assert_eq!(verdict(&s).await, (VerdictCode::OkWithoutAuth, true));
}

#[tokio::test]
async fn exception_does_not_carry_over_to_another_certificate() {
    // Same host, same port, but the server now presents another certificate (replaced, or
    // someone in the middle): the pinned fingerprint no longer matches.
    let (old_cfg, old_sha) = self_signed(&["127.0.0.1"]);
    let (new_cfg, new_sha) = self_signed(&["127.0.0.1"]);
    assert_ne!(old_sha, new_sha);
    drop(old_cfg);
    let port = tls_server(new_cfg).await;
    let s = pinned("127.0.0.1", port, ("127.0.0.1", port, &old_sha));
    assert_eq!(verdict(&s).await, (VerdictCode::CertUntrusted, false));
    let s = pinned("127.0.0.1", port, ("127.0.0.1", port, &new_sha));
    assert_eq!(verdict(&s).await, (VerdictCode::OkWithoutAuth, true));
}
