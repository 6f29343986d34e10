//! Provider emulation through the app's `check` command, called as the window calls it (Tauri's
//! mock runtime): scripted servers on loopback answer with the replies the big providers
//! document, under the providers' real names. The names resolve to 127.0.0.1 through the
//! system's own resolution, as in the app: the test runs its cases again in a mount namespace
//! it creates (`unshare -m`) with its own /etc/hosts bound over the system's, and the servers'
//! certificates come from a test authority the app trusts through `PORTOLAN_CA_FILE`. Each case
//! asserts the verdict code and the first fix, and that the password appears nowhere (reply,
//! events). One case finds the provider from the domain's MX alone (the app's discovery
//! options, a loopback DNS responder) and checks with the candidate's provider id, which the
//! server's name alone does not give. Skips with a note when no namespace can be made (not
//! root, no unshare).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portolan_app_lib::commands::{self, Saved};
use portolan_app_lib::discover_options;
use portolan_app_lib::running::Running;
use portolan_core::check::Report;
use portolan_core::discover::{discover, SourceKind};
use portolan_core::ports::Security;
use portolan_core::requests::CheckArgs;
use portolan_core::sensitive::Password;
use portolan_core::settings::SmtpSettings;
use portolan_core::verdict::{FixKind, VerdictCode as C};
use portolan_test_support::dns::Zone;
use portolan_test_support::leak::Scan;
use portolan_test_support::pki::TestCa;
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::Manager;

const PW: &str = "Provider-App-Canary-9vX";
/// Set in the namespace's run: the cases run there.
const INSIDE: &str = "PORTOLAN_PROVIDERS_APP_INSIDE";
/// The names the emulated providers answer under.
const NAMES: [&str; 4] = [
    "smtp.gmail.com",
    "smtp.office365.com",
    "smtp.mail.yahoo.com",
    "smtp-mail.outlook.com",
];

/// Whether this test can give itself its own /etc/hosts.
fn can_isolate() -> bool {
    portolan_test_support::isolate::can_unshare(&["-m", "true"])
}

#[test]
fn emulated_providers_through_the_apps_check_command() {
    if std::env::var_os(INSIDE).is_some() {
        return inside();
    }
    if !can_isolate() {
        eprintln!("note: needs root and unshare for a private /etc/hosts; skipping");
        return;
    }
    let dir = std::env::temp_dir().join(format!("portolan-providers-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hosts = dir.join("hosts");
    let mut text = "127.0.0.1 localhost\n".to_owned();
    for n in NAMES {
        text.push_str(&format!("127.0.0.1 {n}\n"));
    }
    std::fs::write(&hosts, text).unwrap();
    let out = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
        ])
        .arg(&hosts)
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "emulated_providers_through_the_apps_check_command",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(INSIDE, &dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(
        out.status.success(),
        "the cases failed in the namespace:\n{text}"
    );
    assert!(text.contains("1 passed"), "{text}");
    assert!(text.contains("provider cases: 7"), "{text}");
}

/// A server on implicit TLS at loopback, presenting a certificate for `name` from the test
/// authority, offering AUTH PLAIN LOGIN and answering AUTH with `auth_reply`.
fn server(ca: &TestCa, name: &str, auth_reply: &'static str) -> u16 {
    let config = ca.server(&[name]);
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in l.incoming() {
            let Ok(tcp) = tcp else { return };
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(20)));
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut r = BufReader::new(rustls::StreamOwned::new(conn, tcp));
                let _ = r.get_mut().write_all(b"220 provider.test ESMTP\r\n");
                let mut line = String::new();
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply = match verb.as_str() {
                        "EHLO" => "250-provider.test\r\n250 AUTH PLAIN LOGIN\r\n".to_owned(),
                        "AUTH" => format!("{auth_reply}\r\n"),
                        "QUIT" => "221 2.0.0 bye\r\n".to_owned(),
                        _ => "502 5.5.2 what\r\n".to_owned(),
                    };
                    if r.get_mut().write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                    line.clear();
                }
            });
        }
    });
    port
}

/// The app's `check` command, as the window calls it with a typed password.
async fn app_check(
    app: &tauri::App<tauri::test::MockRuntime>,
    scan: &mut Scan,
    s: SmtpSettings,
    provider_id: Option<&str>,
) -> Report {
    let sink = Arc::new(Mutex::new(Vec::new()));
    let events = sink.clone();
    let channel = Channel::new(move |body: InvokeResponseBody| {
        let text = match body {
            InvokeResponseBody::Json(s) => s,
            InvokeResponseBody::Raw(b) => String::from_utf8_lossy(&b).into_owned(),
        };
        events.lock().unwrap().push(text);
        Ok(())
    });
    let what = format!("{} {provider_id:?}", s.host);
    let args = CheckArgs {
        settings: s.into(),
        password: Some(Password::new(PW.to_owned())),
        profile_id: None,
        provider_id: provider_id.map(str::to_owned),
        request_id: what.clone(),
    };
    let r = commands::check(args, channel, app.state(), app.state()).await;
    scan.flow();
    let report = r.unwrap_or_else(|e| panic!("{what}: {e:?}"));
    scan.text(&what, &serde_json::to_string(&report).unwrap());
    scan.text(&what, &format!("{report:?}"));
    for e in sink.lock().unwrap().iter() {
        scan.text(&format!("{what} event"), e);
    }
    report
}

fn at(host: &str, port: u16, from: &str) -> SmtpSettings {
    SmtpSettings {
        host: host.into(),
        port,
        security: Security::Tls,
        username: Some(from.into()),
        from: from.into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

/// The cases, inside the namespace: the names above resolve to 127.0.0.1 here.
fn inside() {
    let dir = std::path::PathBuf::from(std::env::var_os(INSIDE).unwrap());
    // The app trusts the test authority as it would a company's own (its `--ca-file`); the
    // only test of this run, so nothing else reads the variable meanwhile.
    let ca = TestCa::new("Portolan provider emulation CA");
    let ca_file = dir.join("ca.pem");
    ca.write_pem(&ca_file);
    std::env::set_var("PORTOLAN_CA_FILE", &ca_file);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(cases(&ca, &dir));
}

async fn cases(ca: &TestCa, dir: &std::path::Path) {
    // The system's resolution, as the app has it: the names are ours in this namespace.
    for n in NAMES {
        let got: Vec<_> = tokio::net::lookup_host((n, 25)).await.unwrap().collect();
        assert!(
            got.iter().all(|a| a.ip().is_loopback()),
            "{n} must resolve to loopback here: {got:?}"
        );
    }
    let app = tauri::test::mock_builder()
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .unwrap();
    app.manage(Running::default());
    app.manage(Saved::new(dir.join("config")));
    let mut scan = Scan::new(&[
        ("ann@gmail.com", PW),
        ("ann@firma.example", PW),
        ("ann@yahoo.com", PW),
    ]);
    let mut cases = 0;

    // Gmail: 534 5.7.9 is "an app password is required"; the first fix opens Google's page.
    let port = server(
        ca,
        "smtp.gmail.com",
        "534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
    );
    let r = app_check(
        &app,
        &mut scan,
        at("smtp.gmail.com", port, "ann@gmail.com"),
        None,
    )
    .await;
    assert_eq!(r.verdict.code, C::AppPasswordRequired, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::OpenPage);
    assert_eq!(
        r.verdict.fixes[0].link.as_deref(),
        Some("https://myaccount.google.com/apppasswords")
    );
    cases += 1;

    // Microsoft 365: 5.7.139 is SMTP AUTH switched off; the first fix copies the request for
    // the IT admin, naming the settings and quoting the server.
    let said = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.";
    let port = server(ca, "smtp.office365.com", said);
    let r = app_check(
        &app,
        &mut scan,
        at("smtp.office365.com", port, "ann@firma.example"),
        None,
    )
    .await;
    assert_eq!(r.verdict.code, C::SmtpAuthDisabled, "{:#?}", r.verdict);
    let first = &r.verdict.fixes[0];
    assert_eq!(first.kind, FixKind::CopyText);
    let request = first.copy_text.as_deref().unwrap();
    for words in [
        said,
        "Authenticated SMTP",
        "Security Defaults",
        "SmtpClientAuthenticationDisabled",
    ] {
        assert!(request.contains(words), "{words}: {request}");
    }
    cases += 1;

    // Yahoo: #AUTH005 is too many refused sign-ins, a pause, not a wrong password.
    let port = server(
        ca,
        "smtp.mail.yahoo.com",
        "535 5.7.0 (#AUTH005) Too many bad auth attempts.",
    );
    let r = app_check(
        &app,
        &mut scan,
        at("smtp.mail.yahoo.com", port, "ann@yahoo.com"),
        None,
    )
    .await;
    assert_eq!(r.verdict.code, C::RateLimited, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::RetryLater);
    cases += 1;

    // Outlook.com found through the domain's MX alone: the app's discovery (its own options,
    // with the DNS pointed at a loopback responder) proposes Outlook.com's server with the
    // provider's id, and the check given that id says passwords are over there; the server's
    // name alone (Microsoft 365 shares it) would have asked an IT admin to switch SMTP AUTH on.
    let dns = Zone::default()
        .mx(
            "firma.example",
            0,
            "firma-example.olc.protection.outlook.com",
        )
        .a(
            "firma-example.olc.protection.outlook.com",
            Ipv4Addr::LOCALHOST,
        )
        .serve()
        .await;
    let mut o = discover_options().unwrap();
    o.budget = Duration::from_secs(6);
    o.resolver = Some(dns.addr);
    o.dns_timeout = Duration::from_secs(1);
    o.ispdb_url = None;
    o.http_fallback = false;
    o.guess = false;
    o.autoconfig_https_port = {
        let closed = TcpListener::bind("127.0.0.1:0").unwrap();
        closed.local_addr().unwrap().port()
    };
    let found = discover("ann@firma.example", &o, &()).await.unwrap();
    let best = found
        .candidates
        .first()
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(best.source, SourceKind::Mx, "{best:#?}");
    assert_eq!(best.host, "smtp-mail.outlook.com");
    assert_eq!(best.provider_id.as_deref(), Some("outlook-com"));
    let said = "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]";
    let port = server(ca, "smtp-mail.outlook.com", said);
    let s = at(&best.host, port, "ann@firma.example");
    let r = app_check(&app, &mut scan, s.clone(), best.provider_id.as_deref()).await;
    assert_eq!(r.verdict.code, C::OauthRequired, "{:#?}", r.verdict);
    assert_eq!(r.verdict.fixes[0].kind, FixKind::OpenPage);
    assert!(r.verdict.explanation.contains("16 September 2024"));
    cases += 1;
    // Without the candidate's id the server's name does not say which provider it is.
    let r = app_check(&app, &mut scan, s.clone(), None).await;
    assert_eq!(r.verdict.code, C::SmtpAuthDisabled, "{:#?}", r.verdict);
    cases += 1;
    // A forged or unknown id is not believed: the server's name decides, as without one.
    for forged in ["gmail", "no-such-provider"] {
        let r = app_check(&app, &mut scan, s.clone(), Some(forged)).await;
        assert_eq!(
            r.verdict.code,
            C::SmtpAuthDisabled,
            "{forged}: {:#?}",
            r.verdict
        );
        assert!(
            r.verdict
                .fixes
                .iter()
                .all(|f| f.link.as_deref().is_none_or(|l| !l.contains("google"))),
            "{forged}: {:#?}",
            r.verdict.fixes
        );
        cases += 1;
    }

    scan.finish("provider emulation through the app");
    println!("provider cases: {cases}");
}
