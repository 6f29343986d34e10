//! Whom Portolan trusts: the platform's authorities, an extra CA file, and why one could not be used.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::error::{ErrorCode, UserError};

/// The certificate authorities to trust: the platform's, plus an optional extra CA file.
///
/// Reading the platform's list takes a few milliseconds (on Linux, a few hundred files under
/// /etc/ssl/certs are read and parsed), about as long as a whole check on a fast network. So
/// making a `Trust` starts that work on a thread of its own and returns at once: the work
/// overlaps the connection, and the first certificate to verify waits for it only if it is
/// not done yet.
#[derive(Clone)]
pub struct Trust {
    pub(super) verifier: Arc<dyn ServerCertVerifier>,
    loading: Arc<Loading>,
    provider: Arc<CryptoProvider>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trust { .. }")
    }
}

pub(super) fn provider() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

impl Trust {
    /// The platform's trusted authorities (loaded once per process, in the background).
    pub fn platform() -> Self {
        static PLATFORM: OnceLock<Arc<Loading>> = OnceLock::new();
        let loading = PLATFORM.get_or_init(|| Loading::start(Vec::new()));
        Self::over(loading.clone())
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

    /// The platform's authorities plus the certificates in `pem`. The extra certificates are
    /// checked now; the platform's list is read in the background.
    pub fn with_extra_ca_pem(pem: &[u8]) -> Result<Self, TrustError> {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<_, _>>()
            .map_err(|e| TrustError::CaPem(e.to_string()))?;
        if certs.is_empty() {
            return Err(TrustError::CaPem("it contains no certificate".into()));
        }
        // The same test the platform verifier makes when it adds them: each must be usable
        // as an authority.
        let mut roots = rustls::RootCertStore::empty();
        for cert in &certs {
            roots
                .add(cert.clone())
                .map_err(|e| TrustError::CaPem(e.to_string()))?;
        }
        Ok(Self::over(Loading::start(certs)))
    }

    fn over(loading: Arc<Loading>) -> Self {
        Self {
            verifier: loading.clone(),
            loading,
            provider: provider(),
        }
    }

    /// Why the platform's authorities could not be read, once that is known (`None` while
    /// they are still being read, and when they were read).
    pub fn failed(&self) -> Option<TrustError> {
        match self.loading.built.get() {
            Some(Err(why)) => Some(TrustError::StoreUnavailable(why.clone())),
            _ => None,
        }
    }

    /// A rustls client configuration that trusts these authorities: the engine's provider
    /// (ring), the safe default protocol versions, no client certificate. Used for SMTP and
    /// for discovery's web requests alike.
    pub fn client_config(&self) -> Result<ClientConfig, rustls::Error> {
        self.config_verified_by(self.verifier.clone())
    }

    /// The same configuration, with `verifier` making the decision (the handshake wraps the
    /// trust's own verifier to capture what the server presented).
    pub(super) fn config_verified_by(
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

/// The platform's verifier (with the extra authorities), built once by a thread started with
/// it; whoever needs it first waits for that thread (or builds it, if no thread could start).
struct Loading {
    extra: Vec<CertificateDer<'static>>,
    built: OnceLock<Result<Arc<dyn ServerCertVerifier>, String>>,
}

impl std::fmt::Debug for Loading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loading { .. }")
    }
}

impl Loading {
    fn start(extra: Vec<CertificateDer<'static>>) -> Arc<Self> {
        let loading = Arc::new(Self {
            extra,
            built: OnceLock::new(),
        });
        let background = loading.clone();
        // Without a thread the first use builds it: slower, the same result.
        let _ = std::thread::Builder::new()
            .name("portolan-trust".into())
            .spawn(move || {
                let _ = background.get();
            });
        loading
    }

    fn get(&self) -> Result<&Arc<dyn ServerCertVerifier>, &str> {
        self.built
            .get_or_init(|| {
                let made = if self.extra.is_empty() {
                    rustls_platform_verifier::Verifier::new(provider())
                } else {
                    rustls_platform_verifier::Verifier::new_with_extra_roots(
                        self.extra.iter().cloned(),
                        provider(),
                    )
                };
                made.map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    fn unavailable(why: &str) -> rustls::Error {
        rustls::Error::General(TrustError::StoreUnavailable(why.to_owned()).to_string())
    }
}

impl ServerCertVerifier for Loading {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.get().map_err(Self::unavailable)?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()
            .map_err(Self::unavailable)?
            .verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()
            .map_err(Self::unavailable)?
            .verify_tls13_signature(message, cert, dss)
    }

    /// What every platform verifier answers (the provider's schemes), without waiting for the
    /// authorities: the client's first message lists these.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
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
