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
        match self.loading.first.get() {
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

/// The platform's authorities (with the extra ones), read once by a thread started with them;
/// whoever needs them first waits for that thread (or reads them, if no thread could start).
///
/// Where the authorities are files, the system keeps them twice: a bundle file and a folder of
/// the same certificates (update-ca-certificates and update-ca-trust write both from one
/// list). Reading the folder too costs some 300 file opens, half the time of a check on a fast
/// network. So `first` is the bundle read alone, and `all` (the folder as well) is read only
/// for a server the bundle does not vouch for (a certificate added to the folder by hand): the
/// answer is the one reading both gives, as OpenSSL looks into its folder only for an issuer it
/// lacks. Elsewhere, or without a usable bundle, `first` is the platform's verifier itself.
struct Loading {
    extra: Vec<CertificateDer<'static>>,
    first: OnceLock<Result<First, String>>,
    all: OnceLock<Result<Arc<dyn ServerCertVerifier>, String>>,
}

/// The verifier asked first, and whether it knows only the bundle.
struct First {
    verifier: Arc<dyn ServerCertVerifier>,
    bundle_only: bool,
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
            first: OnceLock::new(),
            all: OnceLock::new(),
        });
        let background = loading.clone();
        // Without a thread the first use builds it: slower, the same result.
        let _ = std::thread::Builder::new()
            .name("portolan-trust".into())
            .spawn(move || {
                let _ = background.first();
            });
        loading
    }

    fn first(&self) -> Result<&First, &str> {
        self.first
            .get_or_init(|| {
                #[cfg(cert_files)]
                if let Some(bundle) = bundle_verifier(&self.extra) {
                    return Ok(First {
                        verifier: bundle,
                        bundle_only: true,
                    });
                }
                platform_verifier(&self.extra).map(|verifier| First {
                    verifier,
                    bundle_only: false,
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    fn all(&self) -> Result<&Arc<dyn ServerCertVerifier>, &String> {
        self.all
            .get_or_init(|| platform_verifier(&self.extra))
            .as_ref()
    }

    fn unavailable(why: &str) -> rustls::Error {
        rustls::Error::General(TrustError::StoreUnavailable(why.to_owned()).to_string())
    }
}

/// The platform's verifier with the extra authorities: the system's own verification on
/// macOS and Windows; elsewhere the bundle file and the folder of certificates, both read.
fn platform_verifier(
    extra: &[CertificateDer<'static>],
) -> Result<Arc<dyn ServerCertVerifier>, String> {
    let made = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra.iter().cloned(), provider())
    };
    made.map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
        .map_err(|e| e.to_string())
}

/// The bundle file alone, with the extra authorities (see [`Loading`]). `SSL_CERT_FILE` says
/// where the bundle is, as it does for OpenSSL. `None` when there is no usable bundle.
#[cfg(cert_files)]
fn bundle_verifier(extra: &[CertificateDer<'static>]) -> Option<Arc<dyn ServerCertVerifier>> {
    let file = match std::env::var_os("SSL_CERT_FILE") {
        Some(f) => std::path::PathBuf::from(f),
        None => openssl_probe::probe().cert_file?,
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in extra {
        roots.add(cert.clone()).ok()?;
    }
    let found = rustls_native_certs::load_certs_from_paths(Some(&file), None);
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return None;
    }
    rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .ok()
        .map(|v| v as Arc<dyn ServerCertVerifier>)
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
        let verify = |v: &Arc<dyn ServerCertVerifier>| {
            v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        let first = self.first().map_err(Self::unavailable)?;
        match verify(&first.verifier) {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer))
                if first.bundle_only =>
            {
                match self.all() {
                    Ok(all) => verify(all),
                    Err(_) => verify(&first.verifier),
                }
            }
            answer => answer,
        }
    }

    // The signatures are checked with the provider's algorithms, as every platform verifier
    // does; nothing here needs the authorities.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
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

#[cfg(all(test, cert_files))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    fn ca(cn: &str) -> (CertificateDer<'static>, Issuer<'static, KeyPair>) {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        let cert = params.self_signed(&key).unwrap();
        (cert.der().clone(), Issuer::new(params, key))
    }

    fn leaf(by: &Issuer<'static, KeyPair>) -> CertificateDer<'static> {
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(vec!["mail.example.test".to_owned()]).unwrap();
        params.signed_by(&key, by).unwrap().der().clone()
    }

    fn webpki(roots: &[&CertificateDer<'static>]) -> Arc<rustls::client::WebPkiServerVerifier> {
        let mut store = rustls::RootCertStore::empty();
        for r in roots {
            store.add((*r).clone()).unwrap();
        }
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider())
            .build()
            .unwrap()
    }

    fn verify(v: &Loading, cert: &CertificateDer<'_>) -> Result<ServerCertVerified, rustls::Error> {
        let name = ServerName::try_from("mail.example.test").unwrap();
        v.verify_server_cert(cert, &[], &name, &[], UnixTime::now())
    }

    #[test]
    fn the_folder_is_read_only_for_a_server_the_bundle_does_not_vouch_for() {
        let (in_bundle, bundle_ca) = ca("In the bundle");
        let (in_folder, folder_ca) = ca("Only in the folder");
        let v = Loading {
            extra: Vec::new(),
            first: OnceLock::new(),
            all: OnceLock::new(),
        };
        let bundle: Arc<dyn ServerCertVerifier> = webpki(&[&in_bundle]);
        assert!(v
            .first
            .set(Ok(First {
                verifier: bundle,
                bundle_only: true,
            }))
            .is_ok());
        // The bundle vouches: the folder is not read.
        assert!(verify(&v, &leaf(&bundle_ca)).is_ok());
        assert!(v.all.get().is_none());
        // The bundle does not: the answer is the one of bundle and folder together.
        let both: Arc<dyn ServerCertVerifier> = webpki(&[&in_bundle, &in_folder]);
        assert!(v.all.set(Ok(both)).is_ok());
        assert!(verify(&v, &leaf(&folder_ca)).is_ok());
        let (_, nobody) = ca("Nobody's");
        assert!(matches!(
            verify(&v, &leaf(&nobody)),
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))
        ));
    }

    #[test]
    fn this_computers_bundle_is_read_alone_with_the_extra_authorities() {
        let (extra, extra_ca) = ca("Company CA");
        let v = bundle_verifier(std::slice::from_ref(&extra)).expect("Debian has a bundle file");
        let name = ServerName::try_from("mail.example.test").unwrap();
        assert!(v
            .verify_server_cert(&leaf(&extra_ca), &[], &name, &[], UnixTime::now())
            .is_ok());
    }
}
