//! TLS for SMTP: the rustls session, the trust decision (platform verifier, an extra CA file,
//! a pinned per-host exception), and a summary of what the server presented, captured even
//! when verification fails so the user can be told what is wrong with the certificate.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::settings::CertException;

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

/// The certificate authorities to trust: the platform's, plus an optional extra CA file.
#[derive(Clone)]
pub struct Trust {
    verifier: Arc<dyn ServerCertVerifier>,
    provider: Arc<CryptoProvider>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trust { .. }")
    }
}

fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

impl Trust {
    /// The platform's trusted authorities (loaded once per process).
    pub fn platform() -> Result<Self, TrustError> {
        static PLATFORM: OnceLock<Result<Arc<dyn ServerCertVerifier>, String>> = OnceLock::new();
        let v = PLATFORM.get_or_init(|| {
            rustls_platform_verifier::Verifier::new(provider())
                .map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
                .map_err(|e| e.to_string())
        });
        match v {
            Ok(v) => Ok(Self {
                verifier: v.clone(),
                provider: provider(),
            }),
            Err(e) => Err(TrustError::StoreUnavailable(e.clone())),
        }
    }

    /// The platform's authorities plus those in a PEM file (e.g. a company or test CA).
    pub fn with_extra_ca_file(path: &Path) -> Result<Self, TrustError> {
        let bad = |why: String| TrustError::CaFile {
            path: path.display().to_string(),
            why,
        };
        let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        Self::with_extra_ca_pem(&pem).map_err(|e| match e {
            TrustError::CaPem(why) => bad(why),
            other => other,
        })
    }

    /// The platform's authorities plus the certificates in `pem`.
    pub fn with_extra_ca_pem(pem: &[u8]) -> Result<Self, TrustError> {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<_, _>>()
            .map_err(|e| TrustError::CaPem(e.to_string()))?;
        if certs.is_empty() {
            return Err(TrustError::CaPem("it contains no certificate".into()));
        }
        let v = rustls_platform_verifier::Verifier::new_with_extra_roots(certs, provider())
            .map_err(|e| TrustError::CaPem(e.to_string()))?;
        Ok(Self {
            verifier: Arc::new(v),
            provider: provider(),
        })
    }

    /// A rustls client configuration that trusts these authorities: the engine's provider
    /// (ring), the safe default protocol versions, no client certificate. Used for SMTP and
    /// for discovery's web requests alike.
    pub fn client_config(&self) -> Result<ClientConfig, rustls::Error> {
        self.config_verified_by(self.verifier.clone())
    }

    /// The same configuration, with `verifier` making the decision (the handshake wraps the
    /// trust's own verifier to capture what the server presented).
    fn config_verified_by(
        &self,
        verifier: Arc<dyn ServerCertVerifier>,
    ) -> Result<ClientConfig, rustls::Error> {
        Ok(ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth())
    }
}

/// Why the certificate authorities to trust could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// The platform's list of authorities could not be read.
    #[error("This computer's list of trusted certificate authorities could not be read ({0}).")]
    StoreUnavailable(String),
    /// A CA file could not be read or holds no usable certificate.
    #[error("The CA file {path} could not be used: {why}.")]
    CaFile {
        /// The file as given.
        path: String,
        /// Why.
        why: String,
    },
    /// Extra CA certificates given as PEM hold no usable certificate.
    #[error("The extra certificate authority could not be used: {0}.")]
    CaPem(String),
}

impl TrustError {
    /// Why, without the sentence around it (e.g. "it contains no certificate").
    pub fn reason(&self) -> String {
        match self {
            TrustError::StoreUnavailable(why)
            | TrustError::CaFile { why, .. }
            | TrustError::CaPem(why) => why.clone(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            TrustError::StoreUnavailable(_) => ErrorCode::TrustStoreUnavailable,
            TrustError::CaFile { .. } | TrustError::CaPem(_) => ErrorCode::CaFileInvalid,
        }
    }
}

impl From<TrustError> for UserError {
    fn from(e: TrustError) -> Self {
        UserError::with_code_hint(e.code(), e.to_string())
    }
}

/// What the verifier saw, kept for the report even when the handshake fails.
#[derive(Debug, Default)]
struct Captured {
    chain: Vec<CertificateDer<'static>>,
    error: Option<rustls::Error>,
    exception_used: bool,
}

/// Delegates to the real verifier, records the chain and the result, and applies the
/// pinned exception (only for its own host, port and fingerprint).
#[derive(Debug)]
struct CapturingVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    captured: Arc<Mutex<Captured>>,
    pinned_sha256: Option<String>,
}

impl ServerCertVerifier for CapturingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let mut cap = self.captured.lock().unwrap_or_else(|p| p.into_inner());
        cap.chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                let pinned = self
                    .pinned_sha256
                    .as_deref()
                    .is_some_and(|p| p == normalise_fingerprint(&sha256_hex(end_entity)));
                cap.error = Some(e.clone());
                if pinned {
                    cap.exception_used = true;
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(e)
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Lowercase hex without separators, for comparing fingerprints however they were typed.
pub fn normalise_fingerprint(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// SHA-256 of a certificate, lowercase hex with colons.
pub fn sha256_hex(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Whether an exception's host names `host`: case and a final dot aside, in ASCII form.
fn same_host(exception_host: &str, host: &str) -> bool {
    let norm = |h: &str| {
        let a = crate::settings::host_ascii(h).unwrap_or_else(|()| h.trim().to_owned());
        a.trim_end_matches('.').to_ascii_lowercase()
    };
    norm(exception_host) == norm(host)
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

fn cert_problem(c: &CertificateError) -> CertProblem {
    match c {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => CertProblem::Expired,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            CertProblem::NotYetValid
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            CertProblem::NameMismatch
        }
        CertificateError::UnknownIssuer | CertificateError::BadSignature => CertProblem::Untrusted,
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            CertProblem::NotForServer
        }
        _ => CertProblem::Other,
    }
}

/// The problem, told apart further with the server's certificates: an authority's (CA)
/// certificate presented as the server's is refused by the verifier with a generic error; a
/// certificate from an unknown issuer sent alone, that names where its issuer's certificate
/// is, lacks its intermediate.
fn cert_problem_for(c: &CertificateError, chain: &[CertificateDer<'_>]) -> CertProblem {
    let leaf = chain.first();
    match cert_problem(c) {
        CertProblem::Other if leaf.is_some_and(|d| is_ca(d)) => CertProblem::NotForServer,
        CertProblem::Untrusted
            if matches!(c, CertificateError::UnknownIssuer)
                && chain.len() == 1
                && leaf.is_some_and(|d| names_its_issuer(d)) =>
        {
            CertProblem::IncompleteChain
        }
        p => p,
    }
}

/// Whether a certificate is issued by another (not self-signed) and says where its issuer's
/// certificate can be fetched (the authority information access "CA issuers" entry), as
/// every certificate from a public authority's intermediate does.
fn names_its_issuer(der: &[u8]) -> bool {
    use x509_parser::extensions::ParsedExtension;
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return false;
    };
    if cert.subject() == cert.issuer() {
        return false;
    }
    cert.extensions()
        .iter()
        .any(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => aia.accessdescs.iter().any(|d| {
                d.access_method == x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS
            }),
            _ => false,
        })
}

/// Whether a certificate says it is an authority's (basicConstraints CA:TRUE).
fn is_ca(der: &[u8]) -> bool {
    x509_parser::parse_x509_certificate(der)
        .ok()
        .and_then(|(_, c)| c.basic_constraints().ok().flatten().map(|b| b.value.ca))
        .unwrap_or(false)
}

fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".into(),
        other => format!("{other:?}"),
    }
}

fn summarise(cap: &Captured) -> TlsInfo {
    let chain: Vec<CertSummary> = cap.chain.iter().map(|c| summarise_cert(c)).collect();
    let interception = chain.iter().find_map(|c| {
        INTERCEPTORS
            .iter()
            .find(|p| {
                c.issuer
                    .to_ascii_lowercase()
                    .contains(&p.to_ascii_lowercase())
            })
            .map(|p| (*p).to_owned())
    });
    TlsInfo {
        version: None,
        cipher: None,
        chain,
        verified: cap.error.is_none(),
        verify_error: cap.error.as_ref().map(|e| describe_error(e, &cap.chain)),
        exception_used: cap.exception_used,
        interception,
    }
}

fn describe_error(e: &rustls::Error, chain: &[CertificateDer<'_>]) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => match cert_problem_for(c, chain) {
            CertProblem::Expired => "the certificate has expired".into(),
            CertProblem::NotYetValid => "the certificate is not valid yet".into(),
            CertProblem::NameMismatch => "the certificate is for another name".into(),
            CertProblem::Untrusted => {
                "the certificate is not from an authority this computer trusts".into()
            }
            CertProblem::IncompleteChain => {
                "the server sent its certificate without the intermediate certificate that \
                 links it to a trusted authority"
                    .into()
            }
            CertProblem::NotForServer => {
                "the certificate is not a server's (it is an authority's, or not made for \
                 servers)"
                    .into()
            }
            CertProblem::Other => format!("the certificate was refused ({c:?})"),
        },
        other => other.to_string(),
    }
}

/// A readable summary of one DER certificate (fields left empty if it cannot be parsed).
pub fn summarise_cert(der: &[u8]) -> CertSummary {
    let sha256 = sha256_hex(der);
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return CertSummary {
            subject: "(unreadable certificate)".into(),
            issuer: String::new(),
            names: Vec::new(),
            not_before: String::new(),
            not_after: String::new(),
            sha256,
            self_signed: false,
        };
    };
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => names.push((*d).to_owned()),
                x509_parser::extensions::GeneralName::IPAddress(b) => {
                    if let Ok(a) = <[u8; 4]>::try_from(*b) {
                        names.push(std::net::IpAddr::from(a).to_string());
                    } else if let Ok(a) = <[u8; 16]>::try_from(*b) {
                        names.push(std::net::IpAddr::from(a).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    if names.is_empty() {
        if let Some(cn) = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|c| c.as_str().ok())
        {
            names.push(cn.to_owned());
        }
    }
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    CertSummary {
        self_signed: subject == issuer,
        subject,
        issuer,
        names,
        not_before: iso8601(cert.validity().not_before.timestamp()),
        not_after: iso8601(cert.validity().not_after.timestamp()),
        sha256,
    }
}

/// A Unix time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso8601(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
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
