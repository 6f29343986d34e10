//! A report's details as labelled lines, the way the app's "Details" panel shows them: the
//! server, what it offers, the encryption and the certificate, in the engine's words.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::date_for_people;
use super::Report;

/// One line of the details: a label and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Detail {
    /// What the line is about, e.g. "Encryption".
    pub label: String,
    /// What the check found.
    pub text: String,
    /// The text is the server's own words (a greeting), shown as such.
    pub verbatim: bool,
}

fn line(label: &str, text: impl Into<String>) -> Detail {
    Detail {
        label: label.to_owned(),
        text: text.into(),
        verbatim: false,
    }
}

/// The server's certificate as one line (who it is for, who issued it, when it is valid, its
/// fingerprint), when the check saw one.
pub fn certificate(report: &Report) -> Option<Detail> {
    let c = report.tls.as_ref()?.chain.first()?;
    Some(line(
        "Certificate",
        format!(
            "Issued to {} by {}{}; valid for {}, from {} until {}. Fingerprint (SHA-256): {}",
            c.subject,
            c.issuer,
            if c.self_signed { " (self-signed)" } else { "" },
            c.names.join(", "),
            date_for_people(&c.not_before),
            date_for_people(&c.not_after),
            c.sha256
        ),
    ))
}

/// The report's details, in the order the panel lists them.
pub fn details(report: &Report) -> Vec<Detail> {
    let mut out = vec![line(
        "Server",
        format!(
            "{}, port {} ({}); took {} ms in all",
            report.host,
            report.port,
            report.security.label(),
            report.total_ms
        ),
    )];
    if let Some(s) = &report.server {
        out.push(Detail {
            verbatim: true,
            ..line("Greeting", s.banner.clone())
        });
        let offers = if s.keywords.is_empty() {
            "nothing".to_owned()
        } else {
            s.keywords.join(", ")
        };
        let when = if s.encrypted {
            "read over the encrypted connection"
        } else {
            "read before encryption"
        };
        out.push(line("Offers", format!("{offers} ({when})")));
        out.push(line(
            "Sign-in methods",
            if s.auth_mechanisms.is_empty() {
                "none offered".to_owned()
            } else {
                s.auth_mechanisms.join(", ")
            },
        ));
    }
    if let Some(tls) = &report.tls {
        let mut text = tls
            .version
            .clone()
            .unwrap_or_else(|| "not completed".to_owned());
        if let Some(c) = &tls.cipher {
            text.push_str(&format!(", {c}"));
        }
        let cert = match (tls.verified, tls.exception_used, &tls.verify_error) {
            (true, true, _) => "accepted because you trusted it for this server".to_owned(),
            (true, false, _) => "trusted".to_owned(),
            (false, _, Some(why)) => format!("not trusted ({why})"),
            (false, _, None) => "not trusted".to_owned(),
        };
        text.push_str(&format!("; certificate {cert}."));
        if let Some(who) = &tls.interception {
            text.push_str(&format!(" Intercepted by {who}."));
        }
        out.push(line("Encryption", text));
        if let Some(c) = certificate(report) {
            out.push(c);
        }
    }
    for s in &report.steps {
        if let Some(d) = &s.detail {
            out.push(line(&s.summary, d.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Security;
    use crate::report::ServerInfo;
    use crate::tls::TlsInfo;
    use crate::verdict::{Verdict, VerdictCode};

    #[test]
    fn the_details_name_the_server_what_it_offers_and_the_certificate() {
        let report = Report {
            host: "smtp.example.com".into(),
            port: 465,
            security: Security::Tls,
            steps: vec![],
            verdict: Verdict::new(VerdictCode::Ok, "It works", "All good.", vec![]),
            tls: Some(TlsInfo {
                version: Some("TLS 1.3".into()),
                cipher: None,
                chain: vec![],
                verified: false,
                verify_error: Some("expired".into()),
                exception_used: false,
                interception: None,
            }),
            server: Some(ServerInfo {
                banner: "smtp.example.com ESMTP".into(),
                keywords: vec!["PIPELINING".into()],
                encrypted: true,
                ..ServerInfo::default()
            }),
            transcript: vec![],
            sent: None,
            total_ms: 12,
        };
        let d = details(&report);
        let labels: Vec<&str> = d.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Server",
                "Greeting",
                "Offers",
                "Sign-in methods",
                "Encryption"
            ]
        );
        assert_eq!(
            d[0].text,
            "smtp.example.com, port 465 (Encrypted from the start); took 12 ms in all"
        );
        assert!(d[1].verbatim);
        assert_eq!(d[2].text, "PIPELINING (read over the encrypted connection)");
        assert_eq!(d[3].text, "none offered");
        assert_eq!(d[4].text, "TLS 1.3; certificate not trusted (expired).");
    }
}
