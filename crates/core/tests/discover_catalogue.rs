#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The built-in provider catalogue as a whole: the ISPDB data and Portolan's own layer merge
//! without a fault, every fact names its source and whether it was verified, each corrected
//! fact stays corrected, and every ISPDB domain is found offline.

use std::collections::BTreeSet;

use portolan_core::discover::address;
use portolan_core::discover::catalogue::{self, ispdb, FactOrigin, Provider, ProviderKind};
use portolan_core::discover::{discover, DiscoverOptions};
use portolan_core::ports::Security;

fn servers(p: &Provider) -> Vec<(&str, u16, Security)> {
    p.servers
        .iter()
        .map(|s| (s.host.as_str(), s.port, s.security))
        .collect()
}

#[test]
fn catalogue_file_is_valid() {
    let c = catalogue::build(ispdb::ISPDB_JSON, catalogue::CATALOGUE_TOML)
        .expect("the ISPDB data and providers.toml merge");
    let problems = c.audit();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let mut domains = BTreeSet::new();
    for p in &c.providers {
        for d in &p.domains {
            let owner = catalogue::by_domain(d).unwrap();
            assert!(
                owner.id == p.id
                    || c.overridden_domains
                        .iter()
                        .any(|(dom, _, by)| dom == d && *by == owner.id),
                "{d} is listed by {} but found as {}",
                p.id,
                owner.id
            );
            domains.insert(d.clone());
        }
    }
    let facts: Vec<_> = c.facts().collect();
    let verified = facts.iter().filter(|(_, f)| f.verified).count();
    let own = facts
        .iter()
        .filter(|(_, f)| f.origin == FactOrigin::Portolan)
        .count();
    eprintln!(
        "catalogue: {} providers ({} sending services), {} domains; {} facts with a source, {} verified, {} of them Portolan's own",
        c.providers.len(),
        c.providers
            .iter()
            .filter(|p| p.kind == ProviderKind::SendingService)
            .count(),
        domains.len(),
        facts.len(),
        verified,
        own
    );
    for (d, from, to) in &c.overridden_domains {
        eprintln!("catalogue: {d} is {to}'s, not {from}'s as the ISPDB says");
    }
}

#[test]
fn catalogue_covers_the_required_providers() {
    for id in [
        "gmail",
        "google-workspace",
        "outlook-com",
        "microsoft-365",
        "yahoo",
        "yahoo-japan",
        "aol",
        "icloud",
        "icloud-custom-domain",
        "zoho",
        "zoho-eu",
        "zoho-in",
        "zoho-jp",
        "zoho-organisation",
        "fastmail",
        "gmx-de",
        "gmx-com",
        "web-de",
        "mail-com",
        "yandex",
        "mail-ru",
        "proton-bridge",
        "proton-business",
        "ionos-de",
        "ovh",
        "godaddy",
        "namecheap-private-email",
        "mailersend",
        "sendgrid",
        "mailgun-us",
        "mailgun-eu",
        "postmark",
        "amazon-ses-us-east-1",
        "amazon-ses-eu-west-1",
        "brevo",
        "mailjet",
        "sparkpost",
        "resend",
        "mailtrap",
        "mailtrap-bulk",
        "elastic-email",
        "smtp2go",
        "zeptomail",
    ] {
        assert!(catalogue::by_id(id).is_some(), "missing provider {id}");
    }
    let proton = catalogue::by_id("proton-bridge").unwrap();
    assert_eq!(servers(proton), [("127.0.0.1", 1025, Security::Starttls)]);
    assert_eq!(
        catalogue::by_id("sendgrid")
            .unwrap()
            .username_value
            .as_deref(),
        Some("apikey")
    );
}

/// The major providers the catalogue lacked, found by an address at each (most through the
/// ISPDB), with the host its documentation names.
#[test]
fn major_providers_are_found_by_their_domains() {
    for (domain, host) in [
        ("qq.com", "smtp.qq.com"),
        ("163.com", "smtp.163.com"),
        ("126.com", "smtp.126.com"),
        ("yeah.net", "smtp.yeah.net"),
        ("orange.fr", "smtp.orange.fr"),
        ("free.fr", "smtp.free.fr"),
        ("t-online.de", "securesmtp.t-online.de"),
        ("libero.it", "smtp.libero.it"),
        ("comcast.net", "smtp.comcast.net"),
        ("att.net", "outbound.att.net"),
        ("seznam.cz", "smtp.seznam.cz"),
        ("naver.com", "smtp.naver.com"),
        ("rediffmail.com", "smtp.rediffmail.com"),
        ("yahoo.co.jp", "smtp.mail.yahoo.co.jp"),
        ("posteo.de", "posteo.de"),
        ("laposte.net", "smtp.laposte.net"),
        ("sfr.fr", "smtp.sfr.fr"),
        ("btinternet.com", "mail.btinternet.com"),
        ("virgilio.it", "out.virgilio.it"),
        ("wp.pl", "smtp.wp.pl"),
        ("onet.pl", "smtp.poczta.onet.pl"),
        ("o2.pl", "poczta.o2.pl"),
        ("rambler.ru", "smtp.rambler.ru"),
        ("daum.net", "smtp.daum.net"),
    ] {
        let p = catalogue::by_domain(domain).unwrap_or_else(|| panic!("{domain} not found"));
        assert_eq!(p.servers[0].host, host, "{domain}");
    }
}

// ---------------------------------------------------------------------------------------------
// Offline discovery for every ISPDB domain.

/// Every domain of the ISPDB is found without the network and yields the SMTP host its
/// documentation names: the ISPDB's first server, or the one Portolan's own layer documents
/// instead (with its reason).
#[tokio::test]
async fn every_ispdb_domain_is_found_offline_with_its_documented_host() {
    let data = ispdb::parse(ispdb::ISPDB_JSON).unwrap();
    let opts = DiscoverOptions {
        offline: true,
        ..DiscoverOptions::default()
    };
    let (mut checked, mut corrected) = (0, 0);
    for file in &data.providers {
        for domain in &file.domains {
            let typed = format!("someone@{domain}");
            let addr = address::parse(&typed).unwrap();
            let d = discover(&typed, &opts, &())
                .await
                .unwrap_or_else(|e| panic!("{typed}: {}", e.message));
            assert!(d.left_computer.is_empty(), "{typed}: {:?}", d.left_computer);
            assert!(!d.candidates.is_empty(), "{typed}: nothing found offline");
            let p = catalogue::by_domain(domain).unwrap();
            let documented =
                if p.ispdb.as_deref() == Some(file.file.as_str()) && p.servers_replaced.is_none() {
                    autoconfig_host(&file.servers[0].host, &addr)
                } else {
                    // The own layer documents other servers, or the domain as another provider's.
                    corrected += 1;
                    assert!(
                        p.servers_replaced.as_deref().is_some_and(|w| !w.is_empty())
                            || p.ispdb.as_deref() != Some(file.file.as_str()),
                        "{typed}: corrected without a reason"
                    );
                    p.servers_for(&addr)[0].host.clone()
                };
            let hosts: Vec<&str> = d.candidates.iter().map(|c| c.host.as_str()).collect();
            assert!(
                hosts.contains(&documented.as_str()),
                "{typed}: {documented} not in {hosts:?}"
            );
            assert_eq!(d.candidates[0].provider_id.as_deref(), Some(p.id.as_str()));
            checked += 1;
        }
    }
    assert_eq!(checked, data.source.domains);
    eprintln!(
        "offline discovery: {checked} ISPDB domains found, {corrected} with a server Portolan's own layer documents instead"
    );
}

fn autoconfig_host(host: &str, addr: &address::EmailAddress) -> String {
    portolan_core::discover::autoconfig::substitute(host, addr).to_ascii_lowercase()
}
