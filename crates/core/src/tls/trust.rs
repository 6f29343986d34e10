//! Whom Portolan trusts: the platform's authorities, an extra CA file, and why one could not be used.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::ClientConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::error::{ErrorCode, UserError};

/// The certificate authorities to trust: the platform's, plus an optional extra CA file.
#[derive(Clone)]
pub struct Trust {
    pub(super) verifier: Arc<dyn ServerCertVerifier>,
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
