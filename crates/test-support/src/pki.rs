//! A throw-away certificate authority (rcgen), server certificates signed by it, self-signed
//! ones, and rustls server configurations (ring) that present them. The CA's PEM is what a
//! test gives the engine to trust (`Trust::with_extra_ca_pem`, or a file for the app's
//! `PORTOLAN_CA_FILE`).

use std::sync::Arc;

use rcgen::{BasicConstraints, IsCa, Issuer};
pub use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

/// A CA made for one test.
pub struct TestCa {
    /// Its certificate, PEM.
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

impl TestCa {
    /// A CA whose common name is `cn` (e.g. an antivirus product's interception CA).
    pub fn new(cn: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server configuration with a certificate for `names`, signed by this CA.
    pub fn server(&self, names: &[&str]) -> Arc<ServerConfig> {
        self.sign(leaf(names))
    }

    /// A server configuration with a certificate made from `params`, signed by this CA.
    pub fn sign(&self, params: CertificateParams) -> Arc<ServerConfig> {
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        server_config(cert.der().clone(), &key)
    }

    /// Writes the CA's PEM to `path` (for a face that reads a CA file).
    pub fn write_pem(&self, path: &std::path::Path) {
        std::fs::write(path, &self.pem).unwrap();
    }
}

/// The parameters of a server certificate for `names` (DNS names or IP addresses), its
/// common name the first of them; change them before signing to make a faulty one.
pub fn leaf(names: &[&str]) -> CertificateParams {
    let mut p =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name
        .push(DnType::CommonName, names.first().copied().unwrap_or("x"));
    p
}

/// A server configuration with a self-signed certificate for `names`, and that certificate.
pub fn self_signed(names: &[&str]) -> (Arc<ServerConfig>, CertificateDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let cert = leaf(names).self_signed(&key).unwrap();
    let der = cert.der().clone();
    (server_config(der.clone(), &key), der)
}

/// A rustls server configuration (ring, safe default versions) presenting `cert`.
pub fn server_config(cert: CertificateDer<'static>, key: &KeyPair) -> Arc<ServerConfig> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Arc::new(
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    )
}
