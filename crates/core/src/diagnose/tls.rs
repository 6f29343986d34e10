//! Encryption failures: the handshake, the certificate (with the trust and name fixes), and a
//! security setting that does not match the port.
//!
//! A password is never steered to the wrong server: when a known provider's name is answered
//! with a certificate that is not the provider's (another name, or an authority this computer
//! does not trust), another server answered, and neither "use the name on the certificate" nor
//! "trust this certificate" is offered. The name fix stays for names of the same provider.

use super::fixes::{fix_security_here, fix_tls_465, other_submission_ports};
use super::{verdict, Context, KnownProvider};
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
    // Nobody can put another server between this computer and itself: a server here (a
    // bridge) that presents its own certificate is the one the provider told you to run.
    let local = crate::settings::on_this_computer(&s.host);
    if let (Some(p), TlsFailure::Cert(problem), false) = (ctx.provider, t, local) {
        let names = leaf.map(|c| c.names.as_slice()).unwrap_or_default();
        let foreign = match problem {
            CertProblem::NameMismatch => !names.iter().any(|n| p.owns_name(n)),
            CertProblem::Untrusted
            | CertProblem::IncompleteChain
            | CertProblem::NotForServer
            | CertProblem::Other => true,
            CertProblem::Expired | CertProblem::NotYetValid => false,
        };
        if foreign {
            return wrong_server(p, ctx, names, interception.as_deref());
        }
    }
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
        TlsFailure::Cert(CertProblem::Expired) => {
            let until = leaf
                .map(|c| crate::report::date_for_people(&c.not_after))
                .unwrap_or_default();
            verdict(
                C::CertExpired,
                "The server's certificate has expired",
                format!(
                    "The certificate of {} was valid only until {until}. The server's \
                     administrator must renew it. If this computer's date is wrong, fix the \
                     date and time first.{intercept_note}",
                    s.host
                ),
                trust_fix("Trust this certificate for this server anyway")
                    .into_iter()
                    .collect(),
            )
        }
        TlsFailure::Cert(CertProblem::IncompleteChain) => {
            let issuer = leaf.map(|c| c.issuer.clone()).unwrap_or_default();
            verdict(
                C::CertChainIncomplete,
                "The server does not send its full certificate chain",
                format!(
                    "The certificate of {} was issued by \"{issuer}\", an intermediate \
                     authority, but the server did not send that intermediate's certificate, \
                     which links its certificate to an authority this computer trusts. Some \
                     programs fetch the missing piece themselves; most mail programs do not. \
                     The server's administrator must install the full chain (the \
                     \"fullchain\" file). Only trust the certificate if you know this \
                     server.",
                    s.host
                ),
                trust_fix("Trust this certificate for this server anyway")
                    .into_iter()
                    .collect(),
            )
        }
        TlsFailure::Cert(CertProblem::NotYetValid) => {
            let from = leaf
                .map(|c| crate::report::date_for_people(&c.not_before))
                .unwrap_or_default();
            verdict(
                C::CertExpired,
                "The server's certificate is not valid yet",
                format!(
                    "The certificate of {} is valid only from {from}. First check this \
                     computer's date and time: when they are wrong (often after a flat \
                     battery or a time-zone change), every certificate looks not valid yet \
                     or expired. If they are right, the server's administrator installed a \
                     certificate too early.{intercept_note}",
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
        TlsFailure::OutdatedVersion => verdict(
            C::TlsOutdated,
            "This server uses an outdated encryption version",
            format!(
                "{} on port {} only offers TLS 1.0 or 1.1, encryption versions that are no \
                 longer safe; Portolan, like current systems and mail programs, no longer uses \
                 them, so your password was not sent. The server's administrator must turn on \
                 TLS 1.2 or 1.3. Another port of the same server may already offer it.",
                s.host, s.port
            ),
            other_submission_ports(s.port),
        ),
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

/// A known provider's name answered by a server that is not the provider's.
fn wrong_server(
    p: &KnownProvider,
    ctx: &Context<'_>,
    names: &[String],
    interception: Option<&str>,
) -> Verdict {
    let s = ctx.settings;
    let who = match (interception, names.is_empty()) {
        (Some(product), _) => format!(
            "The certificate was made by {product}: a program or device on this computer or \
             network (an antivirus \"mail shield\" or a firewall) opens the connection and \
             re-signs it."
        ),
        (None, false) => format!(
            "The certificate is for {}, which is not {}'s: a web host or the network you are \
             on (a hotel, office or internet provider) is sending the mail port to its own \
             server, or security software is re-signing the connection.",
            names.join(", "),
            p.name
        ),
        (None, true) => format!(
            "The certificate is not {}'s and no authority this computer trusts vouches for \
             it: security software (an antivirus \"mail shield\") is re-signing the \
             connection, or the network is sending the mail port to another server.",
            p.name
        ),
    };
    verdict(
        C::WrongServer,
        &format!("Another server answered instead of {}", p.name),
        format!(
            "{host} is {name}'s server, but the server that answered on port {port} could not \
             prove it is {name}'s. {who} Portolan did not send your password. Do not trust this \
             certificate: turn off the \"email scanning\" or \"SSL scanning\" of your \
             security software, or try another network (a phone's hotspot), then check again.",
            host = s.host,
            name = p.name,
            port = s.port,
        ),
        vec![Fix::action(
            FixKind::RetryLater,
            "Check again on another network or with scanning off",
        )],
    )
}
