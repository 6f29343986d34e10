//! Bad user input in every field, refused before any network traffic: for each case the
//! validation names the field, says what to do, and `check`, `send_test` and `probe` return
//! the error without a step starting (no lookup, no connection). A loopback listener on the
//! port the settings name is checked for connections after every case. Valid edge cases (an
//! international name, a final dot, an IPv6 address, spaces around a value) are accepted, so
//! the validation is not over-strict. A property test: any one-line field holding a CR or an
//! LF anywhere is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use portolan_core::check::{check, CheckOptions};
use portolan_core::error::UserError;
use portolan_core::observer::Event;
use portolan_core::ports::Security;
use portolan_core::probe::{probe, ProbeCandidate, ProbeOptions};
use portolan_core::send::send_test;
use portolan_core::settings::{host_ascii, CertException, SmtpSettings};
use proptest::prelude::*;

/// Words that tell the user what to do; every message holds at least one.
const WHAT_TO_DO: &[&str] = &[
    "Type",
    "Check",
    "Use",
    "Give",
    "Remove",
    "Leave",
    "Choose",
    "Correct",
    "should look like",
];

/// A listener that must never see a connection.
struct Tripwire {
    listener: TcpListener,
}

impl Tripwire {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Self { listener }
    }

    fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }

    /// Connections made since the last call (a completed connect waits in the backlog).
    fn connections(&self) -> usize {
        let mut n = 0;
        while self.listener.accept().is_ok() {
            n += 1;
        }
        n
    }
}

fn good(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::Starttls,
        username: Some("alice@example.com".into()),
        from: "alice@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

fn quick() -> CheckOptions {
    CheckOptions {
        connect_timeout: Duration::from_millis(500),
        command_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(2),
        ..CheckOptions::default()
    }
}

fn long(n: usize) -> String {
    "a".repeat(n)
}

/// Where a bad value goes.
#[derive(Clone)]
enum Field {
    Host(String),
    Port(u16),
    Username(String),
    From(String),
    To(String),
    Ehlo(String),
    ExceptionHost(String),
    ExceptionFingerprint(String),
    ProbePort(u16),
}

impl Field {
    fn group(&self) -> &'static str {
        match self {
            Field::Host(_) => "host",
            Field::Port(_) => "port",
            Field::Username(_) => "username",
            Field::From(_) => "from",
            Field::To(_) => "to",
            Field::Ehlo(_) => "ehlo_name",
            Field::ExceptionHost(_) | Field::ExceptionFingerprint(_) => "cert_exception",
            Field::ProbePort(_) => "probe_port",
        }
    }

    /// The field in the plain words its message must use.
    fn words(&self) -> &'static str {
        match self {
            Field::Host(_) => "server name",
            Field::Port(_) | Field::ProbePort(_) => "port",
            Field::Username(_) => "user name",
            Field::From(_) => "sender address",
            Field::To(_) => "recipient address",
            Field::Ehlo(_) => "EHLO name",
            Field::ExceptionHost(_) | Field::ExceptionFingerprint(_) => "certificate exception",
        }
    }
}

/// Control characters and line breaks, each placed at the start, middle and end of `base`.
fn with_breaks(base: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in ["\r", "\n", "\r\n", "\0"] {
        out.push(format!("{c}{base}"));
        let mid = base.len() / 2;
        out.push(format!("{}{c}{}", &base[..mid], &base[mid..]));
        out.push(format!("{base}{c}"));
    }
    out
}

fn cases() -> Vec<Field> {
    let mut v = Vec::new();
    // host: 12 line-break cases + the rest.
    for h in with_breaks("smtp.example.com") {
        v.push(Field::Host(h));
    }
    for h in [
        "",
        "   ",
        "smtp example.com",
        " smtp.example.com x",
        "smtp.example.com\tx",
        "smtp.exam\u{a0}ple.com",
        "smtp\u{2028}example.com",
        "smtp.example.com\u{7f}",
        "smtp://smtp.example.com",
        "https://smtp.example.com/",
        "smtps://smtp.example.com:465",
        "smtp.example.com:587",
        "smtp.example.com/path",
        "127.0.0.1:25",
        "[::1]",
        "[::1]:587",
        "alice@example.com",
        "@smtp.example.com",
        "smtp..example.com",
        ".smtp.example.com",
        "smtp.example.com..",
        ".",
        "587",
        "127.1",
        "2130706433",
        "0x7f000001",
        "smtp.example.123",
        "0.0.0.0",
        "::",
        "255.255.255.255",
        "224.0.0.1",
        "smtp!.example.com",
        "smtp,example.com",
        "smtp.exa*mple.com",
        "smtp.example.com?",
        "bad\u{200b}name.example",
        "smtp\u{ad}.example.com",
        "\u{feff}smtp.example.com",
        "smtp.example.com\u{202e}",
        "bü\u{fffd}cher.example",
    ] {
        v.push(Field::Host(h.to_owned()));
    }
    v.push(Field::Host(format!("{}.example.com", long(64))));
    v.push(Field::Host(format!("{}.com", ["abcdefgh"; 31].join("."))));
    v.push(Field::Host(long(1000)));
    v.push(Field::Host(format!("{}.example.com", "ü".repeat(300))));
    // port
    v.push(Field::Port(0));
    v.push(Field::ProbePort(0));
    // username
    for u in with_breaks("alice@example.com") {
        v.push(Field::Username(u));
    }
    for u in ["", "   ", "al\u{1b}[31mice", "\u{85}alice", "alice\u{7f}"] {
        v.push(Field::Username(u.to_owned()));
    }
    v.push(Field::Username(long(257)));
    v.push(Field::Username(long(1000)));
    v.push(Field::Username("ü".repeat(300)));
    // from and to: the same bad addresses.
    let mut addresses: Vec<String> = with_breaks("alice@example.com");
    for a in [
        "",
        "alice",
        "alice.example.com",
        "@example.com",
        "alice@",
        "alice@example",
        "alice@.example.com",
        "alice @example.com",
        "alice@exa mple.com",
        "<alice@example.com>",
        "Alice <alice@example.com>",
        "alice@example.com, bob@example.com",
        "alice@example.com;bob@example.com",
        "alice@exa\u{2028}mple.com",
        "smtp.example.com",
    ] {
        addresses.push(a.to_owned());
    }
    addresses.push(format!("{}@example.com", long(250)));
    addresses.push(format!("{}@example.com", long(1000)));
    for a in &addresses {
        v.push(Field::From(a.clone()));
        v.push(Field::To(a.clone()));
    }
    // EHLO name
    for e in with_breaks("laptop.example.com") {
        v.push(Field::Ehlo(e));
    }
    for e in [
        "",
        "laptop example.com",
        "laptop\texample",
        "läptop.example.com",
        "<laptop>",
        "laptop;rm",
    ] {
        v.push(Field::Ehlo(e.to_owned()));
    }
    v.push(Field::Ehlo(long(1000)));
    // certificate exception
    for h in ["127.0.0.1\r\n", "127.0.0.1\n", "\r127.0.0.1", "127.0.0.1\0"] {
        v.push(Field::ExceptionHost(h.to_owned()));
    }
    v.push(Field::ExceptionHost(long(1000)));
    let fp = "ab".repeat(32);
    for f in [
        String::new(),
        "zz".repeat(32),
        "ab".repeat(31),
        "ab".repeat(33),
        format!("{fp}\r\n"),
        format!("sha256 {fp}"),
        "ab cd".into(),
        long(1000),
    ] {
        v.push(Field::ExceptionFingerprint(f));
    }
    v
}

/// One case's settings, EHLO name, recipient and probe candidates.
struct Input {
    settings: SmtpSettings,
    ehlo: Option<String>,
    to: Option<String>,
    candidates: Vec<ProbeCandidate>,
}

fn input(f: &Field, port: u16) -> Input {
    let mut i = Input {
        settings: good(port),
        ehlo: None,
        to: None,
        candidates: vec![ProbeCandidate::new(port, Security::Starttls)],
    };
    let exception = |host: &str, sha256: &str| CertException {
        host: host.to_owned(),
        port,
        sha256: sha256.to_owned(),
    };
    match f {
        Field::Host(h) => i.settings.host = h.clone(),
        Field::Port(p) => i.settings.port = *p,
        Field::Username(u) => i.settings.username = Some(u.clone()),
        Field::From(a) => i.settings.from = a.clone(),
        Field::To(a) => i.to = Some(a.clone()),
        Field::Ehlo(e) => i.ehlo = Some(e.clone()),
        Field::ExceptionHost(h) => {
            i.settings.cert_exception = Some(exception(h, &"ab".repeat(32)));
        }
        Field::ExceptionFingerprint(fp) => {
            i.settings.cert_exception = Some(exception("127.0.0.1", fp));
        }
        Field::ProbePort(p) => i.candidates = vec![ProbeCandidate::new(*p, Security::Starttls)],
    }
    i
}

/// Checks one refusal: the code, the field named in plain words, something to do.
fn assert_refusal(
    what: &str,
    f: &Field,
    e: &UserError,
    codes: &[&str],
    failures: &mut Vec<String>,
) {
    let text = format!("{} {}", e.message, e.hint);
    if !codes.contains(&e.code.as_str()) {
        failures.push(format!("{what}: code {} for {f:?}", e.code));
    }
    if !e.message.contains(f.words()) {
        failures.push(format!(
            "{what}: message does not name the {}: {:?}",
            f.words(),
            e.message
        ));
    }
    if !WHAT_TO_DO.iter().any(|w| text.contains(w)) {
        failures.push(format!("{what}: no instruction in {text:?}"));
    }
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, v) = match self {
            Field::Host(s) => ("host", s.clone()),
            Field::Port(p) => ("port", p.to_string()),
            Field::Username(s) => ("username", s.clone()),
            Field::From(s) => ("from", s.clone()),
            Field::To(s) => ("to", s.clone()),
            Field::Ehlo(s) => ("ehlo", s.clone()),
            Field::ExceptionHost(s) => ("exception host", s.clone()),
            Field::ExceptionFingerprint(s) => ("exception sha256", s.clone()),
            Field::ProbePort(p) => ("probe port", p.to_string()),
        };
        let v: String = v.chars().take(60).collect();
        write!(f, "{name}={v:?}")
    }
}

#[tokio::test]
async fn every_bad_field_is_refused_before_any_network_traffic() {
    let wire = Tripwire::new();
    let cases = cases();
    let mut failures = Vec::new();
    let mut per_group: std::collections::BTreeMap<&str, usize> = Default::default();
    let steps = AtomicUsize::new(0);
    let observer = |e: Event| {
        if matches!(e, Event::StepStarted { .. }) {
            steps.fetch_add(1, Ordering::SeqCst);
        }
    };
    for f in &cases {
        *per_group.entry(f.group()).or_default() += 1;
        let i = input(f, wire.port());
        let mut opts = quick();
        opts.ehlo_name = i.ehlo.clone();

        // The settings' own fields: validate() names the field.
        if !matches!(f, Field::To(_) | Field::Ehlo(_) | Field::ProbePort(_)) {
            match i.settings.validate() {
                Ok(()) => failures.push(format!("validate accepted {f:?}")),
                Err(errs) => {
                    let want = match f.group() {
                        "to" | "ehlo_name" | "probe_port" => unreachable!(),
                        g => g,
                    };
                    if errs.len() != 1 || errs[0].field != want {
                        failures.push(format!("validate: fields {errs:?} for {f:?}"));
                    }
                }
            }
        }
        if !matches!(f, Field::To(_) | Field::ProbePort(_)) {
            match check(&i.settings, None, &opts, &observer).await {
                Ok(r) => failures.push(format!("check ran ({:?}) for {f:?}", r.verdict.code)),
                Err(e) => assert_refusal("check", f, &e, &["invalid_settings"], &mut failures),
            }
        }
        if !matches!(f, Field::ProbePort(_)) {
            let codes: &[&str] = if matches!(f, Field::To(_)) {
                &["invalid_address"]
            } else {
                &["invalid_settings"]
            };
            match send_test(&i.settings, None, i.to.as_deref(), &opts, &observer).await {
                Ok(r) => failures.push(format!("send ran ({:?}) for {f:?}", r.verdict.code)),
                Err(e) => assert_refusal("send", f, &e, codes, &mut failures),
            }
        }
        if matches!(f, Field::Host(_) | Field::ProbePort(_)) {
            let popts = ProbeOptions {
                connect_timeout: Duration::from_millis(500),
                command_timeout: Duration::from_millis(500),
                port_timeout: Duration::from_secs(2),
                stagger: Duration::ZERO,
                ..ProbeOptions::default()
            };
            match probe(&i.settings.host, &i.candidates, &popts, &observer).await {
                Ok(r) => failures.push(format!("probe ran ({:?}) for {f:?}", r.results)),
                Err(e) => assert_refusal("probe", f, &e, &["invalid_settings"], &mut failures),
            }
        }
        let n = steps.swap(0, Ordering::SeqCst);
        if n > 0 {
            failures.push(format!("{n} steps started for {f:?}"));
        }
        let c = wire.connections();
        if c > 0 {
            failures.push(format!("{c} connections for {f:?}"));
        }
    }
    println!("{} bad-input cases: {per_group:?}", cases.len());
    assert!(cases.len() >= 100, "{} cases", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_field_error_is_named_in_plain_words_and_says_what_to_do() {
    // validate() lists every wrong field at once, each message for its own field.
    let s = SmtpSettings {
        host: "smtp.example.com:587".into(),
        port: 0,
        security: Security::Tls,
        username: Some("a\nb".into()),
        from: "alice".into(),
        allow_plaintext_auth: false,
        cert_exception: Some(CertException {
            host: "x".into(),
            port: 1,
            sha256: "12".into(),
        }),
        ehlo_name: Some("my laptop".into()),
    };
    let errs = s.validate().unwrap_err();
    let got: Vec<(&str, bool)> = errs
        .iter()
        .map(|e| {
            let words = match e.field.as_str() {
                "host" => "server name",
                "port" => "port",
                "username" => "user name",
                "from" => "sender address",
                "ehlo_name" => "EHLO name",
                _ => "certificate exception",
            };
            (e.field.as_str(), e.message.contains(words))
        })
        .collect();
    assert_eq!(
        got,
        [
            ("host", true),
            ("port", true),
            ("username", true),
            ("from", true),
            ("cert_exception", true),
            ("ehlo_name", true)
        ]
    );
}

#[test]
fn valid_edge_cases_are_accepted() {
    let ok = |host: &str| SmtpSettings {
        host: host.into(),
        ..good(587)
    };
    for host in [
        "smtp.example.com",
        "SMTP.Example.COM",
        "smtp.example.com.",
        "  smtp.example.com  ",
        "mail_relay.example.com",
        "localhost",
        "localhost.",
        "127.0.0.1",
        "192.0.2.25",
        "::1",
        "2001:db8::25",
        "::ffff:192.0.2.1",
        "bücher.example",
        "BÜCHER.example.",
        "smtp.xn--bcher-kva.example",
        "почта.рф",
        "メール.example",
        "a.b",
        &format!("{}.example.com", long(63)),
    ] {
        assert_eq!(ok(host).validate(), Ok(()), "{host:?}");
    }
    assert_eq!(
        host_ascii("bücher.example").unwrap(),
        "xn--bcher-kva.example"
    );
    assert_eq!(
        host_ascii(" BÜCHER.example. ").unwrap(),
        "xn--bcher-kva.example"
    );
    assert_eq!(
        host_ascii("smtp.example.com.").unwrap(),
        "smtp.example.com."
    );
    assert_eq!(host_ascii("2001:db8::25").unwrap(), "2001:db8::25");

    for port in [1, 25, 465, 587, 2525, 65535] {
        assert_eq!(good(port).validate(), Ok(()), "{port}");
    }
    for user in [
        "alice",
        "alice@example.com",
        "  alice@example.com ",
        "DOMAIN\\alice",
        "ünïcode",
        &long(256),
        // 200 characters, 400 bytes: the limit counts characters, as its message says.
        &"ü".repeat(200),
    ] {
        let s = SmtpSettings {
            username: Some(user.to_owned()),
            ..good(587)
        };
        assert_eq!(s.validate(), Ok(()), "{user:?}");
    }
    for from in [
        "alice@example.com",
        " alice@example.com ",
        "alice+tag@example.com",
        "alice.o'neil@sub.example.co.uk",
        "ü@bücher.example",
        "alice@[192.0.2.1]",
    ] {
        let s = SmtpSettings {
            from: from.to_owned(),
            ..good(587)
        };
        assert_eq!(s.validate(), Ok(()), "{from:?}");
    }
    for sha256 in ["ab".repeat(32), ["AB"; 32].join(":")] {
        let s = SmtpSettings {
            cert_exception: Some(CertException {
                host: "bücher.example".into(),
                port: 465,
                sha256,
            }),
            ..good(465)
        };
        assert_eq!(s.validate(), Ok(()));
    }
}

#[tokio::test]
async fn a_valid_ehlo_name_and_a_spaced_user_name_reach_the_server() {
    // The opposite of the table: accepted input does go on the wire, trimmed.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
        let (tcp, _) = l.accept().await.unwrap();
        let (r, mut w) = tcp.into_split();
        let mut r = tokio::io::BufReader::new(r);
        w.write_all(b"220 t ESMTP\r\n").await.unwrap();
        let mut line = String::new();
        while r.read_line(&mut line).await.unwrap_or(0) > 0 {
            seen2.lock().unwrap().push(line.trim_end().to_owned());
            let reply: &[u8] = if line.starts_with("EHLO") {
                b"250-t\r\n250 AUTH PLAIN\r\n"
            } else if line.starts_with("AUTH") {
                b"235 ok\r\n"
            } else {
                b"221 bye\r\n"
            };
            w.write_all(reply).await.unwrap();
            line.clear();
        }
    });
    let s = SmtpSettings {
        host: " 127.0.0.1 ".into(),
        security: Security::None,
        username: Some("  alice  ".into()),
        allow_plaintext_auth: true,
        ..good(port)
    };
    let opts = CheckOptions {
        ehlo_name: Some("laptop.example.com".into()),
        ..quick()
    };
    let pw = portolan_core::sensitive::Password::new("pw".to_owned());
    let r = check(&s, Some(&pw), &opts, &()).await.unwrap();
    assert!(r.verdict.code.is_ok(), "{:?}", r.verdict);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0], "EHLO laptop.example.com");
    let token = seen[1].strip_prefix("AUTH PLAIN ").unwrap();
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token)
        .unwrap();
    assert_eq!(decoded, b"\0alice\0pw");
}

/// A value around a line break: any text, then CR, LF or CR LF, then any text.
fn broken_line() -> impl Strategy<Value = String> {
    (
        "[ -~äü€]{0,40}",
        prop_oneof![Just("\r"), Just("\n"), Just("\r\n")],
        "[ -~äü€]{0,40}",
    )
        .prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_settings_field_with_a_line_break_is_refused(v in broken_line(), which in 0..4usize) {
        let mut s = good(587);
        let field = match which {
            0 => { s.host = v.clone(); "host" }
            1 => { s.username = Some(v.clone()); "username" }
            2 => { s.from = v.clone(); "from" }
            _ => {
                s.cert_exception = Some(CertException {
                    host: v.clone(),
                    port: 587,
                    sha256: "ab".repeat(32),
                });
                "cert_exception"
            }
        };
        let errs = s.validate().unwrap_err();
        prop_assert!(errs.iter().any(|e| e.field == field), "{errs:?}");
    }

    #[test]
    fn a_recipient_or_ehlo_name_with_a_line_break_is_refused_before_connecting(
        v in broken_line(),
        ehlo in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let wire = Tripwire::new();
        let s = good(wire.port());
        let r = rt.block_on(async {
            if ehlo {
                let opts = CheckOptions { ehlo_name: Some(v.clone()), ..quick() };
                check(&s, None, &opts, &()).await.map(|_| ())
            } else {
                send_test(&s, None, Some(&v), &quick(), &()).await.map(|_| ())
            }
        });
        prop_assert!(r.is_err());
        prop_assert_eq!(wire.connections(), 0);
    }
}
