//! The password never leaks: every flow of the engine (check, send, probe, profiles with the
//! mock keychain, every export format, the support report, every error type) runs with a canary
//! password, and every output it makes (reports as JSON and `Debug`, live events, support
//! text, errors, files written to disk) is searched for each form of it (`leak::forms`): the
//! password, its AUTH PLAIN and AUTH LOGIN base64, its base64 at every alignment, URL, JSON and
//! `Debug` escapes. Scripted servers cover the failures real ones rarely show (a server quoting
//! the client's credential back in its reply); with `PORTOLAN_TEST_SERVERS` set, the real
//! Postfix/Dovecot run too, with their own canary password. Each test prints its counts; run
//! with `--nocapture` to see them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use engine_support::*;
use portolan_core::check::{check, CheckOptions, Report};
use portolan_core::error::UserError;
use portolan_core::export::{self, CopyOutcome, ExportInput, FormatId};
use portolan_core::observer::Event;
use portolan_core::ports::Security;
use portolan_core::probe::{probe, ProbeCandidate, ProbeOptions};
use portolan_core::profiles::{self, ProfileStore, SaveRequest};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;
use portolan_core::transcript::{Direction, REDACTED};
use portolan_core::verdict::VerdictCode;
use portolan_test_support::leak::{forms, Scan};
use portolan_test_support::session::session_home;
use portolan_test_support::{test_servers, TestServers};

/// A canary with every character some syntax escapes: quotes, backslash, space, `&`, `%`, `/`,
/// `+`, `!`, and a non-ASCII letter.
const PW: &str = "Leak \"Canary\" 7q\\Zx&%/+ Pä55!";
const USER: &str = "alice@fake.test";

fn pw() -> Sensitive<String> {
    Sensitive::new(PW.to_owned())
}

/// Reads everything a check, send or probe hands to a face: the live events, the report (JSON,
/// `Debug`, pretty `Debug`, support text) or the error (JSON, `Debug`, `Display`).
fn scan_outcome(scan: &mut Scan, what: &str, events: &[Event], out: &Result<Report, UserError>) {
    scan.flow();
    for (n, e) in events.iter().enumerate() {
        scan.text(
            &format!("{what} event {n}"),
            &format!("{}\n{e:?}", serde_json::to_string(e).unwrap()),
        );
    }
    match out {
        Ok(r) => {
            scan.text(
                &format!("{what} report JSON"),
                &serde_json::to_string_pretty(r).unwrap(),
            );
            scan.text(&format!("{what} report Debug"), &format!("{r:?}\n{r:#?}"));
            scan.text(
                &format!("{what} support text"),
                &portolan_core::report::support_text(r),
            );
        }
        Err(e) => scan_error(scan, what, e),
    }
}

fn scan_error<E: std::fmt::Debug + std::fmt::Display>(scan: &mut Scan, what: &str, e: &E) {
    scan.text(&format!("{what} error"), &format!("{e}\n{e:?}\n{e:#?}"));
}

/// Collects the live events.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<Event>>>);

impl Events {
    fn observer(&self) -> impl Fn(Event) + Send + Sync {
        let v = self.0.clone();
        move |e| v.lock().unwrap().push(e)
    }
    fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

async fn run_check(
    scan: &mut Scan,
    what: &str,
    s: &SmtpSettings,
    password: &Sensitive<String>,
    opts: &CheckOptions,
) -> Result<Report, UserError> {
    let ev = Events::default();
    let out = check(s, Some(password), opts, &ev.observer()).await;
    scan_outcome(scan, what, &ev.take(), &out);
    out
}

async fn run_send(
    scan: &mut Scan,
    what: &str,
    s: &SmtpSettings,
    password: &Sensitive<String>,
    opts: &CheckOptions,
) -> Result<Report, UserError> {
    let ev = Events::default();
    let out = portolan_core::send::send_test(s, Some(password), None, opts, &ev.observer()).await;
    scan_outcome(scan, what, &ev.take(), &out);
    out
}

fn code(r: &Result<Report, UserError>) -> VerdictCode {
    r.as_ref().unwrap().verdict.code
}

#[test]
fn forms_find_the_password_in_every_encoding() {
    let found = |text: &str| {
        let mut s = Scan::new(&[("alice", PW)]);
        s.text("t", text);
        !s.hits.is_empty()
    };
    for prefix in ["", "a", "ab", "abc", "abcd"] {
        for suffix in ["", "x", "xy"] {
            let enc = STANDARD.encode(format!("{prefix}{PW}{suffix}"));
            assert!(found(&enc), "{prefix:?} {suffix:?}");
        }
    }
    assert!(found(&STANDARD.encode(format!("alice\0alice\0{PW}"))));
    assert!(found(&serde_json::to_string(PW).unwrap()));
    assert!(found(&format!("{:?}", PW.as_bytes().to_vec())));
    assert!(found(
        "Leak%20%22Canary%22%207q%5CZx%26%25%2F%2B%20P%C3%A455%21"
    ));
    assert!(found("Leak+%22Canary%22+7q%5CZx%26%25%2F%2B+P%C3%A455%21"));
    assert!(
        !found("Leak \"Canary\" 7q\\Zx&%/+ Pä55"),
        "a prefix is no hit"
    );
    let labels: Vec<String> = forms("alice", PW).into_iter().map(|(l, _)| l).collect();
    assert!(labels.len() >= 10, "{labels:?}");
}

/// Sign-in that works, fails, or meets a server quoting the credential back, over TLS,
/// STARTTLS and (when allowed) plain text, with AUTH PLAIN and AUTH LOGIN.
#[tokio::test]
async fn scripted_sign_in_success_failure_and_echo() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let pki = Pki::new();
    let trust = || quick(Some(pki.trust()));
    let tls = pki.server(&["127.0.0.1", "localhost"]);
    let replies = [
        ("ok", "235 2.7.0 Authentication successful"),
        ("ok quoting the credential", "235 2.7.0 Welcome {arg}"),
        ("wrong password", "535 5.7.8 Error: authentication failed"),
        (
            "wrong password quoting the AUTH line",
            "535 5.7.8 Authentication failed for \"{line}\"",
        ),
        (
            "wrong password quoting the base64",
            "535 5.7.8 Bad credentials {arg}",
        ),
        (
            "wrong password quoting it decoded",
            "535 5.7.8 Bad credentials for {decoded}",
        ),
        (
            "temporary failure quoting it",
            "454 4.7.0 Try again later ({arg})",
        ),
        ("not SMTP, quoting it", "XYZ {arg}"),
        (
            "multi-line quoting it",
            "535-5.7.8 Rejected {arg}\r\n535 5.7.8 {decoded}",
        ),
    ];
    for mech in ["AUTH PLAIN LOGIN", "AUTH LOGIN"] {
        for (name, reply) in replies {
            // Implicit TLS.
            let (port, _) = serve(Script {
                implicit_tls: Some(tls.clone()),
                ehlo: vec![mech.into()],
                auth_reply: reply.into(),
                ..Script::default()
            })
            .await;
            let s = settings(port, Security::Tls, Some(USER));
            let what = format!("tls {mech} {name}");
            let r = run_check(&mut scan, &what, &s, &pw(), &trust()).await;
            let expect_ok = reply.starts_with("235");
            assert_eq!(code(&r) == VerdictCode::Ok, expect_ok, "{what}: {r:?}");
            // The server's quote is kept, the credential in it replaced.
            if reply.contains('{') && !reply.starts_with("XYZ") {
                let server_lines: Vec<&str> = r
                    .as_ref()
                    .unwrap()
                    .transcript
                    .iter()
                    .filter(|l| l.direction == Direction::Server)
                    .map(|l| l.text.as_str())
                    .collect();
                assert!(
                    server_lines.iter().any(|l| l.contains(REDACTED)),
                    "{what}: {server_lines:?}"
                );
            }
            // STARTTLS.
            let (port, _) = serve(Script {
                starttls: Some((b"220 2.0.0 go ahead\r\n".to_vec(), Some(tls.clone()))),
                ehlo_after_tls: vec![mech.into()],
                auth_reply: reply.into(),
                ..Script::default()
            })
            .await;
            let s = settings(port, Security::Starttls, Some(USER));
            let _ = run_check(
                &mut scan,
                &format!("starttls {mech} {name}"),
                &s,
                &pw(),
                &trust(),
            )
            .await;
            // Plain text, allowed by the user.
            let (port, _) = serve(Script {
                ehlo: vec![mech.into()],
                auth_reply: reply.into(),
                ..Script::default()
            })
            .await;
            let mut s = settings(port, Security::None, Some(USER));
            s.allow_plaintext_auth = true;
            let _ = run_check(
                &mut scan,
                &format!("plain {mech} {name}"),
                &s,
                &pw(),
                &trust(),
            )
            .await;
        }
    }
    scan.finish("scripted sign-in");
}

/// Failures before, during and after sign-in: refused, silent, stalled, closed, TLS refused,
/// plain text refused, cancelled, the whole check out of time.
#[tokio::test]
async fn scripted_failures_around_sign_in() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let pki = Pki::new();
    let other = Pki::named("Someone Else's CA");

    // Refused.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = run_check(
        &mut scan,
        "refused",
        &settings(closed, Security::Starttls, Some(USER)),
        &pw(),
        &quick(None),
    )
    .await;
    assert_eq!(code(&r), VerdictCode::ConnectionRefused);

    // The certificate is refused (unknown CA, implicit and STARTTLS; wrong name).
    for (what, sec, script) in [
        (
            "tls unknown CA",
            Security::Tls,
            Script {
                implicit_tls: Some(other.server(&["127.0.0.1"])),
                ehlo: vec!["AUTH PLAIN".into()],
                ..Script::default()
            },
        ),
        (
            "starttls unknown CA",
            Security::Starttls,
            Script {
                starttls: Some((b"220 go\r\n".to_vec(), Some(other.server(&["127.0.0.1"])))),
                ..Script::default()
            },
        ),
        (
            "tls wrong name",
            Security::Tls,
            Script {
                implicit_tls: Some(pki.server(&["wrong.example"])),
                ehlo: vec!["AUTH PLAIN".into()],
                ..Script::default()
            },
        ),
        (
            "starttls refused",
            Security::Starttls,
            Script {
                starttls: Some((b"454 4.7.0 TLS not available\r\n".to_vec(), None)),
                ..Script::default()
            },
        ),
        (
            "plain text sign-in refused",
            Security::None,
            Script {
                ehlo: vec!["AUTH PLAIN LOGIN".into()],
                ..Script::default()
            },
        ),
        (
            "stall after AUTH",
            Security::Tls,
            Script {
                implicit_tls: Some(pki.server(&["127.0.0.1"])),
                ehlo: vec!["AUTH PLAIN".into()],
                stall_on: Some("AUTH".into()),
                ..Script::default()
            },
        ),
        (
            "stall after the LOGIN password",
            Security::Tls,
            Script {
                implicit_tls: Some(pki.server(&["127.0.0.1"])),
                ehlo: vec!["AUTH LOGIN".into()],
                auth_reply: String::new(),
                stall_on: Some("QUIT".into()),
                ..Script::default()
            },
        ),
        (
            "silent greeting",
            Security::Starttls,
            Script {
                greeting: Vec::new(),
                ..Script::default()
            },
        ),
    ] {
        let (port, _) = serve(script).await;
        let s = settings(port, sec, Some(USER));
        let r = run_check(&mut scan, what, &s, &pw(), &quick(Some(pki.trust()))).await;
        assert_ne!(code(&r), VerdictCode::Ok, "{what}");
    }

    // Closed right after the credential (nothing, or half a line quoting it).
    for (what, tail) in [
        ("closed after AUTH", false),
        ("half a line quoting AUTH", true),
    ] {
        let port = raw(move |mut tcp| async move {
            use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
            let _ = tcp.write_all(b"220 x ESMTP\r\n").await;
            let (rd, mut wr) = tcp.split();
            let mut rd = BufReader::new(rd);
            let mut line = String::new();
            while rd.read_line(&mut line).await.unwrap_or(0) > 0 {
                let l = line.trim_end().to_owned();
                line.clear();
                if l.starts_with("EHLO") {
                    let _ = wr.write_all(b"250-x\r\n250 AUTH PLAIN\r\n").await;
                } else if l.starts_with("AUTH") {
                    if tail {
                        let _ = wr.write_all(format!("535 {l}").as_bytes()).await;
                    }
                    return;
                }
            }
        })
        .await;
        let mut s = settings(port, Security::None, Some(USER));
        s.allow_plaintext_auth = true;
        let _ = run_check(&mut scan, what, &s, &pw(), &quick(None)).await;
    }

    // Cancelled while the server thinks about the credential; out of total time there.
    let (port, _) = serve(Script {
        implicit_tls: Some(pki.server(&["127.0.0.1"])),
        ehlo: vec!["AUTH PLAIN".into()],
        stall_on: Some("AUTH".into()),
        ..Script::default()
    })
    .await;
    let s = settings(port, Security::Tls, Some(USER));
    let opts = quick(Some(pki.trust()));
    let cancel = opts.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cancel.cancel();
    });
    let r = run_check(&mut scan, "cancelled at AUTH", &s, &pw(), &opts).await;
    assert_eq!(code(&r), VerdictCode::Cancelled);
    let opts = CheckOptions {
        total_timeout: Duration::from_millis(500),
        ..quick(Some(pki.trust()))
    };
    let _ = run_check(&mut scan, "out of time at AUTH", &s, &pw(), &opts).await;

    // Settings refused before any traffic, with the password given.
    let mut bad = settings(25, Security::Starttls, Some(USER));
    bad.host = "bad host name".into();
    let _ = run_check(&mut scan, "invalid settings", &bad, &pw(), &quick(None)).await;
    scan.finish("scripted failures");
}

/// The test email: sent, refused at each step (the refusals quoting the credential too), and
/// a probe of the same server.
#[tokio::test]
async fn scripted_send_and_probe() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let pki = Pki::new();
    let tls = pki.server(&["127.0.0.1"]);
    for (what, script) in [
        ("sent", Script::default()),
        (
            "sender refused",
            Script {
                mail_reply: "553 5.7.1 Sender address rejected".into(),
                ..Script::default()
            },
        ),
        (
            "recipient refused",
            Script {
                rcpt_reply: "550 5.1.1 No such user".into(),
                ..Script::default()
            },
        ),
        (
            "message refused",
            Script {
                data_reply: "554 5.7.1 Spam".into(),
                ..Script::default()
            },
        ),
        (
            "sign-in refused quoting it",
            Script {
                auth_reply: "535 5.7.8 {line}".into(),
                ..Script::default()
            },
        ),
    ] {
        let (port, _) = serve(Script {
            implicit_tls: Some(tls.clone()),
            ehlo: vec!["AUTH PLAIN LOGIN".into(), "SIZE 1000000".into()],
            ..script
        })
        .await;
        let s = settings(port, Security::Tls, Some(USER));
        let _ = run_send(
            &mut scan,
            &format!("send {what}"),
            &s,
            &pw(),
            &quick(Some(pki.trust())),
        )
        .await;
    }

    let (port, _) = serve(Script {
        implicit_tls: Some(tls.clone()),
        ehlo: vec!["AUTH PLAIN".into()],
        ..Script::default()
    })
    .await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ev = Events::default();
    let opts = ProbeOptions {
        trust: Some(pki.trust()),
        port_timeout: Duration::from_secs(3),
        ..ProbeOptions::default()
    };
    let cands = [
        ProbeCandidate::new(port, Security::Tls),
        ProbeCandidate::new(closed, Security::Starttls),
    ];
    let out = probe("127.0.0.1", &cands, &opts, &ev.observer()).await;
    scan.flow();
    for (n, e) in ev.take().iter().enumerate() {
        scan.text(&format!("probe event {n}"), &format!("{e:?}"));
    }
    let r = out.unwrap();
    scan.text(
        "probe report",
        &format!("{}\n{r:?}", serde_json::to_string(&r).unwrap()),
    );
    scan.finish("scripted send and probe");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("portolan-leak-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, read as text.
fn scan_files(scan: &mut Scan, dir: &Path) -> usize {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            n += scan_files(scan, &p);
        } else if let Ok(bytes) = std::fs::read(&p) {
            scan.bytes(&format!("file {}", p.display()), &bytes);
            n += 1;
        }
    }
    n
}

fn smtp(host: &str) -> SmtpSettings {
    SmtpSettings {
        host: host.into(),
        port: 587,
        security: Security::Starttls,
        username: Some(USER.into()),
        from: USER.into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

/// Profiles with the mock keychain: save, list, rename, duplicate, import (with and without a
/// password), delete, and the refusals; every result, error and file written is read.
#[test]
fn profiles_and_mock_keychain() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let dir = temp_dir("profiles");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    let note = |scan: &mut Scan, what: &str, text: String| {
        scan.flow();
        scan.text(what, &text);
    };

    let req = SaveRequest {
        id: None,
        name: "Work".into(),
        settings: smtp("smtp.example.com"),
        password: Some(pw()),
        provider_id: None,
    };
    note(&mut scan, "save request Debug", format!("{req:?}"));
    let p = profiles::save_profile(&store, &k, req).unwrap();
    note(
        &mut scan,
        "saved profile",
        format!("{p:?}\n{}", serde_json::to_string(&p).unwrap()),
    );
    assert_eq!(k.get_password(&p.id).unwrap().expose(), PW);
    note(&mut scan, "keychain Debug", format!("{k:?}"));
    note(
        &mut scan,
        "password from the keychain, Debug and Display",
        format!(
            "{:?} {}",
            k.get_password(&p.id).unwrap(),
            k.get_password(&p.id).unwrap()
        ),
    );
    let list = store.list().unwrap();
    note(
        &mut scan,
        "list",
        format!("{list:?}\n{}", serde_json::to_string(&list).unwrap()),
    );
    let renamed = store.rename(&p.id, "Work 2").unwrap();
    note(&mut scan, "renamed", format!("{renamed:?}"));
    let copy = profiles::duplicate_profile(&store, &k, &p.id, None).unwrap();
    note(&mut scan, "duplicated", format!("{copy:?}"));
    let found = profiles::profile_password(&k, &copy).unwrap();
    note(&mut scan, "profile password Debug", format!("{found:?}"));

    // Import: Portolan JSON with the password, and JSON that is wrong in every field but
    // carries the password (in its own field and under a misspelt one).
    let with_pw = export::export(
        FormatId::Json,
        &ExportInput {
            name: Some("Imported".into()),
            profile_id: None,
            settings: smtp("smtp.example.com"),
            password: Some(pw()),
            provider_id: None,
        },
        true,
    )
    .unwrap();
    assert!(with_pw.text.contains("Canary"), "the export asked for it");
    let imported = export::import_json(&with_pw.text).unwrap();
    note(&mut scan, "imported Debug", format!("{imported:?}"));
    let ip = profiles::import_profile(&store, &k, &with_pw.text).unwrap();
    note(&mut scan, "imported profile", format!("{ip:?}"));
    let pw_json = serde_json::to_string(PW).unwrap();
    for (what, text) in [
        (
            "import with bad fields",
            format!(
                r#"{{"format":"portolan-profile","version":1,"name":"","password":{pw_json},
                "passwd":{pw_json},"settings":{{"host":"","port":0,"security":"x","from":"",
                "username":null,"extra":{pw_json}}}}}"#
            ),
        ),
        (
            "import with a non-text password",
            format!(r#"{{"format":"portolan-profile","version":1,"password":[{pw_json}]}}"#),
        ),
        (
            "import of broken JSON",
            format!(r#"{{"format":"portolan-profile","password":{pw_json} "#),
        ),
        (
            "import with a password too long",
            format!(
                r#"{{"format":"portolan-profile","version":1,"password":"{}"}}"#,
                "x".repeat(5000)
            ),
        ),
    ] {
        let e = export::import_json(&text).unwrap_err();
        scan_error(&mut scan, what, &e);
        let e = profiles::import_profile(&store, &k, &text).unwrap_err();
        scan_error(&mut scan, &format!("{what} (as a profile)"), &e);
        scan.flow();
    }

    // Refusals with a password in the request.
    let mut bad = smtp("bad host");
    bad.port = 0;
    for (what, req) in [
        (
            "save with invalid settings",
            SaveRequest {
                id: None,
                name: "Bad".into(),
                settings: bad,
                password: Some(pw()),
                provider_id: None,
            },
        ),
        (
            "save with a duplicate name",
            SaveRequest {
                id: None,
                name: "work 2".into(),
                settings: smtp("smtp.example.com"),
                password: Some(pw()),
                provider_id: None,
            },
        ),
        (
            "save of an unknown id",
            SaveRequest {
                id: Some("no-such-id".into()),
                name: "X".into(),
                settings: smtp("smtp.example.com"),
                password: Some(pw()),
                provider_id: None,
            },
        ),
        (
            "save with an empty name",
            SaveRequest {
                id: None,
                name: " ".into(),
                settings: smtp("smtp.example.com"),
                password: Some(pw()),
                provider_id: None,
            },
        ),
        (
            "save with a password too long",
            SaveRequest {
                id: None,
                name: "Long".into(),
                settings: smtp("smtp.example.com"),
                password: Some(Sensitive::new(PW.repeat(300))),
                provider_id: None,
            },
        ),
    ] {
        scan.flow();
        let e = profiles::save_profile(&store, &k, req).unwrap_err();
        scan_error(&mut scan, what, &e);
    }
    let e = k.set_password("", &pw()).unwrap_err();
    scan_error(&mut scan, "keychain with an empty id", &e);
    let e = k
        .set_password(&p.id, &Sensitive::new(PW.repeat(300)))
        .unwrap_err();
    scan_error(&mut scan, "keychain with a password too long", &e);
    let e = store.find("nothing").unwrap_err();
    scan_error(&mut scan, "find", &e);

    let gone = profiles::delete_profile(&store, &k, &copy.id).unwrap();
    note(&mut scan, "deleted", format!("{gone:?}"));
    let n = scan_files(&mut scan, &dir);
    assert!(n >= 1, "profiles.json was written");
    scan.finish("profiles");
}

/// Every export format, from input that holds the password: without `include_password` the
/// text, the result and what goes back to the window hold none of it; with it, a format that
/// has no place for a password still holds none, and what goes back to the window never does.
#[test]
fn every_export_format_without_the_password() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let mut cases = vec![
        ("starttls", smtp("smtp.example.com")),
        ("tls", {
            let mut s = smtp("mail.example.org");
            s.security = Security::Tls;
            s.port = 465;
            s
        }),
        ("none", {
            let mut s = smtp("relay.example.net");
            s.security = Security::None;
            s.port = 25;
            s.allow_plaintext_auth = true;
            s
        }),
    ];
    let mut no_user = smtp("relay.example.net");
    no_user.username = None;
    cases.push(("no user", no_user));
    let mut n_formats = 0;
    for (what, settings) in cases {
        for info in export::formats() {
            n_formats += 1;
            let input = ExportInput {
                name: Some("Shop \"website\"".into()),
                profile_id: Some("0b9d4a3e-6f0a-4c55-9c61-1f2d3e4a5b6c".into()),
                settings: settings.clone(),
                password: Some(pw()),
                provider_id: None,
            };
            scan.flow();
            scan.text(
                &format!("{what} {:?} input Debug", info.id),
                &format!("{input:?}"),
            );
            let e = export::export(info.id, &input, false).unwrap();
            assert!(!e.includes_password);
            scan.text(
                &format!("{what} {:?} export", info.id),
                &format!("{}\n{e:?}\n{}", e.text, serde_json::to_string(&e).unwrap()),
            );
            let with = export::export(info.id, &input, true).unwrap();
            let outcome = CopyOutcome::from(&with);
            scan.text(
                &format!("{what} {:?} copy outcome", info.id),
                &format!("{outcome:?}\n{}", serde_json::to_string(&outcome).unwrap()),
            );
            if !with.includes_password {
                scan.text(
                    &format!("{what} {:?} export (no room)", info.id),
                    &with.text,
                );
            }
            // A value the format cannot write: the error names the field, never the password.
            let mut odd = input.clone();
            odd.settings.from = "a\"b'c$d`e\\f@example.com".into();
            match export::export(info.id, &odd, false) {
                Ok(e) => scan.text(&format!("{what} {:?} odd export", info.id), &e.text),
                Err(e) => scan_error(&mut scan, &format!("{what} {:?} odd", info.id), &e),
            }
        }
    }
    assert!(n_formats >= 16 * 4);
    scan.finish("exports");
}

/// The error and settings types as a face shows them, with the password nearby.
#[test]
fn errors_and_settings_types() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let s = smtp("smtp.example.com");
    scan.flow();
    scan.text(
        "settings",
        &format!("{s:?}\n{}", serde_json::to_string(&s).unwrap()),
    );
    let p = pw();
    scan.text("Sensitive", &format!("{p:?} {p} {p:#?}"));
    let req = SaveRequest {
        id: None,
        name: "x".into(),
        settings: s,
        password: Some(p),
        provider_id: None,
    };
    scan.text("save request", &format!("{req:#?}"));
    let e = Trust::with_extra_ca_pem(PW.as_bytes()).unwrap_err();
    scan_error(&mut scan, "a password given as a CA", &e);
    scan.finish("errors and settings");
}

struct RealEnv(TestServers);

impl RealEnv {
    fn load() -> Option<Self> {
        test_servers().map(Self)
    }
    fn get(&self, k: &str) -> &str {
        self.0.get(k)
    }
    fn settings(&self, port: &str, security: Security) -> SmtpSettings {
        SmtpSettings {
            host: self.get("PORTOLAN_TEST_HOST").into(),
            port: self.get(port).parse().unwrap(),
            security,
            username: Some(self.get("PORTOLAN_TEST_USER").into()),
            from: self.get("PORTOLAN_TEST_ADDRESS").into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
    }
}

/// The real Postfix/Dovecot: every mode with the right password (its own canary) and with a
/// wrong one (ours), sends, and the servers' own refusals.
#[tokio::test]
async fn real_servers_every_mode() {
    let Some(env) = RealEnv::load() else { return };
    let user = env.get("PORTOLAN_TEST_USER").to_owned();
    let real = env.get("PORTOLAN_TEST_PASSWORD").to_owned();
    let mut scan = Scan::new(&[(user.as_str(), real.as_str()), (user.as_str(), PW)]);
    let opts = || CheckOptions {
        connect_timeout: Duration::from_secs(3),
        command_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(20),
        trust: Some(
            Trust::with_extra_ca_file(Path::new(env.get("PORTOLAN_TEST_CA_FILE"))).unwrap(),
        ),
        ..CheckOptions::default()
    };
    let modes = [
        ("PORTOLAN_TEST_SUBMISSION_PORT", Security::Starttls),
        ("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Tls),
        ("PORTOLAN_TEST_RELAY_PORT", Security::Starttls),
        ("PORTOLAN_TEST_EXPIRED_PORT", Security::Tls),
        ("PORTOLAN_TEST_SELFSIGNED_PORT", Security::Tls),
        ("PORTOLAN_TEST_WRONGNAME_PORT", Security::Tls),
        ("PORTOLAN_TEST_UNKNOWNCA_PORT", Security::Tls),
        ("PORTOLAN_TEST_STARTTLS_EXPIRED_PORT", Security::Starttls),
        ("PORTOLAN_TEST_STARTTLS_WRONGNAME_PORT", Security::Starttls),
        ("PORTOLAN_TEST_PLAIN_AUTH_PORT", Security::None),
        ("PORTOLAN_TEST_TEMPFAIL_PORT", Security::None),
        ("PORTOLAN_TEST_BUSY_PORT", Security::Starttls),
        ("PORTOLAN_TEST_CLOSED_PORT", Security::Starttls),
        // The wrong security for the port.
        ("PORTOLAN_TEST_SUBMISSION_PORT", Security::Tls),
        ("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Starttls),
    ];
    let right = Sensitive::new(real.clone());
    let wrong = pw();
    let mut oks = 0;
    for (port, sec) in modes {
        let s = env.settings(port, sec);
        for (which, p) in [("right", &right), ("wrong", &wrong)] {
            let what = format!("{port} {sec:?} {which} password");
            let r = run_check(&mut scan, &what, &s, p, &opts()).await;
            oks += usize::from(code(&r) == VerdictCode::Ok);
            let mut plain = s.clone();
            plain.allow_plaintext_auth = true;
            if sec == Security::None {
                let _ = run_check(
                    &mut scan,
                    &format!("{what} allowed in clear"),
                    &plain,
                    p,
                    &opts(),
                )
                .await;
            }
        }
    }
    assert_eq!(
        oks, 2,
        "the two submission ports sign in with the right password"
    );
    for (what, port, sec, to) in [
        (
            "send",
            "PORTOLAN_TEST_SUBMISSION_PORT",
            Security::Starttls,
            None,
        ),
        (
            "send refused recipient",
            "PORTOLAN_TEST_SUBMISSIONS_PORT",
            Security::Tls,
            Some(env.get("PORTOLAN_TEST_REJECT_ADDRESS")),
        ),
    ] {
        let s = env.settings(port, sec);
        for (which, p) in [("right", &right), ("wrong", &wrong)] {
            let ev = Events::default();
            let out =
                portolan_core::send::send_test(&s, Some(p), to, &opts(), &ev.observer()).await;
            scan_outcome(&mut scan, &format!("{what} {which}"), &ev.take(), &out);
        }
    }
    scan.finish("real servers");
}

const TRACE_CHILD: &str = "PORTOLAN_LEAK_TRACE_CHILD";

/// Portolan installs no logger and no tracing subscriber (RUST_LOG changes nothing), so its
/// dependencies' logs go nowhere. Should one ever be installed, they must not hold the
/// password either: this runs the flows in a child process of this test binary with both
/// facades captured at trace level, and scans every line.
#[test]
fn dependency_logs_at_trace_level() {
    if std::env::var_os(TRACE_CHILD).is_some() {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "trace_child", "--nocapture", "--test-threads=1"])
        .env(TRACE_CHILD, "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("LOG ")).collect();
    assert!(!lines.is_empty(), "the dependencies logged nothing");
    let mut scan = Scan::new(&[(USER, PW)]);
    scan.flow();
    for l in &lines {
        scan.text("trace log line", l);
    }
    scan.bytes("trace child stderr", &out.stderr);
    println!("{} log lines captured", lines.len());
    scan.finish("dependency logs at trace level");
}

/// The child of [`dependency_logs_at_trace_level`]: does nothing unless asked.
#[tokio::test]
async fn trace_child() {
    if std::env::var_os(TRACE_CHILD).is_none() {
        return;
    }
    portolan_test_support::logs::capture();
    let mut scan = Scan::new(&[(USER, PW)]);
    let pki = Pki::new();
    for (sec, reply) in [
        (Security::Tls, "235 2.7.0 ok {arg}"),
        (Security::Starttls, "535 5.7.8 failed for {line}"),
    ] {
        let tls = pki.server(&["127.0.0.1"]);
        let (port, _) = serve(Script {
            implicit_tls: (sec == Security::Tls).then(|| tls.clone()),
            starttls: Some((b"220 go\r\n".to_vec(), Some(tls.clone()))),
            ehlo: vec!["AUTH PLAIN LOGIN".into()],
            ehlo_after_tls: vec!["AUTH LOGIN".into()],
            auth_reply: reply.into(),
            ..Script::default()
        })
        .await;
        let s = settings(port, sec, Some(USER));
        let _ = run_check(
            &mut scan,
            "trace check",
            &s,
            &pw(),
            &quick(Some(pki.trust())),
        )
        .await;
        let _ = run_send(
            &mut scan,
            "trace send",
            &s,
            &pw(),
            &quick(Some(pki.trust())),
        )
        .await;
    }
    // The platform keychain only where the test session provides one; never the user's.
    if session_home().is_some() {
        let dir = temp_dir("trace-profiles");
        let store = ProfileStore::new(&dir);
        let k = Keychain::platform();
        let p = profiles::save_profile(
            &store,
            &k,
            SaveRequest {
                id: None,
                name: "Traced".into(),
                settings: smtp("smtp.example.com"),
                password: Some(pw()),
                provider_id: None,
            },
        )
        .unwrap();
        let copy = profiles::duplicate_profile(&store, &k, &p.id, None).unwrap();
        let _ = profiles::profile_password(&k, &copy).unwrap();
        profiles::delete_profile(&store, &k, &copy.id).unwrap();
        profiles::delete_profile(&store, &k, &p.id).unwrap();
    }
    for l in portolan_test_support::logs::lines().iter() {
        println!("LOG {}", l.replace('\n', "\\n"));
    }
    scan.finish("trace child flows");
}
