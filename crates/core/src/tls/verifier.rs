//! The verifier that decides trust and keeps what the server presented, even when it fails; a pinned exception for one host and port.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// What the verifier saw, kept for the report even when the handshake fails.
#[derive(Debug, Default)]
pub(super) struct Captured {
    pub(super) chain: Vec<CertificateDer<'static>>,
    pub(super) error: Option<rustls::Error>,
    pub(super) exception_used: bool,
}

/// Delegates to the real verifier, records the chain and the result, and applies the
/// pinned exception (only for its own host, port and fingerprint).
#[derive(Debug)]
pub(super) struct CapturingVerifier {
    pub(super) inner: Arc<dyn ServerCertVerifier>,
    pub(super) captured: Arc<Mutex<Captured>>,
    pub(super) pinned_sha256: Option<String>,
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
pub(super) fn same_host(exception_host: &str, host: &str) -> bool {
    let norm = |h: &str| {
        let a = crate::settings::host_ascii(h).unwrap_or_else(|()| h.trim().to_owned());
        a.trim_end_matches('.').to_ascii_lowercase()
    };
    norm(exception_host) == norm(host)
}
