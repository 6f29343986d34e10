#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The built-in provider catalogue is checked as a whole: every entry parses, names a valid
//! host, a sane port with matching security, an https help link and where its facts came from.

use std::collections::HashSet;

use portolan_core::discover::catalogue::{self, ProviderKind, UsernameRule};
use portolan_core::ports::Security;

fn valid_host(h: &str) -> bool {
    if h.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[test]
fn catalogue_file_is_valid() {
    let list = catalogue::parse(catalogue::CATALOGUE_TOML).expect("the catalogue parses");
    let mut ids = HashSet::new();
    let mut domains = HashSet::new();
    for p in &list {
        assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
        assert!(
            p.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            p.id
        );
        assert!(!p.name.trim().is_empty(), "{}", p.id);
        assert!(
            p.help.starts_with("https://"),
            "{}: help link must be https",
            p.id
        );
        assert!(
            !p.source.trim().is_empty(),
            "{}: say where the facts come from",
            p.id
        );
        assert!(!p.servers.is_empty(), "{}: no server", p.id);
        for d in &p.domains {
            assert!(valid_host(d), "{}: bad domain {d}", p.id);
            assert!(
                domains.insert(d.clone()),
                "{}: domain {d} listed twice",
                p.id
            );
        }
        for m in &p.mx {
            assert!(valid_host(m), "{}: bad MX pattern {m}", p.id);
        }
        for s in &p.servers {
            assert!(valid_host(&s.host), "{}: bad host {}", p.id, s.host);
            assert!(
                [25, 465, 587, 1025, 2465, 2525, 2587, 8025, 8465].contains(&s.port),
                "{}: unusual port {}",
                p.id,
                s.port
            );
            match s.port {
                465 | 2465 | 8465 => assert_eq!(s.security, Security::Tls, "{} {}", p.id, s.port),
                587 | 2525 | 2587 | 8025 | 1025 => {
                    assert_eq!(s.security, Security::Starttls, "{} {}", p.id, s.port)
                }
                _ => {}
            }
            assert_ne!(s.security, Security::None, "{}: unencrypted server", p.id);
            if s.host.parse::<std::net::IpAddr>().is_ok() {
                assert_eq!(
                    p.kind,
                    ProviderKind::Bridge,
                    "{}: IP only for a bridge",
                    p.id
                );
            }
        }
        match p.username {
            UsernameRule::Literal => assert!(
                p.username_value.as_deref().is_some_and(|v| !v.is_empty()),
                "{}: literal user name missing",
                p.id
            ),
            UsernameRule::FromService => assert!(
                p.username_hint.as_deref().is_some_and(|v| !v.is_empty()),
                "{}: say where the user name is found",
                p.id
            ),
            _ => {}
        }
        for n in &p.notes {
            assert!(n.text.len() > 20, "{}: note too short", p.id);
        }
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
        "aol",
        "icloud",
        "zoho",
        "zoho-eu",
        "zoho-in",
        "fastmail",
        "gmx-de",
        "gmx-com",
        "web-de",
        "mail-com",
        "yandex",
        "mail-ru",
        "proton-bridge",
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
        "elastic-email",
        "smtp2go",
    ] {
        assert!(catalogue::by_id(id).is_some(), "missing provider {id}");
    }
    let proton = catalogue::by_id("proton-bridge").unwrap();
    assert_eq!(proton.servers[0].host, "127.0.0.1");
    assert_eq!(proton.servers[0].port, 1025);
    assert_eq!(proton.servers[0].security, Security::Starttls);
    let sendgrid = catalogue::by_id("sendgrid").unwrap();
    assert_eq!(sendgrid.username_value.as_deref(), Some("apikey"));
}

#[test]
fn catalogue_reports_how_many_entries_are_verified() {
    let list = catalogue::providers().unwrap();
    let verified = list.iter().filter(|p| p.verified).count();
    eprintln!("catalogue: {verified} of {} entries verified", list.len());
    assert!(verified > 0);
}
