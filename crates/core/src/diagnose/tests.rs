//! The classification by stage, reply code and enhanced status code, case by case.

use super::*;
use crate::smtp::EnhancedCode;

fn settings() -> SmtpSettings {
    SmtpSettings {
        host: "smtp.example.com".into(),
        port: 587,
        security: Security::Starttls,
        username: Some("a@example.com".into()),
        from: "a@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

fn reply(code: u16, text: &str) -> Reply {
    Reply {
        code,
        enhanced: EnhancedCode::parse(text, code),
        lines: vec![text.to_owned()],
    }
}

/// A reply at a stage, at a server, and the verdict code it must get: classified by stage,
/// reply code and enhanced status code, never by the words (the last column says what the
/// case shows).
type Case = (
    (&'static str, &'static str),
    Stage,
    u16,
    &'static str,
    C,
    &'static str,
);

const ANYWHERE: (&str, &str) = ("smtp.example.com", "a@example.com");
const GMAIL: (&str, &str) = ("smtp.gmail.com", "a@gmail.com");

#[rustfmt::skip]
const CASES: &[Case] = &[
    (ANYWHERE, Stage::Auth, 535, "5.7.8 Error: authentication failed", C::AuthFailed, "a refused password"),
    (ANYWHERE, Stage::Auth, 534, "5.7.9 Application-specific password required", C::AuthMechanismUnsupported, "5.7.9 means \"mechanism too weak\" except at Google"),
    (ANYWHERE, Stage::Auth, 535, "5.7.139 Authentication unsuccessful, basic auth disabled", C::SmtpAuthDisabled, "Microsoft's 5.7.139"),
    (ANYWHERE, Stage::Auth, 535, "5.7.8 app password required, certificate spam", C::AuthFailed, "words alone never decide"),
    (ANYWHERE, Stage::Auth, 454, "4.7.0 Temporary failure", C::RateLimited, "454 4.7.0 is a pause"),
    (ANYWHERE, Stage::Auth, 454, "4.3.0 Try again later", C::ServerBusy, "454 4.3.0 is the server"),
    (ANYWHERE, Stage::RcptTo, 554, "5.7.1 <x@y>: Relay access denied", C::RelayDenied, "relay"),
    (ANYWHERE, Stage::RcptTo, 550, "5.1.1 <x@y>: User unknown", C::RecipientRejected, "recipient"),
    (ANYWHERE, Stage::RcptTo, 450, "4.2.0 Greylisted, see url", C::Greylisted, "greylisting"),
    (ANYWHERE, Stage::MailFrom, 553, "5.7.1 Sender address rejected", C::SenderRejected, "sender"),
    (ANYWHERE, Stage::MailFrom, 530, "5.7.0 Authentication required", C::AuthRequired, "sign-in needed"),
    (ANYWHERE, Stage::Data, 554, "5.6.0 Message refused", C::MessageRejected, "message"),
    (ANYWHERE, Stage::Greeting, 421, "4.3.2 Service shutting down", C::ServerBusy, "a busy greeting"),
    (ANYWHERE, Stage::Greeting, 554, "5.7.1 You are blocked", C::GreetingRefused, "a refused greeting"),
    (ANYWHERE, Stage::Ehlo, 504, "5.5.2 <[127.0.0.1]>: Helo command rejected: need fully-qualified hostname", C::EhloNameRejected, "a refused hello name"),
    (GMAIL, Stage::MailFrom, 550, "5.4.5 Daily user sending limit exceeded.", C::QuotaExceeded, "documented by the big providers"),
    (GMAIL, Stage::Data, 550, "5.4.5 Daily sending quota exceeded.", C::QuotaExceeded, "documented by the big providers"),
    (GMAIL, Stage::Data, 554, "5.2.252 SendAsDenied; a@x.example not allowed to send as b@y.example", C::SendAsDenied, "documented by the big providers"),
    (GMAIL, Stage::RcptTo, 550, "5.7.26 Unauthenticated email from y.example is not accepted due to domain's DMARC policy.", C::SenderPolicyRejected, "documented by the big providers"),
    (GMAIL, Stage::Data, 550, "5.7.23 SPF validation failed", C::SenderPolicyRejected, "documented by the big providers"),
    (GMAIL, Stage::MailFrom, 530, "5.7.57 Client not authenticated to send mail.", C::AuthRequired, "documented by the big providers"),
];

#[test]
fn replies_are_classified_by_stage_code_and_enhanced_code() {
    for &((host, from), stage, code, text, want, why) in CASES {
        let v = at(host, from, stage, code, text);
        assert_eq!(v.code, want, "{text} at {host}: {why}");
    }
}

/// The verdict for `reply` at `stage` talking to `host` (port 465, TLS) for `from`, with the
/// provider the catalogue knows for them.
fn at(host: &str, from: &str, stage: Stage, code: u16, text: &str) -> Verdict {
    let s = SmtpSettings {
        host: host.into(),
        port: 465,
        security: Security::Tls,
        username: Some(from.into()),
        from: from.into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    };
    let known = crate::discover::catalogue::known_provider(&s, None);
    let ctx = Context {
        settings: &s,
        tls: None,
        server: None,
        provider: known.as_ref(),
        signed_in: false,
    };
    diagnose(
        &Failure::Reply {
            stage,
            reply: reply(code, text),
        },
        &ctx,
    )
}

#[test]
fn a_refused_password_at_app_password_providers_opens_their_page_first() {
    for (host, from, page) in [
        (
            "smtp.gmail.com",
            "a@gmail.com",
            "https://myaccount.google.com/apppasswords",
        ),
        (
            "smtp.mail.yahoo.com",
            "a@yahoo.com",
            "https://login.yahoo.com/account/security",
        ),
        (
            "smtp.mail.me.com",
            "a@icloud.com",
            "https://account.apple.com/account/manage",
        ),
        (
            "smtp.aol.com",
            "a@aol.com",
            "https://login.aol.com/account/security",
        ),
        (
            "smtp.zoho.com",
            "a@zohomail.com",
            "https://accounts.zoho.com/home#security/app_password",
        ),
    ] {
        let v = at(
            host,
            from,
            Stage::Auth,
            535,
            "5.7.8 Username and Password not accepted",
        );
        assert_eq!(v.code, C::AuthFailed, "{host}");
        let first = &v.fixes[0];
        assert_eq!(first.kind, FixKind::OpenPage, "{host}");
        assert_eq!(first.link.as_deref(), Some(page), "{host}");
        assert!(crate::discover::catalogue::is_catalogue_link(page));
        assert!(
            v.fixes.iter().all(|f| f.kind != FixKind::CheckPassword),
            "{host}: typing the same password again cannot work"
        );
    }
    // Unknown servers keep "type the password again".
    let v = at(
        "mail.example.net",
        "a@example.net",
        Stage::Auth,
        535,
        "5.7.8 Bad credentials",
    );
    assert_eq!(v.code, C::AuthFailed);
    assert_eq!(v.fixes[0].kind, FixKind::CheckPassword);
    assert!(v.fixes.iter().all(|f| f.link.is_none()));
}

#[test]
fn google_534_5_7_9_means_app_password_and_elsewhere_a_weak_mechanism() {
    let g = at(
        "smtp.gmail.com",
        "a@gmail.com",
        Stage::Auth,
        534,
        "5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor",
    );
    assert_eq!(g.code, C::AppPasswordRequired);
    assert_eq!(g.fixes[0].kind, FixKind::OpenPage);
    let other = at(
        "mail.example.net",
        "a@example.net",
        Stage::Auth,
        534,
        "5.7.9 Authentication mechanism is too weak",
    );
    assert_eq!(other.code, C::AuthMechanismUnsupported);
    assert!(other
        .fixes
        .iter()
        .all(|f| f.kind == FixKind::UseSecurity || f.kind == FixKind::FindWorkingPort));
}

#[test]
fn rate_limits_are_not_wrong_passwords() {
    let g = at(
        "smtp.gmail.com",
        "a@gmail.com",
        Stage::Auth,
        454,
        "4.7.0 Too many login attempts, please try again later.",
    );
    assert_eq!(g.code, C::RateLimited);
    assert_eq!(g.fixes[0].kind, FixKind::RetryLater);
    let y = at(
        "smtp.mail.yahoo.com",
        "a@yahoo.com",
        Stage::Auth,
        535,
        "5.7.0 (#AUTH005) Too many bad auth attempts.",
    );
    assert_eq!(y.code, C::RateLimited);
    assert_eq!(y.fixes[0].kind, FixKind::RetryLater);
    assert_eq!(y.fixes[1].kind, FixKind::OpenPage);
    // The token means nothing at another provider.
    let o = at(
        "mail.example.net",
        "a@example.net",
        Stage::Auth,
        535,
        "5.7.0 (#AUTH005) Too many bad auth attempts.",
    );
    assert_eq!(o.code, C::AuthFailed);
}

#[test]
fn microsoft_5_7_139_gives_a_request_for_the_it_admin() {
    let said = "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";
    let v = at(
        "smtp.office365.com",
        "ann@firma.example",
        Stage::Auth,
        535,
        said,
    );
    assert_eq!(v.code, C::SmtpAuthDisabled);
    let fix = &v.fixes[0];
    assert_eq!(fix.kind, FixKind::CopyText);
    assert_eq!(fix.label, "Copy a request for your IT admin");
    let text = fix.copy_text.as_deref().unwrap();
    for needle in [
        "ann@firma.example",
        "Turn off SMTP AUTH protocol for your organization",
        "Set-TransportConfig -SmtpClientAuthenticationDisabled $false",
        "Security Defaults",
        "Authenticated SMTP",
        "Set-CASMailbox -Identity ann@firma.example -SmtpClientAuthenticationDisabled $false",
        said,
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    // An Outlook.com personal account: passwords are over; no admin to ask.
    let o = at(
        "smtp-mail.outlook.com",
        "a@hotmail.com",
        Stage::Auth,
        535,
        said,
    );
    assert_eq!(o.code, C::OauthRequired);
    assert!(o.fixes.iter().all(|f| f.kind != FixKind::CopyText));
}

#[test]
fn must_issue_starttls_first_turns_encryption_on() {
    // "Must issue a STARTTLS command first" on a plain connection to a server that offers it.
    let s = SmtpSettings {
        host: "smtp.gmail.com".into(),
        port: 587,
        security: Security::None,
        username: None,
        from: "a@gmail.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    };
    let info = ServerInfo {
        starttls: true,
        ..ServerInfo::default()
    };
    let ctx = Context {
        settings: &s,
        tls: None,
        server: Some(&info),
        provider: None,
        signed_in: false,
    };
    let r = diagnose(
        &Failure::Reply {
            stage: Stage::MailFrom,
            reply: reply(530, "5.7.0 Must issue a STARTTLS command first."),
        },
        &ctx,
    );
    assert_eq!(r.code, C::StarttlsRequired);
    assert_eq!(
        r.fixes[0].settings_patch.as_ref().unwrap().security,
        Some(Security::Starttls)
    );
}

fn ctx(s: &SmtpSettings, signed_in: bool) -> Context<'_> {
    Context {
        settings: s,
        tls: None,
        server: None,
        provider: None,
        signed_in,
    }
}

#[test]
fn relay_denied_while_signed_in_is_about_the_addresses_not_signing_in() {
    let s = settings();
    let f = Failure::Reply {
        stage: Stage::RcptTo,
        reply: reply(554, "5.7.1 <x@y>: Relay access denied"),
    };
    let v = diagnose(&f, &ctx(&s, true));
    assert_eq!(v.code, C::RelayDenied);
    assert!(
        v.explanation.contains("You are signed in"),
        "{}",
        v.explanation
    );
    assert!(v.fixes.iter().all(|f| f.kind == FixKind::CheckAddress));
    assert!(!v.explanation.contains("sign in,"));
    let v = diagnose(&f, &ctx(&s, false));
    assert!(v.fixes.iter().any(|f| f.kind == FixKind::AddSignIn));
}

#[test]
fn no_dns_answer_is_not_no_such_server() {
    let s = settings();
    let v = diagnose(&Failure::Net(NetFailure::DnsTimeout), &ctx(&s, false));
    assert_eq!(v.code, C::DnsNoAnswer);
    assert!(
        !v.explanation.contains("No server called"),
        "{}",
        v.explanation
    );
    assert!(v.explanation.contains("no answer"));
    let v = diagnose(
        &Failure::Net(NetFailure::DnsNotFound("Name or service not known".into())),
        &ctx(&s, false),
    );
    assert_eq!(v.code, C::DnsNotFound);
    assert!(v.explanation.contains("No server called"));
}

#[test]
fn a_silent_port_may_be_not_offered_or_blocked_in_that_order() {
    let s = settings();
    let v = diagnose(&Failure::Net(NetFailure::Timeout), &ctx(&s, false));
    assert_eq!(v.code, C::ConnectTimeout);
    let e = &v.explanation;
    let offered = e.find("does not offer this port").unwrap();
    let blocked = e.find("firewall").unwrap();
    assert!(offered < blocked, "{e}");
    assert!(!v.title.contains("blocked?"));
}

#[test]
fn passing_checks_say_where_they_were_checked_and_sends_say_accepted() {
    let s = settings();
    let v = success(&ctx(&s, true), true, None);
    assert_eq!(v.title, "Everything works");
    assert!(v.explanation.ends_with(CHECKED_HERE));
    let sent = SentInfo {
        from: "a@example.com".into(),
        to: "b@example.com".into(),
        code: 250,
        reply: "250 2.0.0 Ok: queued as 4F".into(),
        test_code: "4F7K".into(),
        subject: "Portolan test 4F7K".into(),
        message_id: "<portolan.4F7K.00@example.com>".into(),
        ask: crate::report::ArrivalQuestion::new("b@example.com", "Portolan test 4F7K"),
    };
    let v = success(&ctx(&s, true), true, Some(&sent));
    assert_eq!(v.title, "The server accepted your test email");
    assert!(v.explanation.contains("Portolan test 4F7K"));
    assert!(v.explanation.contains("checked from this computer"));
}

#[test]
fn dates_are_written_for_people() {
    assert_eq!(
        crate::report::date_for_people("2027-12-04T13:48:25Z"),
        "4 December 2027"
    );
    assert_eq!(
        crate::report::date_for_people("2021-01-01T00:00:00Z"),
        "1 January 2021"
    );
    assert_eq!(crate::report::date_for_people("garbage"), "garbage");
    assert_eq!(crate::report::date_for_people("2021-13-01"), "2021-13-01");
}
