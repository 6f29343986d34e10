//! "It did not arrive": what to look at, in order (the spam folder, Gmail hiding mail sent to
//! yourself, whether the sending server may send for the From domain), with the domain's SPF
//! and DMARC records read through the same configurable resolver as discovery and put in
//! plain words. Nothing but the sender's domain and the server's name leave the computer.

pub mod spf;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::discover::dns::Dns;
use crate::discover::egress::Recorder;
use crate::error::{ErrorCode, UserError};
use spf::{SpfDns, SpfResult};

/// How the help's look-ups are made.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// A DNS server to ask instead of the system's (IP:port).
    pub resolver: Option<SocketAddr>,
    /// Time allowed for one DNS question.
    pub dns_timeout: Duration,
    /// Time allowed for everything.
    pub budget: Duration,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        Self {
            resolver: None,
            dns_timeout: Duration::from_secs(3),
            budget: Duration::from_secs(12),
        }
    }
}

/// Whether the sending server may send for the From domain, as far as DNS says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Authorisation {
    /// The SPF record allows every address of the server.
    Allowed,
    /// The SPF record does not list the server.
    NotListed,
    /// The domain publishes no SPF record.
    NoRecord,
    /// Portolan could not tell (DNS did not answer, or the record is broken).
    Unknown,
}

/// The SPF and DMARC findings for one From domain and one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SenderCheck {
    /// The From address's domain.
    pub domain: String,
    /// The sending server's name.
    pub host: String,
    /// The server's addresses that were checked.
    pub addresses: Vec<String>,
    /// The overall answer.
    pub authorisation: Authorisation,
    /// The SPF result for each address, in the same order.
    pub spf_results: Vec<SpfResult>,
    /// The domain's SPF record, as published.
    pub spf_record: Option<String>,
    /// The DMARC policy (`none`, `quarantine`, `reject`), if the domain publishes one.
    pub dmarc_policy: Option<String>,
    /// The domain's DMARC record, as published.
    pub dmarc_record: Option<String>,
}

/// One thing to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HelpStep {
    /// One line.
    pub title: String,
    /// What to do, in plain words.
    pub text: String,
}

/// What to look at when the test email did not arrive, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeliveryHelp {
    /// The heading.
    pub title: String,
    /// The steps, in the order to try them.
    pub steps: Vec<HelpStep>,
    /// The DNS findings behind the last step.
    pub sender: SenderCheck,
}

/// The help for a test email from `from` through `host` that did not arrive at `to`.
pub async fn explain(
    from: &str,
    to: &str,
    host: &str,
    opts: &DeliveryOptions,
) -> Result<DeliveryHelp, UserError> {
    let from = crate::address::parse(from)?.ascii();
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default();
    let host = crate::settings::host_ascii(host.trim()).map_err(|()| {
        UserError::new(
            ErrorCode::InvalidSettings,
            format!("\"{host}\" is not a server name Portolan can look up."),
            "Check the server name in the settings.",
        )
    })?;
    let dns = Dns::new(opts.resolver, opts.dns_timeout, Recorder::default()).map_err(|e| {
        UserError::new(
            ErrorCode::InvalidOption,
            format!("The DNS resolver could not be set up ({e})."),
            "Check this computer's network settings, then try again.",
        )
    })?;
    let sender =
        match tokio::time::timeout(opts.budget, sender_check(&dns, &from, &domain, &host)).await {
            Ok(s) => s,
            Err(_) => SenderCheck {
                domain: domain.clone(),
                host: host.clone(),
                addresses: Vec::new(),
                authorisation: Authorisation::Unknown,
                spf_results: Vec::new(),
                spf_record: None,
                dmarc_policy: None,
                dmarc_record: None,
            },
        };
    Ok(help(to, &sender, &from))
}

/// The most server addresses checked.
const MAX_ADDRESSES: usize = 4;

/// Reads SPF for each address of `host` and the domain's DMARC policy.
pub async fn sender_check<D: SpfDns>(dns: &D, from: &str, domain: &str, host: &str) -> SenderCheck {
    let ips: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => dns.ips(host).await.unwrap_or_default(),
    };
    let ips: Vec<IpAddr> = ips.into_iter().take(MAX_ADDRESSES).collect();
    let mut results = Vec::new();
    let mut record = None;
    for ip in &ips {
        let o = spf::check_host(dns, *ip, domain, from).await;
        record = record.or(o.record);
        results.push(o.result);
    }
    if ips.is_empty() {
        // Without the server's address, the record can still be shown.
        let o = spf::check_host(dns, IpAddr::from([0, 0, 0, 0]), domain, from).await;
        record = o.record;
        if o.result == SpfResult::None {
            results.push(SpfResult::None);
        }
    }
    let authorisation = if results.is_empty() {
        Authorisation::Unknown
    } else if results.iter().all(|r| *r == SpfResult::Pass) {
        Authorisation::Allowed
    } else if results.iter().all(|r| *r == SpfResult::None) {
        Authorisation::NoRecord
    } else if results
        .iter()
        .any(|r| matches!(r, SpfResult::TempError | SpfResult::PermError))
    {
        Authorisation::Unknown
    } else {
        Authorisation::NotListed
    };
    let (dmarc_policy, dmarc_record) = dmarc(dns, domain).await;
    SenderCheck {
        domain: domain.to_owned(),
        host: host.to_owned(),
        addresses: ips.iter().map(ToString::to_string).collect(),
        authorisation,
        spf_results: results,
        spf_record: record,
        dmarc_policy,
        dmarc_record,
    }
}

/// The DMARC record at `_dmarc.<domain>` and its `p=` policy.
async fn dmarc<D: SpfDns>(dns: &D, domain: &str) -> (Option<String>, Option<String>) {
    let Ok(v) = dns.txt(&format!("_dmarc.{domain}")).await else {
        return (None, None);
    };
    let Some(rec) = v.into_iter().find(|t| {
        t.trim_start()
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("v=DMARC1"))
    }) else {
        return (None, None);
    };
    let policy = rec.split(';').find_map(|tag| {
        let (k, v) = tag.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("p")).then(|| v.trim().to_ascii_lowercase())
    });
    (policy, Some(rec))
}

/// The steps in words.
pub fn help(to: &str, s: &SenderCheck, from: &str) -> DeliveryHelp {
    let mut steps = vec![
        HelpStep {
            title: "Look in the spam folder".to_owned(),
            text: format!(
                "Look in the spam (junk) folder of {to}, and search the mailbox for \
                 \"Portolan test\". If it is there, mark it as not spam."
            ),
        },
        HelpStep {
            title: "Gmail hides mail you send to yourself".to_owned(),
            text: "If you sent it to your own Gmail or Google Workspace address, Gmail files \
                   it only under Sent, not in the inbox: look in Sent or All Mail, or send the \
                   test email to another address."
                .to_owned(),
        },
    ];
    steps.push(sender_step(s, from));
    DeliveryHelp {
        title: "If the test email did not arrive".to_owned(),
        steps,
        sender: s.clone(),
    }
}

fn dmarc_words(s: &SenderCheck) -> String {
    let d = &s.domain;
    match s.dmarc_policy.as_deref() {
        Some("reject") => format!(
            " {d} also publishes a DMARC policy that asks receiving servers to refuse mail \
             that fails this check."
        ),
        Some("quarantine") => format!(
            " {d} also publishes a DMARC policy that asks receiving servers to put mail that \
             fails this check in spam."
        ),
        Some(_) => format!(
            " {d} publishes a DMARC policy that only asks for reports, so failing mail is not \
             refused because of it."
        ),
        None => String::new(),
    }
}

fn sender_step(s: &SenderCheck, from: &str) -> HelpStep {
    let (d, h) = (&s.domain, &s.host);
    let dmarc = dmarc_words(s);
    let (title, text) = match s.authorisation {
        Authorisation::Allowed => (
            format!("{h} is allowed to send for {d}"),
            format!(
                "The SPF record of {d} allows {h} to send mail from {from}, so receiving \
                 servers have no reason to doubt the sender.{dmarc} If the email still has \
                 not arrived after a few minutes, ask the provider of {h} to look for the \
                 Message-ID shown above in their logs."
            ),
        ),
        Authorisation::NotListed => (
            format!("{h} is not listed as a sender for {d}"),
            format!(
                "The SPF record of {d} does not list {h}, so receiving servers may refuse \
                 mail from {from} sent through it, or put it in spam.{dmarc} Providers \
                 sometimes send from other servers than the one you connect to, so this is \
                 not certain. If you send through a provider or sending service, add the \
                 line from its help pages (usually include:…) to the SPF record of {d} at \
                 your DNS host, or send from an address of the provider's own domain."
            ),
        ),
        Authorisation::NoRecord => (
            format!("{d} does not say who may send for it"),
            format!(
                "{d} publishes no SPF record, so receiving servers cannot tell whether {h} \
                 may send for it, and many put such mail in spam.{dmarc} Add an SPF record \
                 at your DNS host; your provider's help pages give its exact line."
            ),
        ),
        Authorisation::Unknown => (
            format!("Portolan could not tell whether {h} may send for {d}"),
            format!(
                "The DNS records of {d} or {h} could not be read completely{}, so Portolan \
                 cannot say whether {h} may send for {d}.{dmarc} Try again later, or ask \
                 whoever manages the domain's DNS.",
                if s.spf_results.contains(&SpfResult::PermError) {
                    " (the SPF record has an error or needs too many look-ups)"
                } else {
                    ""
                }
            ),
        ),
    };
    HelpStep { title, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: Authorisation, dmarc: Option<&str>) -> SenderCheck {
        SenderCheck {
            domain: "example.com".into(),
            host: "smtp.provider.example".into(),
            addresses: vec!["192.0.2.1".into()],
            authorisation: a,
            spf_results: vec![],
            spf_record: None,
            dmarc_policy: dmarc.map(str::to_owned),
            dmarc_record: None,
        }
    }

    #[test]
    fn the_steps_come_in_order_and_name_the_server() {
        let h = help(
            "me@example.com",
            &check(Authorisation::NotListed, Some("reject")),
            "me@example.com",
        );
        assert_eq!(h.steps.len(), 3);
        assert!(h.steps[0].title.contains("spam"));
        assert!(h.steps[1].title.contains("Gmail"));
        assert!(h.steps[1].text.contains("All Mail"));
        assert!(h.steps[2]
            .title
            .contains("smtp.provider.example is not listed"));
        assert!(h.steps[2].text.contains("refuse mail that fails"));
        for a in [
            Authorisation::Allowed,
            Authorisation::NoRecord,
            Authorisation::Unknown,
        ] {
            let h = help("x@y.example", &check(a, None), "me@example.com");
            assert!(h.steps[2].text.contains("example.com"), "{a:?}");
        }
    }
}
