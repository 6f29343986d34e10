#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The built-in provider catalogue as a whole: the ISPDB data and Portolan's own layer merge
//! without a fault, every fact names its source and whether it was verified, each corrected
//! fact stays corrected, and every ISPDB domain is found offline.

use std::collections::BTreeSet;

use portolan_core::discover::address;
use portolan_core::discover::catalogue::{
    self, ispdb, FactOrigin, NoteKind, Provider, ProviderKind, UsernameRule,
};
use portolan_core::discover::{discover, DiscoverOptions};
use portolan_core::ports::Security;

fn servers(p: &Provider) -> Vec<(&str, u16, Security)> {
    p.servers
        .iter()
        .map(|s| (s.host.as_str(), s.port, s.security))
        .collect()
}

fn id(p: Option<&Provider>) -> &str {
    p.map_or("(none)", |p| p.id.as_str())
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
    let own: Vec<_> = facts
        .iter()
        .filter(|(_, f)| f.origin == FactOrigin::Portolan)
        .collect();
    let own_verified = own.iter().filter(|(_, f)| f.verified).count();
    eprintln!(
        "catalogue: {} providers ({} sending services), {} domains; {} facts with a source, {} verified; Portolan's own layer: {} facts, {own_verified} verified",
        c.providers.len(),
        c.providers
            .iter()
            .filter(|p| p.kind == ProviderKind::SendingService)
            .count(),
        domains.len(),
        facts.len(),
        verified,
        own.len()
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
// Facts found wrong or dated, each corrected with its source.

#[test]
fn yahoo_co_jp_is_yahoo_japan_with_the_local_part_as_user_name() {
    let p = catalogue::by_domain("yahoo.co.jp").unwrap();
    assert_eq!(p.id, "yahoo-japan");
    assert!(p.name.contains("JAPAN"));
    assert_eq!(servers(p), [("smtp.mail.yahoo.co.jp", 465, Security::Tls)]);
    let a = address::parse("taro@yahoo.co.jp").unwrap();
    assert_eq!(p.username_for(&a).as_deref(), Some("taro"));
    assert!(!catalogue::by_id("yahoo")
        .unwrap()
        .domains
        .iter()
        .any(|d| d == "yahoo.co.jp"));
}

#[test]
fn web_de_user_name_is_the_part_before_the_at_on_465_and_587() {
    let p = catalogue::by_domain("web.de").unwrap();
    assert_eq!(p.id, "web-de");
    assert_eq!(
        servers(p),
        [
            ("smtp.web.de", 465, Security::Tls),
            ("smtp.web.de", 587, Security::Starttls)
        ]
    );
    assert_eq!(p.username, UsernameRule::LocalPart);
    assert!(p.username_source.verified);
    let a = address::parse("max.muster@web.de").unwrap();
    assert_eq!(p.username_for(&a).as_deref(), Some("max.muster"));
}

#[test]
fn yandex_is_465_with_ssl_only() {
    let p = catalogue::by_domain("yandex.ru").unwrap();
    assert!(p
        .servers
        .iter()
        .all(|s| s.port == 465 && s.security == Security::Tls));
    assert!(p.servers.iter().all(|s| s.source.verified));
    assert!(p.servers_replaced.as_deref().is_some_and(|w| !w.is_empty()));
}

#[test]
fn fastmail_is_465_only() {
    for domain in ["fastmail.com", "messagingengine.com"] {
        let p = catalogue::by_domain(domain).unwrap();
        assert_eq!(p.id, "fastmail");
        assert_eq!(servers(p), [("smtp.fastmail.com", 465, Security::Tls)]);
    }
    assert!(catalogue::by_id("fastmail")
        .unwrap()
        .servers_replaced
        .as_deref()
        .unwrap()
        .contains("STARTTLS"));
}

#[test]
fn zoho_personal_addresses_use_smtp_zoho_and_organisations_smtppro() {
    for (domain, host) in [
        ("zoho.com", "smtp.zoho.com"),
        ("zohomail.com", "smtp.zoho.com"),
        ("zoho.eu", "smtp.zoho.eu"),
        ("zoho.in", "smtp.zoho.in"),
        ("zoho.com.au", "smtp.zoho.com.au"),
        ("zoho.jp", "smtp.zoho.jp"),
        ("zohomail.jp", "smtp.zoho.jp"),
        ("zohocloud.ca", "smtp.zohocloud.ca"),
    ] {
        let p = catalogue::by_domain(domain).unwrap_or_else(|| panic!("{domain} missing"));
        assert_eq!(
            servers(p),
            [(host, 465, Security::Tls), (host, 587, Security::Starttls)],
            "{domain}"
        );
    }
    for (mx, host) in [
        ("mx.zoho.com", "smtppro.zoho.com"),
        ("mx2.zoho.eu", "smtppro.zoho.eu"),
        ("mx.zoho.in", "smtppro.zoho.in"),
        ("mx.zoho.jp", "smtppro.zoho.jp"),
    ] {
        let p = catalogue::by_mx(mx).unwrap();
        assert_eq!(p.servers[0].host, host, "{mx}");
    }
}

#[test]
fn icloud_custom_domains_sign_in_with_the_apple_account_address() {
    let p = catalogue::by_mx("mx01.mail.icloud.com").unwrap();
    assert_eq!(p.id, "icloud-custom-domain");
    let a = address::parse("me@my-family.example").unwrap();
    assert_eq!(p.username_for(&a), None, "not the custom-domain address");
    assert!(p
        .username_words()
        .unwrap()
        .contains("Apple Account address"));
    assert_eq!(servers(p), [("smtp.mail.me.com", 587, Security::Starttls)]);
    // An @icloud.com address signs in with itself.
    let own = catalogue::by_domain("icloud.com").unwrap();
    let a = address::parse("me@icloud.com").unwrap();
    assert_eq!(own.username_for(&a).as_deref(), Some("me@icloud.com"));
}

#[test]
fn aol_mx_hosts_in_yahoodns_are_not_taken_for_yahoo() {
    assert_eq!(id(catalogue::by_mx("mx-aol.mail.gm0.yahoodns.net")), "aol");
    assert_eq!(id(catalogue::by_mx("mta5.am0.yahoodns.net")), "yahoo");
    assert_eq!(id(catalogue::by_domain("aol.com")), "aol");
}

#[test]
fn microsoft_365_note_gives_the_dated_basic_auth_timeline() {
    let p = catalogue::by_id("microsoft-365").unwrap();
    let note = p
        .notes
        .iter()
        .find(|n| n.deadline.is_some())
        .expect("a dated note");
    assert_eq!(note.as_of.as_deref(), Some("2026-01-27"));
    assert_eq!(note.deadline.as_deref(), Some("2026-12-31"));
    assert!(note.source.verified && note.source.url.contains("MC786329"));
    let shown = p
        .policy_notes()
        .into_iter()
        .find(|n| n.as_of.is_some())
        .unwrap();
    for words in [
        "As of 27 January 2026",
        "December 2026",
        "off by default for existing",
        "new ones",
        "second half of 2027",
    ] {
        assert!(shown.text.contains(words), "{words}: {}", shown.text);
    }
    assert!(p
        .notes
        .iter()
        .any(|n| n.kind == NoteKind::AdminEnableSmtpAuth && n.text.contains("Security Defaults")));
}

#[test]
fn every_note_about_a_deadline_is_dated_and_shows_its_date() {
    for p in catalogue::providers().unwrap() {
        for (n, shown) in p.notes.iter().zip(p.policy_notes()) {
            if n.deadline.is_some() {
                let as_of = n.as_of.as_deref().expect("dated");
                assert!(
                    shown
                        .text
                        .contains(&portolan_core::report::date_for_people(as_of)),
                    "{}: {}",
                    p.id,
                    shown.text
                );
            }
        }
    }
}

#[test]
fn outlook_com_password_sign_in_ended_on_16_september_2024() {
    let p = catalogue::by_domain("outlook.com").unwrap();
    let note = p
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::OauthOnly)
        .unwrap();
    assert_eq!(note.deadline.as_deref(), Some("2024-09-16"));
    assert!(note.text.contains("16 September 2024"));
    assert!(note.source.verified);
}

#[test]
fn proton_business_plans_submit_with_tokens_besides_bridge() {
    let p = catalogue::by_mx("mail.protonmail.ch").unwrap();
    assert_eq!(p.id, "proton-business");
    assert_eq!(p.servers[0].host, "smtp.protonmail.ch");
    assert_eq!(
        (p.servers[0].port, p.servers[0].security),
        (587, Security::Starttls)
    );
    assert!(p.servers[0].source.verified);
    assert!(p.servers.iter().any(|s| s.host == "127.0.0.1"));
    assert!(p
        .notes
        .iter()
        .any(|n| n.kind == NoteKind::ApiKey && n.text.contains("SMTP token")));
    let bridge = catalogue::by_domain("proton.me").unwrap();
    assert!(bridge
        .notes
        .iter()
        .any(|n| n.text.contains("smtp.protonmail.ch port 587")));
}

#[test]
fn brevo_documents_587_and_2525_and_465_with_ssl() {
    let p = catalogue::by_id("brevo").unwrap();
    assert_eq!(
        servers(p),
        [
            ("smtp-relay.brevo.com", 587, Security::Starttls),
            ("smtp-relay.brevo.com", 2525, Security::Starttls),
            ("smtp-relay.brevo.com", 465, Security::Tls),
        ]
    );
    assert!(p.servers.iter().all(|s| s.source.verified));
}

#[test]
fn mailtrap_has_its_bulk_host_and_new_help_link() {
    let bulk = catalogue::by_id("mailtrap-bulk").unwrap();
    assert_eq!(bulk.servers[0].host, "bulk.smtp.mailtrap.io");
    assert!(bulk.servers[0].source.verified);
    for id in ["mailtrap", "mailtrap-bulk"] {
        let p = catalogue::by_id(id).unwrap();
        assert!(p
            .help
            .as_deref()
            .unwrap()
            .starts_with("https://docs.mailtrap.io"));
        assert!(!p
            .help
            .as_deref()
            .unwrap()
            .contains("help.mailtrap.io/article/122"));
    }
}

#[test]
fn smtp2go_has_its_regional_hosts() {
    for (id, host) in [
        ("smtp2go-us", "mail-us.smtp2go.com"),
        ("smtp2go-eu", "mail-eu.smtp2go.com"),
        ("smtp2go-au", "mail-au.smtp2go.com"),
    ] {
        let p = catalogue::by_id(id).unwrap();
        assert_eq!(p.servers[0].host, host);
        assert!(p.servers[0].source.verified);
    }
}

#[test]
fn mailersend_documents_587_not_2525() {
    let p = catalogue::by_id("mailersend").unwrap();
    assert_eq!(
        servers(p),
        [("smtp.mailersend.net", 587, Security::Starttls)]
    );
}

/// Facts nobody could confirm are marked so and put to the user as "usually".
#[test]
fn unconfirmed_facts_are_unverified_and_shown_as_usually() {
    let a = address::parse("jo@example.com").unwrap();
    for id in ["ionos-de", "ionos-com", "ionos-uk"] {
        let p = catalogue::by_id(id).unwrap();
        assert!(p.servers.iter().all(|s| !s.source.verified), "{id}");
        assert!(!p.source.verified, "{id}");
        assert!(p.username_words().unwrap().contains("usually"), "{id}");
        assert!(p.server_notes(&p.servers_for(&a)[0])[0]
            .text
            .starts_with("Usually"));
    }
    let ovh = catalogue::by_id("ovh").unwrap();
    assert!(!ovh.source.verified, "the MX suffix is unconfirmed");
    let ovh_587 = ovh.servers.iter().find(|s| s.port == 587).unwrap();
    assert!(!ovh_587.source.verified);
    let godaddy = catalogue::by_id("godaddy").unwrap();
    let (s465, s587): (Vec<_>, Vec<_>) = godaddy.servers.iter().partition(|s| s.port == 465);
    assert!(
        s465.iter().all(|s| s.source.verified),
        "the ISPDB vouches for 465"
    );
    assert!(s587.iter().all(|s| !s.source.verified));
    assert!(godaddy.server_notes(s587[0])[0].text.starts_with("Usually"));
    let mail_com = catalogue::by_id("mail-com").unwrap();
    let free_plan = mail_com
        .notes
        .iter()
        .zip(mail_com.policy_notes())
        .find(|(n, _)| n.text.contains("free plan"))
        .unwrap();
    assert!(!free_plan.0.source.verified);
    assert!(free_plan.1.text.starts_with("Usually: "));
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
