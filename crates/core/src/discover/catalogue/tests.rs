//! The merged catalogue: every source's facts, the corrections, the lookups.

use super::*;

#[test]
fn only_password_rules_say_before_you_type_your_password() {
    assert_eq!(
        PolicyNote::new(NoteKind::AppPassword, "x").lead,
        "Before you type your password:"
    );
    assert_eq!(PolicyNote::new(NoteKind::Info, "x").lead, "Good to know:");
    assert_eq!(
        PolicyNote::new(NoteKind::PaidPlan, "x").lead,
        "Good to know:"
    );
    assert_eq!(
        PolicyNote::new(NoteKind::Bridge, "x").lead,
        "Before you start:"
    );
}
use crate::discover::address;

#[test]
fn domain_and_mx_lookups_find_the_right_provider() {
    assert_eq!(by_domain("gmail.com").unwrap().id, "gmail");
    assert_eq!(by_domain("HOTMAIL.COM").unwrap().id, "outlook-com");
    assert_eq!(by_domain("qq.com.").unwrap().id, "qq");
    assert_eq!(by_domain("seznam.cz").unwrap().id, "seznam.cz");
    assert!(by_domain("example.com").is_none());
    assert_eq!(by_mx("aspmx.l.google.com.").unwrap().id, "google-workspace");
    assert_eq!(
        by_mx("contoso-com.mail.protection.outlook.com").unwrap().id,
        "microsoft-365"
    );
    assert_eq!(by_mx("mxa.eu.mailgun.org").unwrap().id, "mailgun-eu");
    assert_eq!(by_mx("mxa.mailgun.org").unwrap().id, "mailgun-us");
    // ISPDB domains count as MX suffixes, as in Thunderbird.
    assert_eq!(by_mx("mx00.t-online.de").unwrap().id, "t-online");
    // A pattern matches whole labels only: "gmail.com" is not "mail.com".
    assert!(by_mx("evilmail.ru").is_none());
    assert!(by_mx("xgmail.com").is_none());
}

#[test]
fn username_rules_fill_the_user_name() {
    let a = address::parse("jo@example.com").unwrap();
    assert_eq!(
        by_id("sendgrid").unwrap().username_for(&a).as_deref(),
        Some("apikey")
    );
    let g = address::parse("jo@gmail.com").unwrap();
    assert_eq!(
        by_id("gmail").unwrap().username_for(&g).as_deref(),
        Some("jo@gmail.com")
    );
    assert!(by_id("postmark").unwrap().username_for(&a).is_none());
    // The ISPDB's patterns are filled in from the address.
    let pattern = providers()
        .unwrap()
        .iter()
        .find(|p| p.username == UsernameRule::Pattern)
        .expect("the ISPDB has user-name patterns");
    let d = address::parse(&format!("jo@{}", pattern.domains[0])).unwrap();
    let u = pattern.username_for(&d).unwrap();
    assert!(!u.contains('%') && u.starts_with("jo"), "{u}");
}

#[test]
fn placeholders_in_hosts_are_filled_from_the_address() {
    let p = providers()
        .unwrap()
        .iter()
        .find(|p| p.servers.iter().any(|s| s.host.contains("%EMAILDOMAIN%")))
        .expect("the ISPDB has hosts with %EMAILDOMAIN%");
    let a = address::parse(&format!("jo@{}", p.domains[0])).unwrap();
    let servers = p.servers_for(&a);
    assert!(!servers.is_empty());
    assert!(servers.iter().all(|s| !s.host.contains('%')));
    assert!(servers.iter().any(|s| s.host.ends_with(&p.domains[0])));
}

#[test]
fn dates_are_written_out_and_checked() {
    assert_eq!(
        crate::report::date_for_people("2026-01-27"),
        "27 January 2026"
    );
    assert_eq!(
        crate::report::date_for_people("2024-09-16"),
        "16 September 2024"
    );
    assert!(parse_date("2024-02-29").is_some());
    for bad in [
        "2026-02-29",
        "2026-13-01",
        "26-01-27",
        "2026-1-27",
        "soon",
        "2026-01-27x",
    ] {
        assert!(parse_date(bad).is_none(), "{bad}");
    }
}

#[test]
fn unverified_and_dated_notes_say_so_in_words() {
    let m365 = by_id("microsoft-365").unwrap();
    let notes = m365.policy_notes();
    let dated = notes.iter().find(|n| n.as_of.is_some()).unwrap();
    assert!(
        dated.text.starts_with("As of 27 January 2026: "),
        "{}",
        dated.text
    );
    let mail_com = by_id("mail-com").unwrap();
    let n = &mail_com.policy_notes()[0];
    assert!(n.text.starts_with("Usually: "), "{}", n.text);
    assert!(n.text.contains("could not confirm"));
    assert_eq!(n.source.as_ref().map(|s| s.verified), Some(false));
}

#[test]
fn an_entry_without_a_source_or_verified_flag_is_refused() {
    let entry = |extra: &str| {
        format!(
            "[[provider]]\nid = \"x\"\nname = \"X\"\nkind = \"sending_service\"\n\
             help = {{ url = \"https://x.example/help\", read = \"2026-12-06\", verified = true }}\n\
             username = {{ rule = \"address\", source = \"doc\", verified = true }}\n\
             {extra}\n[provider.sources]\ndoc = {{ url = \"https://x.example/doc\", read = \"2026-12-06\" }}\n"
        )
    };
    let servers = "servers = { mode = \"replace\", list = [{ host = \"smtp.x.example\", port = 587, security = \"starttls\", source = \"doc\", verified = true }] }";
    let good = entry(&format!("source = \"doc\"\nverified = true\n{servers}"));
    let c = build(ispdb::ISPDB_JSON, &good).unwrap();
    assert!(c.audit().is_empty(), "{:?}", c.audit());
    // No verified flag on the entry.
    assert!(build(
        ispdb::ISPDB_JSON,
        &entry(&format!("source = \"doc\"\n{servers}"))
    )
    .is_err());
    // No source on a server.
    let no_source = servers.replace("source = \"doc\", ", "");
    assert!(build(
        ispdb::ISPDB_JSON,
        &entry(&format!("source = \"doc\"\nverified = true\n{no_source}"))
    )
    .is_err());
    // A source that is not defined.
    let unknown = servers.replace("source = \"doc\"", "source = \"nowhere\"");
    let err = build(
        ispdb::ISPDB_JSON,
        &entry(&format!("source = \"doc\"\nverified = true\n{unknown}")),
    )
    .unwrap_err();
    assert!(err.contains("unknown source"), "{err}");
    // A source without an https address or a real date is an audit failure.
    let plain = good.replace("https://x.example/doc", "http://x.example/doc");
    assert!(!build(ispdb::ISPDB_JSON, &plain).unwrap().audit().is_empty());
    let undated = good.replace("read = \"2026-12-06\" }\n", "read = \"someday\" }\n");
    assert!(!build(ispdb::ISPDB_JSON, &undated)
        .unwrap()
        .audit()
        .is_empty());
}
