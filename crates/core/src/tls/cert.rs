//! What a certificate says and what is wrong with it, in words for people.

use rustls::CertificateError;
use rustls_pki_types::CertificateDer;

use super::*;

pub(super) fn cert_problem(c: &CertificateError) -> CertProblem {
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
pub(super) fn cert_problem_for(c: &CertificateError, chain: &[CertificateDer<'_>]) -> CertProblem {
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
pub(super) fn names_its_issuer(der: &[u8]) -> bool {
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
pub(super) fn is_ca(der: &[u8]) -> bool {
    x509_parser::parse_x509_certificate(der)
        .ok()
        .and_then(|(_, c)| c.basic_constraints().ok().flatten().map(|b| b.value.ca))
        .unwrap_or(false)
}

pub(super) fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".into(),
        other => format!("{other:?}"),
    }
}

pub(super) fn summarise(cap: &Captured) -> TlsInfo {
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

pub(super) fn describe_error(e: &rustls::Error, chain: &[CertificateDer<'_>]) -> String {
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
