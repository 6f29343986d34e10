//! Provider emulation: scripted servers on loopback that answer with the replies the big
//! providers document, reached under the providers' own names (the check's fixed addresses
//! point smtp.gmail.com & co. at 127.0.0.1, with certificates for those names from a test
//! authority). Each case asserts the verdict code and the first fix, and that the password
//! appears nowhere in the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::net::{IpAddr, Ipv4Addr};

use engine_support::*;
use portolan_core::check::{check, CheckOptions, FindProvider, Report};
use portolan_core::discover::catalogue::{is_catalogue_link, known_provider};
use portolan_core::ports::Security;
use portolan_core::send::send_test;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;
use portolan_core::verdict::{FixKind, VerdictCode as C};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn pw() -> Sensitive<String> {
    Sensitive::new(CANARY.to_owned())
}

/// Settings for `host` (a provider's name) on the scripted server's `port`.
fn at(host: &str, port: u16, security: Security, user: Option<&str>, from: &str) -> SmtpSettings {
    SmtpSettings {
        host: host.into(),
        port,
        security,
        username: user.map(str::to_owned),
        from: from.into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

/// Quick bounds, the test authority, `host` at loopback, and the provider the catalogue knows
/// for `s` (as the app and the CLI fill it in).
fn opts(pki: &Pki, s: &SmtpSettings) -> CheckOptions {
    CheckOptions {
        resolve: vec![(s.host.clone(), LOOPBACK)],
        provider: known_provider(s, None),
        ..quick(Some(pki.trust()))
    }
}

/// A server on implicit TLS with a certificate for `names`, signing in as `auth_reply` says.
async fn tls_server(pki: &Pki, names: &[&str], ehlo: &[&str], auth_reply: &str) -> (u16, Log) {
    serve(Script {
        implicit_tls: Some(pki.server(names)),
        ehlo: ehlo.iter().map(|s| (*s).to_owned()).collect(),
        auth_reply: auth_reply.into(),
        ..Script::default()
    })
    .await
}

fn no_password_anywhere(r: &Report, user: &str) {
    let text = format!("{}\n{r:?}", serde_json::to_string(r).unwrap());
    assert_no_secret(&text, user, CANARY);
}

async fn auth_case(host: &str, from: &str, reply: &str) -> Report {
    let pki = Pki::new();
    let (port, _) = tls_server(&pki, &[host], &["AUTH PLAIN LOGIN"], reply).await;
    let s = at(host, port, Security::Tls, Some(from), from);
    let r = check(&s, Some(&pw()), &opts(&pki, &s), &()).await.unwrap();
    no_password_anywhere(&r, from);
    r
}

#[tokio::test]
async fn a_refused_password_at_app_password_providers_opens_their_page() {
    for (host, from, reply, page) in [
        (
            "smtp.gmail.com",
            "ann@gmail.com",
            "535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials",
            "https://myaccount.google.com/apppasswords",
        ),
        (
            "smtp.mail.yahoo.com",
            "ann@yahoo.com",
            "535 5.7.0 (#AUTH005) Too many bad auth attempts.",
            "",
        ),
        (
            "smtp.mail.me.com",
            "ann@icloud.com",
            "535 5.7.8 Error: authentication failed",
            "https://account.apple.com/account/manage",
        ),
        (
            "smtp.aol.com",
            "ann@aol.com",
            "535 5.7.0 (#AUTH001) Authentication failed",
            "https://login.aol.com/account/security",
        ),
        (
            "smtp.zoho.com",
            "ann@zohomail.com",
            "535 Authentication Failed",
            "https://accounts.zoho.com/home#security/app_password",
        ),
    ] {
        let r = auth_case(host, from, reply).await;
        let v = &r.verdict;
        if page.is_empty() {
            // Yahoo's #AUTH005: too many refusals, a pause, not a wrong password.
            assert_eq!(v.code, C::RateLimited, "{host}: {v:#?}");
            assert_eq!(v.fixes[0].kind, FixKind::RetryLater);
            assert_eq!(v.fixes[1].kind, FixKind::OpenPage);
            continue;
        }
        assert_eq!(v.code, C::AuthFailed, "{host}: {v:#?}");
        assert_eq!(v.fixes[0].kind, FixKind::OpenPage, "{host}");
        assert_eq!(v.fixes[0].link.as_deref(), Some(page), "{host}");
        assert!(is_catalogue_link(page));
    }
}

#[tokio::test]
async fn the_check_finds_the_provider_itself_beside_the_connection() {
    // As the CLI asks for it: no provider given, the catalogue read while connecting.
    let pki = Pki::new();
    let host = "smtp.gmail.com";
    let (port, _) = tls_server(
        &pki,
        &[host],
        &["AUTH PLAIN LOGIN"],
        "535-5.7.8 Username and Password not accepted.\r\n535 5.7.8 BadCredentials",
    )
    .await;
    let s = at(
        host,
        port,
        Security::Tls,
        Some("ann@gmail.com"),
        "ann@gmail.com",
    );
    let o = CheckOptions {
        provider: None,
        find_provider: Some(FindProvider::by(|s| known_provider(s, None))),
        ..opts(&pki, &s)
    };
    let r = check(&s, Some(&pw()), &o, &()).await.unwrap();
    assert_eq!(r.verdict.code, C::AuthFailed, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::OpenPage);
    // Without either, the verdict is the general one.
    let o = CheckOptions {
        provider: None,
        ..opts(&pki, &s)
    };
    let r = check(&s, Some(&pw()), &o, &()).await.unwrap();
    assert_ne!(
        r.verdict.fixes[0].kind,
        FixKind::OpenPage,
        "{:#?}",
        r.verdict
    );
}

#[tokio::test]
async fn google_wants_an_app_password_and_too_many_tries_are_a_pause() {
    let r = auth_case(
        "smtp.gmail.com",
        "ann@gmail.com",
        "534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
    )
    .await;
    assert_eq!(r.verdict.code, C::AppPasswordRequired, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::OpenPage);
    let r = auth_case(
        "smtp.gmail.com",
        "ann@gmail.com",
        "454 4.7.0 Too many login attempts, please try again later.",
    )
    .await;
    assert_eq!(r.verdict.code, C::RateLimited);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::RetryLater);
    // Elsewhere 534 5.7.9 is "mechanism too weak".
    let r = auth_case(
        "mail.example.net",
        "ann@example.net",
        "534 5.7.9 Authentication mechanism is too weak",
    )
    .await;
    assert_eq!(r.verdict.code, C::AuthMechanismUnsupported);
}

#[tokio::test]
async fn microsoft_365_smtp_auth_off_gives_the_admin_request() {
    let said = "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [SN4PR0601CA0012.namprd06.prod.outlook.com]";
    let r = auth_case("smtp.office365.com", "ann@firma.example", said).await;
    let v = &r.verdict;
    assert_eq!(v.code, C::SmtpAuthDisabled, "{v:#?}");
    assert_eq!(v.fixes[0].kind, FixKind::CopyText);
    let text = v.fixes[0].copy_text.as_deref().unwrap();
    assert!(text.contains(said), "{text}");
    assert!(text.contains("Authenticated SMTP"));
    assert!(text.contains("Security Defaults"));
    assert!(text.contains("SmtpClientAuthenticationDisabled"));
    assert!(!text.contains(CANARY));
    // An Outlook.com personal account gets no admin request: passwords are over there.
    let r = auth_case("smtp-mail.outlook.com", "ann@hotmail.com", said).await;
    assert_eq!(r.verdict.code, C::OauthRequired, "{:#?}", r.verdict);
}

#[tokio::test]
async fn oauth_only_servers_point_to_the_app_password_or_say_passwords_are_over() {
    let pki = Pki::new();
    let (port, log) = tls_server(
        &pki,
        &["smtp.gmail.com"],
        &["AUTH XOAUTH2 OAUTHBEARER"],
        "235 ok",
    )
    .await;
    let s = at(
        "smtp.gmail.com",
        port,
        Security::Tls,
        Some("ann@gmail.com"),
        "ann@gmail.com",
    );
    let r = check(&s, Some(&pw()), &opts(&pki, &s), &()).await.unwrap();
    assert_eq!(r.verdict.code, C::AppPasswordRequired, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::OpenPage);
    assert!(!log.lock().unwrap().iter().any(|l| l.starts_with("AUTH")));
}

/// Envelope replies come only in a send: the test email, without sign-in.
async fn send_case(pki: &Pki, host: &str, script: Script, security: Security) -> Report {
    let (port, _) = serve(script).await;
    let s = at(host, port, security, None, "ann@gmail.com");
    let o = CheckOptions {
        resolve: vec![(host.to_owned(), LOOPBACK)],
        provider: known_provider(&s, None),
        ..quick(Some(pki.trust()))
    };
    send_test(&s, None, Some("bob@example.org"), &o, &())
        .await
        .unwrap()
}

#[tokio::test]
async fn envelope_replies_of_the_big_providers() {
    let pki = Pki::new();
    let tls = Some(pki.server(&["smtp.gmail.com"]));
    let mk = |mail: &str, data: &str| Script {
        implicit_tls: tls.clone(),
        mail_reply: mail.into(),
        data_reply: data.into(),
        ..Script::default()
    };
    let cases = [
        (
            mk("550 5.4.5 Daily user sending limit exceeded.", "250 ok"),
            C::QuotaExceeded,
            FixKind::RetryLater,
        ),
        (
            mk(
                "250 ok",
                "554 5.2.252 SendAsDenied; ann@gmail.com not allowed to send as boss@firma.example",
            ),
            C::SendAsDenied,
            FixKind::CheckAddress,
        ),
        (
            mk(
                "250 ok",
                "550 5.7.26 Unauthenticated email from firma.example is not accepted due to domain's DMARC policy.",
            ),
            C::SenderPolicyRejected,
            FixKind::CheckAddress,
        ),
        (
            mk("530 5.7.57 Client not authenticated to send mail.", "250 ok"),
            C::AuthRequired,
            FixKind::AddSignIn,
        ),
    ];
    for (script, code, first) in cases {
        let (port, _) = serve(script).await;
        let s = at("smtp.gmail.com", port, Security::Tls, None, "ann@gmail.com");
        let r = send_test(&s, None, Some("bob@example.org"), &opts(&pki, &s), &())
            .await
            .unwrap();
        assert_eq!(r.verdict.code, code, "{:#?}", r.verdict);
        assert_eq!(r.verdict.fixes[0].kind, first, "{code}");
    }
}

#[tokio::test]
async fn starttls_first_and_a_refused_hello_name() {
    let pki = Pki::new();
    let r = send_case(
        &pki,
        "smtp.gmail.com",
        Script {
            starttls: Some((
                b"220 2.0.0 Ready to start TLS\r\n".to_vec(),
                Some(pki.server(&["smtp.gmail.com"])),
            )),
            mail_reply: "530 5.7.0 Must issue a STARTTLS command first.".into(),
            ..Script::default()
        },
        Security::None,
    )
    .await;
    assert_eq!(r.verdict.code, C::StarttlsRequired, "{:#?}", r.verdict);
    let first = &r.verdict.fixes[0];
    assert_eq!(first.kind, FixKind::UseSecurity);
    assert_eq!(
        first.settings_patch.as_ref().unwrap().security,
        Some(Security::Starttls)
    );
    let r = send_case(
        &pki,
        "mail.example.net",
        Script {
            ehlo_raw: Some(
                b"504 5.5.2 <[127.0.0.1]>: Helo command rejected: need fully-qualified hostname\r\n"
                    .to_vec(),
            ),
            ..Script::default()
        },
        Security::None,
    )
    .await;
    assert_eq!(r.verdict.code, C::EhloNameRejected, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::SetEhloName);
}

/// A known provider's name answered with a certificate that is not the provider's.
async fn cert_case(
    host: &str,
    from: &str,
    tls: std::sync::Arc<rustls::ServerConfig>,
    pki: &Pki,
) -> (Report, Log) {
    let (port, log) = serve(Script {
        implicit_tls: Some(tls),
        ehlo: vec!["AUTH PLAIN LOGIN".into()],
        ..Script::default()
    })
    .await;
    let s = at(host, port, Security::Tls, Some(from), from);
    let r = check(&s, Some(&pw()), &opts(pki, &s), &()).await.unwrap();
    no_password_anywhere(&r, from);
    (r, log)
}

fn never_steers_the_password(r: &Report, log: &Log) {
    assert_eq!(r.verdict.code, C::WrongServer, "{:#?}", r.verdict);
    assert!(
        r.verdict
            .fixes
            .iter()
            .all(|f| !matches!(f.kind, FixKind::UseHost | FixKind::TrustCertificate)),
        "{:#?}",
        r.verdict.fixes
    );
    assert!(
        log.lock().unwrap().is_empty(),
        "nothing reached the other server"
    );
}

#[tokio::test]
async fn a_web_host_answering_for_gmail_is_another_server() {
    let pki = Pki::new();
    let (r, log) = cert_case(
        "smtp.gmail.com",
        "ann@gmail.com",
        pki.server(&["mail.webhost-example.net", "webhost-example.net"]),
        &pki,
    )
    .await;
    never_steers_the_password(&r, &log);
    assert!(r.verdict.explanation.contains("mail.webhost-example.net"));
}

#[tokio::test]
async fn a_mail_shield_re_signing_office365_is_another_server() {
    let pki = Pki::new();
    let shield = Pki::named("Avast Web/Mail Shield Root");
    let (r, log) = cert_case(
        "smtp.office365.com",
        "ann@firma.example",
        shield.server(&["smtp.office365.com"]),
        &pki,
    )
    .await;
    never_steers_the_password(&r, &log);
    let (self_signed, _) = Pki::self_signed(&["smtp.office365.com"]);
    let (r, log) = cert_case("smtp.office365.com", "ann@firma.example", self_signed, &pki).await;
    never_steers_the_password(&r, &log);
}

#[tokio::test]
async fn proton_bridge_on_this_computer_with_its_own_certificate_is_not_another_server() {
    // Bridge makes its own certificate: on 127.0.0.1 nobody can stand in between, so the
    // answer is the usual one for a certificate of its own (trust it for this server only),
    // not "another server answered".
    let pki = Pki::new();
    let (self_signed, _) = Pki::self_signed(&["127.0.0.1"]);
    let (r, _) = cert_case("127.0.0.1", "ann@proton.me", self_signed, &pki).await;
    assert_ne!(r.verdict.code, C::WrongServer, "{:#?}", r.verdict);
    assert!(
        r.verdict
            .fixes
            .iter()
            .any(|f| f.kind == FixKind::TrustCertificate),
        "{:#?}",
        r.verdict.fixes
    );
}

#[tokio::test]
async fn a_name_of_the_same_provider_keeps_the_name_fix() {
    let pki = Pki::new();
    let (r, _) = cert_case(
        "smtp.zoho.com",
        "ann@zohomail.com",
        pki.server(&["smtppro.zoho.com"]),
        &pki,
    )
    .await;
    assert_eq!(r.verdict.code, C::CertNameMismatch, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::UseHost);
    // A server the catalogue does not know keeps the name fix too (shared hosting).
    let (r, _) = cert_case(
        "mail.example-customer.net",
        "ann@example-customer.net",
        pki.server(&["server17.example-hosting.net"]),
        &pki,
    )
    .await;
    assert_eq!(r.verdict.code, C::CertNameMismatch);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::UseHost);
}

#[tokio::test]
async fn the_ehlo_name_setting_is_what_the_server_hears() {
    let (port, log) = serve(Script::default()).await;
    let mut s = at("127.0.0.1", port, Security::None, None, "ann@example.net");
    s.ehlo_name = Some("laptop.example.com".into());
    let r = check(&s, None, &quick(None), &()).await.unwrap();
    assert!(r.verdict.ok, "{:#?}", r.verdict);
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|l| l == "EHLO laptop.example.com"),
        "{log:?}"
    );
    s.ehlo_name = Some("two words".into());
    let refused = check(&s, None, &quick(None), &()).await.unwrap_err();
    assert!(refused.message.contains("EHLO name"), "{refused:?}");
}

#[tokio::test]
async fn a_server_that_speaks_only_tls_1_0_is_outdated_not_a_handshake_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // What an old server answers to a ClientHello offering TLS 1.2 and 1.3 only: a fatal
    // protocol_version alert (RFC 5246 §7.2.2) in a TLS 1.0 record.
    let port = raw(|mut tcp| async move {
        let mut buf = [0u8; 4096];
        let _ = tcp.read(&mut buf).await;
        let _ = tcp
            .write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    })
    .await;
    let s = at(
        "127.0.0.1",
        port,
        Security::Tls,
        Some("ann@example.net"),
        "ann@example.net",
    );
    let r = check(&s, Some(&pw()), &quick(None), &()).await.unwrap();
    assert_eq!(r.verdict.code, C::TlsOutdated, "{:#?}", r.verdict);
    assert!(r.verdict.title.contains("outdated encryption version"));
    assert!(r
        .verdict
        .fixes
        .iter()
        .all(|f| f.kind != FixKind::TrustCertificate));
}

/// A root, an intermediate it signed, and a server certificate for `name` the intermediate
/// signed that names where the intermediate can be fetched (authority information access, as
/// public authorities' certificates do). Returns the root's PEM, the server's and the
/// intermediate's certificates, and the server's key.
fn chain_with_intermediate(
    name: &str,
) -> (
    String,
    rustls::pki_types::CertificateDer<'static>,
    rustls::pki_types::CertificateDer<'static>,
    rcgen::KeyPair,
) {
    use rcgen::{
        BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair,
    };
    let ca = |cn: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name.push(DnType::CommonName, cn);
        p
    };
    let root_key = KeyPair::generate().unwrap();
    let root_params = ca("Test Root");
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);
    let mid_key = KeyPair::generate().unwrap();
    let mid_params = ca("Test Intermediate");
    let mid = mid_params.signed_by(&mid_key, &root_issuer).unwrap();
    let mid_issuer = Issuer::new(mid_params, mid_key);
    // AuthorityInfoAccessSyntax: one AccessDescription { id-ad-caIssuers, URI }.
    let url = b"http://ca.test/intermediate.crt";
    let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let mut desc = oid.to_vec();
    desc.push(0x86);
    desc.push(url.len() as u8);
    desc.extend_from_slice(url);
    let mut one = vec![0x30, desc.len() as u8];
    one.extend(desc);
    let mut aia = vec![0x30, one.len() as u8];
    aia.extend(one);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params = CertificateParams::new(vec![name.to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, name);
    leaf_params.custom_extensions = vec![CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 1],
        aia,
    )];
    let leaf = leaf_params.signed_by(&leaf_key, &mid_issuer).unwrap();
    (root.pem(), leaf.der().clone(), mid.der().clone(), leaf_key)
}

fn server_sending(
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: &rcgen::KeyPair,
) -> std::sync::Arc<rustls::ServerConfig> {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    std::sync::Arc::new(
        rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap(),
    )
}

#[tokio::test]
async fn a_server_that_leaves_out_its_intermediate_is_told_apart() {
    let (root_pem, leaf, mid, key) = chain_with_intermediate("mail.example-host.net");
    let trust = portolan_core::tls::Trust::with_extra_ca_pem(root_pem.as_bytes()).unwrap();
    let s = |port| {
        at(
            "mail.example-host.net",
            port,
            Security::Tls,
            None,
            "ann@example-host.net",
        )
    };
    let o = |host: &str| CheckOptions {
        resolve: vec![(host.to_owned(), LOOPBACK)],
        ..quick(Some(trust.clone()))
    };
    // Only the server's certificate: the link to the trusted root is missing.
    let (port, _) = serve(Script {
        implicit_tls: Some(server_sending(vec![leaf.clone()], &key)),
        ..Script::default()
    })
    .await;
    let r = check(&s(port), None, &o("mail.example-host.net"), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, C::CertChainIncomplete, "{:#?}", r.verdict);
    assert!(r.verdict.explanation.contains("Test Intermediate"));
    // With the intermediate sent too, the same certificate is trusted.
    let (port, _) = serve(Script {
        implicit_tls: Some(server_sending(vec![leaf, mid], &key)),
        ..Script::default()
    })
    .await;
    let r = check(&s(port), None, &o("mail.example-host.net"), &())
        .await
        .unwrap();
    assert!(r.verdict.ok, "{:#?}", r.verdict);
    // A private authority's certificate sent alone (no issuer address) stays "not trusted".
    let other = Pki::named("Company CA");
    let (port, _) = serve(Script {
        implicit_tls: Some(other.server(&["mail.example-host.net"])),
        ..Script::default()
    })
    .await;
    let r = check(&s(port), None, &o("mail.example-host.net"), &())
        .await
        .unwrap();
    assert_eq!(r.verdict.code, C::CertUntrusted, "{:#?}", r.verdict);
}

/// Outlook.com personal accounts: before the password is typed (the settings step shows a
/// proposal's notes), the proposal says passwords no longer work for other apps, since when,
/// and what the options are.
#[tokio::test]
async fn outlook_com_addresses_get_the_notice_before_the_password_step() {
    use portolan_core::discover::catalogue::NoteKind;
    use portolan_core::discover::{discover, DiscoverOptions};
    let opts = DiscoverOptions {
        offline: true,
        ..DiscoverOptions::default()
    };
    for typed in [
        "ann@outlook.com",
        "ann@hotmail.com",
        "ann@hotmail.de",
        "ann@live.com",
        "ann@live.fr",
        "ann@msn.com",
    ] {
        let d = discover(typed, &opts, &()).await.unwrap();
        let first = d.candidates.first().unwrap_or_else(|| panic!("{typed}"));
        assert_eq!(first.provider_id.as_deref(), Some("outlook-com"), "{typed}");
        let note = first
            .notes
            .iter()
            .find(|n| n.kind == NoteKind::OauthOnly)
            .unwrap_or_else(|| panic!("{typed}: {:#?}", first.notes));
        for words in [
            "16 September 2024",
            "Sign in with Microsoft",
            "another provider",
        ] {
            assert!(note.text.contains(words), "{typed}: {}", note.text);
        }
    }
}
