//! Encryption failures: the handshake, the certificate (with the trust and name fixes), and a
//! security setting that does not match the port.

use super::fixes::{fix_security_here, fix_tls_465, other_submission_ports};
use super::{verdict, Context};
use crate::ports::Security;
use crate::settings::{CertException, SmtpSettings};
use crate::tls::{CertProblem, TlsFailure};
use crate::verdict::{Fix, FixKind, SettingsPatch, Verdict, VerdictCode as C};

pub(super) fn tls(t: &TlsFailure, ctx: &Context<'_>) -> Verdict {
    let s = ctx.settings;
    let leaf = ctx.tls.and_then(|i| i.chain.first());
    let interception = ctx.tls.and_then(|i| i.interception.clone());
    let trust_fix = |label: &str| {
        leaf.map(|c| {
            Fix::patch(
                FixKind::TrustCertificate,
                label,
                SettingsPatch {
                    cert_exception: Some(CertException {
                        host: s.host.clone(),
                        port: s.port,
                        sha256: c.sha256.clone(),
                    }),
                    ..SettingsPatch::default()
                },
            )
            .with_note(format!(
                "Only for {}, port {}, and only this certificate. Its fingerprint (SHA-256), to \
                 compare with the one your provider or IT gives: {}",
                s.host, s.port, c.sha256
            ))
        })
    };
    let intercept_note = interception
        .as_deref()
        .map(|p| {
            format!(
                " The certificate was issued by {p}: a program or device on your side \
                 (antivirus or firewall) is inspecting the connection. Turn off its \
                 \"email scanning\" or \"SSL scanning\", or add an exception for this server."
            )
        })
        .unwrap_or_default();
    match t {
        TlsFailure::Cert(CertProblem::NameMismatch) => {
            let names = leaf.map(|c| c.names.clone()).unwrap_or_default();
            let mut fixes: Vec<Fix> = names
                .iter()
                .filter(|n| !n.starts_with('*') && !n.eq_ignore_ascii_case(&s.host))
                .take(3)
                .map(|n| {
                    Fix::patch(
                        FixKind::UseHost,
                        format!("Use the server name {n}"),
                        SettingsPatch {
                            host: Some(n.clone()),
                            ..SettingsPatch::default()
                        },
                    )
                })
                .collect();
            fixes.extend(trust_fix("Trust this certificate for this server anyway"));
            verdict(
                C::CertNameMismatch,
                "The server's certificate is for another name",
                format!(
                    "You connected to \"{}\", but the certificate is valid only for: {}. \
                     Use one of those names as the server name (common with shared web \
                     hosting).{intercept_note}",
                    s.host,
                    if names.is_empty() {
                        "(no names)".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
                fixes,
            )
        }
        TlsFailure::Cert(CertProblem::Expired | CertProblem::NotYetValid) => {
            let until = leaf.map(|c| c.not_after.clone()).unwrap_or_default();
            verdict(
                C::CertExpired,
                "The server's certificate has expired",
                format!(
                    "The certificate of {} is valid only until {until}. The server's \
                     administrator must renew it. If this computer's clock is wrong, fix the \
                     date and time first.{intercept_note}",
                    s.host
                ),
                trust_fix("Trust this certificate for this server anyway")
                    .into_iter()
                    .collect(),
            )
        }
        TlsFailure::Cert(CertProblem::NotForServer) => verdict(
            C::CertUntrusted,
            "The server's certificate cannot identify a server",
            format!(
                "The certificate of {} is an authority's certificate (a CA) or one not made for \
                 servers, so it cannot prove who the server is. The server's administrator must \
                 install a proper server certificate. Only trust it if you know this \
                 server.{intercept_note}",
                s.host
            ),
            trust_fix("Trust this certificate for this server")
                .into_iter()
                .collect(),
        ),
        TlsFailure::Cert(_) => {
            let self_signed = leaf.is_some_and(|c| c.self_signed);
            let issuer = leaf.map(|c| c.issuer.clone()).unwrap_or_default();
            verdict(
                C::CertUntrusted,
                "The server's certificate is not trusted",
                format!(
                    "{} This happens with private servers, test servers and interception by \
                     security software. Only trust it if you know this server.{intercept_note}",
                    if self_signed {
                        format!(
                            "The certificate of {} is self-signed (it vouches for itself).",
                            s.host
                        )
                    } else {
                        format!(
                            "The certificate of {} was issued by \"{issuer}\", an authority \
                             this computer does not trust.",
                            s.host
                        )
                    }
                ),
                trust_fix("Trust this certificate for this server")
                    .into_iter()
                    .collect(),
            )
        }
        TlsFailure::NotTls => mismatch(None, s),
        TlsFailure::Timeout => verdict(
            C::TlsHandshakeFailed,
            "Encryption could not be set up (no answer)",
            "The server did not answer the start of encryption in time. The port may expect \
             another security setting, or a firewall holds the connection."
                .to_owned(),
            other_submission_ports(s.port),
        ),
        TlsFailure::Closed | TlsFailure::Other(_) => verdict(
            C::TlsHandshakeFailed,
            "Encryption could not be set up",
            format!(
                "The server and Portolan could not agree on encryption{}. The server may only \
                 support outdated encryption (before TLS 1.2), or something on the way \
                 interferes.",
                match t {
                    TlsFailure::Other(m) => format!(" ({m})"),
                    _ => " (the server hung up)".to_owned(),
                }
            ),
            other_submission_ports(s.port),
        ),
    }
}

pub(super) fn mismatch(works: Option<Security>, s: &SmtpSettings) -> Verdict {
    let port = s.port;
    let (explanation, fixes) = match (s.security, works) {
        (_, Some(Security::Tls)) => (
            format!(
                "Port {port} expects encryption from the first byte, but the settings say \
                 \"{}\". Choose \"Encrypted from the start\".",
                s.security.label()
            ),
            vec![fix_security_here(port, Security::Tls)],
        ),
        (_, Some(w)) => (
            format!(
                "Port {port} starts in plain text, but the settings say \"Encrypted from the \
                 start\". Choose \"{}\" on this port, or port 465.",
                w.label()
            ),
            vec![fix_security_here(port, w), fix_tls_465()],
        ),
        (_, None) => (
            format!(
                "Port {port} does not speak the way the settings say (\"{}\").",
                s.security.label()
            ),
            other_submission_ports(port),
        ),
    };
    verdict(
        C::SecurityMismatch,
        "The security setting does not match this port",
        explanation,
        fixes,
    )
}

