//! TLS for SMTP: the rustls session, the trust decision (platform verifier, an extra CA file,
//! a pinned per-host exception), and a summary of what the server presented, captured even
//! when verification fails so the user can be told what is wrong with the certificate.
//!
//! `trust` decides whom to trust, `verifier` checks and captures what the server presented,
//! `cert` puts a certificate and its problems into words; the handshake itself is here.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls_pki_types::ServerName;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use ts_rs::TS;

use crate::settings::CertException;

mod cert;
mod trust;
mod verifier;

use cert::*;
pub use cert::{iso8601, summarise_cert};
pub use trust::{Trust, TrustError};
use verifier::*;
pub use verifier::{normalise_fingerprint, sha256_hex};

/// Issuer words of products that intercept encrypted connections (antivirus, company
/// firewalls). A certificate issued by one of them means the connection is being inspected
/// on this computer or network, not that the mail server is wrong.
const INTERCEPTORS: &[&str] = &[
    "Avast",
    "AVG",
    "Kaspersky",
    "ESET",
    "Bitdefender",
    "Norton",
    "McAfee",
    "Sophos",
    "Trend Micro",
    "Fortinet",
    "FortiGate",
    "Zscaler",
    "Netskope",
    "Palo Alto",
    "Blue Coat",
    "Forcepoint",
    "Check Point",
    "Cisco Umbrella",
    "WatchGuard",
    "Barracuda",
];

/// One certificate of the chain, in words a helpdesk can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CertSummary {
    /// Who the certificate is for (distinguished name).
    pub subject: String,
    /// Who issued it.
    pub issuer: String,
    /// The names it is valid for (DNS names and IP addresses).
    pub names: Vec<String>,
    /// Valid from (UTC, ISO 8601).
    pub not_before: String,
    /// Valid until (UTC, ISO 8601).
    pub not_after: String,
    /// SHA-256 of the certificate, lowercase hex with colons.
    pub sha256: String,
    /// Issued by itself.
    pub self_signed: bool,
}

/// What was negotiated and presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TlsInfo {
    /// "TLS 1.3", "TLS 1.2"; `None` when the handshake did not complete.
    pub version: Option<String>,
    /// The cipher suite; `None` when the handshake did not complete.
    pub cipher: Option<String>,
    /// The chain the server sent, server certificate first.
    pub chain: Vec<CertSummary>,
    /// Whether the certificate was verified (trusted, valid, for this name).
    pub verified: bool,
    /// Why verification failed, in words.
    pub verify_error: Option<String>,
    /// The user's pinned exception was what made this certificate accepted.
    pub exception_used: bool,
    /// The product intercepting the connection, if the issuer is a known one.
    pub interception: Option<String>,
}

/// How the certificate failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProblem {
    /// Past its end date.
    Expired,
    /// Before its start date.
    NotYetValid,
    /// For another name.
    NameMismatch,
    /// Not from a trusted authority (includes self-signed).
    Untrusted,
    /// Not linked to a trusted authority because the server sent its certificate alone: it
    /// names where its issuer's certificate is (authority information access), so an
    /// intermediate certificate is missing from what the server sends.
    IncompleteChain,
    /// A certificate that cannot identify a server: an authority's (CA) certificate, or one
    /// not made for servers.
    NotForServer,
    /// Anything else (revoked, bad encoding, …).
    Other,
}

/// Why a TLS handshake failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    /// The certificate was refused.
    Cert(CertProblem),
    /// The server answered with something that is not TLS (e.g. a plain `220` greeting).
    NotTls,
    /// The server closed the connection during the handshake.
    Closed,
    /// No answer in time.
    Timeout,
    /// The server speaks only TLS 1.0 or 1.1, which Portolan (like current systems) refuses:
    /// it answered with a `protocol_version` alert or an old version.
    OutdatedVersion,
    /// Another handshake error (no common version or cipher, alert, …).
    Other(String),
}

/// The SNI / verification name for `host` (an IP address or a DNS name).
fn server_name(host: &str) -> Result<ServerName<'static>, TlsFailure> {
    let h = host.trim().trim_end_matches('.');
    ServerName::try_from(h.to_owned())
        .map_err(|_| TlsFailure::Other(format!("\"{h}\" is not a valid server name")))
}

/// Runs the TLS handshake over `tcp`, bounded by `timeout`. The exception applies only when
/// its host and port are these.
pub async fn handshake(
    tcp: TcpStream,
    host: &str,
    port: u16,
    trust: &Trust,
    exception: Option<&CertException>,
    timeout: Duration,
) -> (
    Result<Box<TlsStream<TcpStream>>, TlsFailure>,
    Option<TlsInfo>,
) {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let pinned_sha256 = exception
        .filter(|e| e.port == port && same_host(&e.host, host))
        .map(|e| normalise_fingerprint(&e.sha256));
    let verifier = CapturingVerifier {
        inner: trust.verifier.clone(),
        captured: captured.clone(),
        pinned_sha256,
    };
    let config = match trust.config_verified_by(Arc::new(verifier)) {
        Ok(c) => c,
        Err(e) => return (Err(TlsFailure::Other(e.to_string())), None),
    };
    let name = match server_name(host) {
        Ok(n) => n,
        Err(e) => return (Err(e), None),
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let result = tokio::time::timeout(timeout, connector.connect(name, tcp)).await;
    let cap = std::mem::take(&mut *captured.lock().unwrap_or_else(|p| p.into_inner()));
    let mut info = (!cap.chain.is_empty()).then(|| summarise(&cap));
    match result {
        Err(_) => (Err(TlsFailure::Timeout), info),
        Ok(Ok(stream)) => {
            let session = stream.get_ref().1;
            let mut i = info.unwrap_or_else(|| summarise(&cap));
            i.version = session.protocol_version().map(version_name);
            i.cipher = session
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()));
            info = Some(i);
            (Ok(Box::new(stream)), info)
        }
        Ok(Err(e)) => {
            let failure = match &cap.error {
                Some(rustls::Error::InvalidCertificate(c)) => {
                    TlsFailure::Cert(cert_problem_for(c, &cap.chain))
                }
                Some(other) => from_rustls(other),
                None => classify_io(&e),
            };
            (Err(failure), info)
        }
    }
}

/// A handshake error that is not about the certificate: an outdated server is told apart
/// by the alert or the version it answered with.
fn from_rustls(e: &rustls::Error) -> TlsFailure {
    match e {
        rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)
        | rustls::Error::PeerIncompatible(
            rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13
            | rustls::PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        ) => TlsFailure::OutdatedVersion,
        other => TlsFailure::Other(other.to_string()),
    }
}

fn classify_io(e: &std::io::Error) -> TlsFailure {
    if let Some(r) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match r {
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                TlsFailure::NotTls
            }
            rustls::Error::InvalidCertificate(c) => TlsFailure::Cert(cert_problem(c)),
            other => from_rustls(other),
        };
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::BrokenPipe => TlsFailure::Closed,
        _ => TlsFailure::Other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_known_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn fingerprints_compare_however_typed() {
        assert_eq!(normalise_fingerprint("AB:cd:01"), "abcd01");
        assert_eq!(normalise_fingerprint("abcd01"), "abcd01");
    }
}
