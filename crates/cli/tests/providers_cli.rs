//! `portolan check` against emulated providers: a scripted server on loopback answers under a
//! provider's own name (smtp.gmail.com, smtp.office365.com). The name resolves to 127.0.0.1
//! inside the test only: the CLI runs in a mount namespace the test creates (`unshare -m`)
//! with its own /etc/hosts bound over the system's. Skips with a note when that is not
//! possible (not root, no unshare).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;

use portolan_test_support::run::Run;

const CANARY: &str = "Cli-Provider-Canary-7zQ";

/// A plain server on loopback offering AUTH PLAIN and answering it with `auth_reply`.
fn server(auth_reply: &'static str) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let _ = s.write_all(b"220 provider.test ESMTP\r\n");
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                let reply = match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                    "EHLO" => "250-provider.test\r\n250 AUTH PLAIN LOGIN\r\n".to_owned(),
                    "AUTH" => format!("{auth_reply}\r\n"),
                    "QUIT" => "221 bye\r\n".to_owned(),
                    _ => "500 what\r\n".to_owned(),
                };
                let _ = s.write_all(reply.as_bytes());
                line.clear();
            }
        }
    });
    port
}

/// Whether this test can give the CLI its own /etc/hosts.
fn can_isolate() -> bool {
    portolan_test_support::isolate::can_unshare(&["-m", "true"])
}

/// Runs `portolan check` for `host` at loopback `port`, with `host` in a private hosts file;
/// returns the exit code and the output.
fn check_as(host: &str, port: u16, user: &str, json: bool) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("portolan-hosts-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hosts = dir.join("hosts");
    std::fs::write(&hosts, format!("127.0.0.1 localhost\n127.0.0.1 {host}\n")).unwrap();
    let p = port.to_string();
    let mut args = vec![
        "check",
        "--host",
        host,
        "--port",
        &p,
        "--security",
        "none",
        "--allow-plaintext-auth",
        "--user",
        user,
        "--password-stdin",
        "--timeout",
        "10",
    ];
    if json {
        args.push("--json");
    }
    let ran = Run::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
        ])
        .arg(&hosts)
        .arg(env!("CARGO_BIN_EXE_portolan"))
        .args(&args)
        .stdin(format!("{CANARY}\n"))
        .run();
    let _ = std::fs::remove_dir_all(&dir);
    let text = ran.all();
    assert!(!text.contains(CANARY), "the password leaked: {text}");
    (ran.code, text)
}

#[test]
fn a_refused_gmail_password_prints_the_app_password_page() {
    if !can_isolate() {
        eprintln!("note: needs root and unshare for a private /etc/hosts; skipping");
        return;
    }
    let port = server("535-5.7.8 Username and Password not accepted.\r\n535 5.7.8 https://support.google.com/mail/?p=BadCredentials");
    let (code, out) = check_as("smtp.gmail.com", port, "ann@gmail.com", true);
    assert_eq!(code, 15, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}"));
    let v = &json["verdict"];
    assert_eq!(v["code"], "auth_failed", "{out}");
    assert_eq!(v["fixes"][0]["kind"], "open_page");
    assert_eq!(
        v["fixes"][0]["link"],
        "https://myaccount.google.com/apppasswords"
    );
    let (_, human) = check_as("smtp.gmail.com", port, "ann@gmail.com", false);
    assert!(human.contains("Create an app password at Gmail"), "{human}");
    assert!(
        human.contains("https://myaccount.google.com/apppasswords"),
        "{human}"
    );
}

#[test]
fn microsoft_365_with_smtp_auth_off_prints_the_request_for_the_admin() {
    if !can_isolate() {
        eprintln!("note: needs root and unshare for a private /etc/hosts; skipping");
        return;
    }
    let port = server("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.");
    let (code, out) = check_as("smtp.office365.com", port, "ann@firma.example", false);
    assert_eq!(code, 15, "{out}");
    assert!(out.contains("[smtp_auth_disabled]"), "{out}");
    assert!(out.contains("Copy a request for your IT admin"), "{out}");
    assert!(out.contains("Set-CASMailbox"), "{out}");
    assert!(
        out.contains("SmtpClientAuthentication is disabled for the Tenant"),
        "{out}"
    );
}

/// A server that refuses a hello with an address literal (`504 5.5.2`, as Postfix's
/// `reject_non_fqdn_helo_hostname` does) and accepts a full name.
fn fqdn_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let _ = s.write_all(b"220 strict.test ESMTP\r\n");
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                let reply: &[u8] = match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                    "EHLO" if line[5..].trim().contains('[') || !line[5..].contains('.') => {
                        b"504 5.5.2 <name>: Helo command rejected: need fully-qualified hostname\r\n"
                    }
                    "EHLO" => b"250-strict.test\r\n250 8BITMIME\r\n",
                    "QUIT" => b"221 bye\r\n",
                    _ => b"500 what\r\n",
                };
                let _ = s.write_all(reply);
                line.clear();
            }
        }
    });
    port
}

#[test]
fn a_refused_hello_name_is_fixed_with_ehlo() {
    let port = fqdn_server().to_string();
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args([
                "check",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--security",
                "none",
                "--timeout",
                "10",
            ])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = run(&[]);
    assert_eq!(code, 13, "{out}");
    assert!(out.contains("[ehlo_name_rejected]"), "{out}");
    assert!(out.contains("EHLO name"), "{out}");
    let (code, out) = run(&["--ehlo", "laptop.example.com"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["--ehlo", "bad name"]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn a_dns_server_that_does_not_answer_is_not_no_such_server() {
    if !can_isolate() {
        eprintln!("note: needs root and unshare for a private /etc/resolv.conf; skipping");
        return;
    }
    // A "DNS server" on 127.0.0.2:53 that reads every question and answers none.
    let (Ok(udp), Ok(tcp)) = (
        std::net::UdpSocket::bind("127.0.0.2:53"),
        TcpListener::bind("127.0.0.2:53"),
    ) else {
        eprintln!("note: port 53 on 127.0.0.2 is taken; skipping");
        return;
    };
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while udp.recv_from(&mut buf).is_ok() {}
    });
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in tcp.incoming().flatten() {
            held.push(s);
        }
    });
    let dir = std::env::temp_dir().join(format!("portolan-dns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let resolv = dir.join("resolv.conf");
    let hosts = dir.join("hosts");
    std::fs::write(
        &resolv,
        "nameserver 127.0.0.2\noptions timeout:1 attempts:1\n",
    )
    .unwrap();
    std::fs::write(&hosts, "127.0.0.1 localhost\n").unwrap();
    let out = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "mount --bind \"$0\" /etc/resolv.conf && mount --bind \"$1\" /etc/hosts && shift 2 \
             && exec \"$@\"",
        ])
        .arg(&resolv)
        .arg(&hosts)
        .arg("x")
        .arg(env!("CARGO_BIN_EXE_portolan"))
        .args([
            "check",
            "--host",
            "smtp.unanswered.example",
            "--timeout",
            "12",
            "--json",
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{text}{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(json["verdict"]["code"], "dns_no_answer", "{text}");
    assert_eq!(out.status.code(), Some(10), "{text}");
}
