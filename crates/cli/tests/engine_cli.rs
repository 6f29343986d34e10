//! `portolan check`, `probe` and `send` as a script sees them: exit codes naming the failing
//! stage, the JSON report, and passwords only from stdin or the environment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

use portolan_test_support::run::Run;
use portolan_test_support::test_servers;

const CANARY: &str = "Cli-Canary-4u8R-Pa55";

fn portolan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

/// A plain SMTP server on loopback that offers AUTH PLAIN without TLS and logs what it gets.
fn plain_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let log2 = log.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let _ = s.write_all(b"220 cli.test ESMTP\r\n");
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                log2.lock().unwrap().push(line.trim_end().to_owned());
                let reply: &[u8] = match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                    "EHLO" => b"250-cli.test\r\n250 AUTH PLAIN\r\n",
                    "AUTH" => b"235 2.7.0 ok\r\n",
                    "QUIT" => b"221 bye\r\n",
                    _ => b"500 what\r\n",
                };
                let _ = s.write_all(reply);
                line.clear();
            }
        }
    });
    (port, log)
}

fn run_json(args: &[&str], stdin: Option<&str>) -> (i32, serde_json::Value, String) {
    let mut run = Run::new(env!("CARGO_BIN_EXE_portolan")).args(args);
    if let Some(input) = stdin {
        run = run.stdin(input);
    }
    let ran = run.run();
    (ran.code, ran.json(), ran.stdout)
}

#[test]
fn refused_port_exits_11_with_the_verdict_code_in_json() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p = port.to_string();
    let (code, json, _) = run_json(
        &[
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &p,
            "--security",
            "starttls",
            "--json",
        ],
        None,
    );
    assert_eq!(code, 11);
    assert_eq!(json["verdict"]["code"], "connection_refused");
    assert_eq!(json["steps"][1]["stage"], "connect");
    assert_eq!(json["steps"][1]["status"], "failed");
}

#[test]
fn password_from_stdin_signs_in_and_never_appears_in_output() {
    let (port, log) = plain_server();
    let p = port.to_string();
    let (code, json, text) = run_json(
        &[
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &p,
            "--security",
            "none",
            "--allow-plaintext-auth",
            "--user",
            "alice",
            "--password-stdin",
            "--json",
        ],
        Some(&format!("{CANARY}\n")),
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["verdict"]["code"], "ok");
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("\0alice\0{CANARY}"));
    assert!(log
        .lock()
        .unwrap()
        .contains(&format!("AUTH PLAIN {expected}")));
    assert!(
        !text.contains(CANARY) && !text.contains(&expected),
        "{text}"
    );
}

#[test]
fn unencrypted_sign_in_is_refused_by_default_with_exit_15() {
    let (port, log) = plain_server();
    let p = port.to_string();
    let (code, json, _) = run_json(
        &[
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &p,
            "--security",
            "none",
            "--user",
            "alice",
            "--password-stdin",
            "--json",
        ],
        Some(CANARY),
    );
    assert_eq!(code, 15);
    assert_eq!(json["verdict"]["code"], "plaintext_auth_refused");
    assert!(!log.lock().unwrap().iter().any(|l| l.starts_with("AUTH")));
}

#[test]
fn password_is_never_accepted_as_an_argument() {
    let out = portolan()
        .args(["check", "--host", "x.example", "--password", CANARY])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_documents_the_exit_codes() {
    for sub in ["check", "send", "probe"] {
        let out = portolan().args([sub, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("15  sign-in failed"), "{sub}: {text}");
    }
}

#[test]
fn human_output_shows_steps_with_marks_and_the_fix() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = portolan()
        .args(["check", "--host", "127.0.0.1", "--port", &port.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✓ Look up the server name"), "{text}");
    assert!(text.contains("✗ Connect"), "{text}");
    assert!(text.contains("[connection_refused]"), "{text}");
    assert!(
        text.contains("• Encrypt from the start on port 465"),
        "{text}"
    );
}

#[test]
fn real_check_in_the_bench_shape_works_and_bad_certificates_exit_14() {
    let Some(env) = test_servers() else { return };
    let args = |port: &str, sec: &str| {
        vec![
            "check".to_owned(),
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_owned(),
            "--security".into(),
            sec.to_owned(),
            "--user".into(),
            env["PORTOLAN_TEST_USER"].clone(),
            "--password-stdin".into(),
            "--ca-file".into(),
            env["PORTOLAN_TEST_CA_FILE"].clone(),
            "--json".into(),
        ]
    };
    let pw = format!("{}\n", env["PORTOLAN_TEST_PASSWORD"]);
    let a = args(&env["PORTOLAN_TEST_SUBMISSION_PORT"], "starttls");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code, json, text) = run_json(&a, Some(&pw));
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["verdict"]["code"], "ok");
    assert!(!text.contains(env["PORTOLAN_TEST_PASSWORD"].as_str()));

    let a = args(&env["PORTOLAN_TEST_EXPIRED_PORT"], "tls");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (code, json, _) = run_json(&a, Some(&pw));
    assert_eq!(code, 14);
    assert_eq!(json["verdict"]["code"], "cert_expired");
}

#[test]
fn a_computer_without_trusted_authorities_is_told_so_and_nothing_is_sent() {
    // The platform's authorities are read beside the connection: when there are none, the
    // answer is that sentence (exit 5), not a certificate problem of the server.
    let Some(env) = test_servers() else { return };
    let empty = tempfile::tempdir().unwrap();
    let file = empty.path().join("none.pem");
    std::fs::write(&file, "").unwrap();
    let run = |extra: &[&str]| {
        let ran = Run::new(env!("CARGO_BIN_EXE_portolan"))
            .args([
                "check",
                "--host",
                "localhost",
                "--port",
                env["PORTOLAN_TEST_SUBMISSIONS_PORT"].as_str(),
                "--security",
                "tls",
                "--user",
                env["PORTOLAN_TEST_USER"].as_str(),
                "--password-stdin",
                "--json",
            ])
            .args(extra)
            .env("SSL_CERT_FILE", &file)
            .env("SSL_CERT_DIR", empty.path())
            .stdin(format!("{}\n", env["PORTOLAN_TEST_PASSWORD"]))
            .run();
        assert!(!ran.all().contains(env["PORTOLAN_TEST_PASSWORD"].as_str()));
        (ran.code, ran.json(), ran.stdout)
    };
    let (code, json, text) = run(&[]);
    assert_eq!(code, 5, "{text}");
    assert_eq!(json["error"]["code"], "trust_store_unavailable", "{text}");
    // An extra authority is enough on its own.
    let (code, json, text) = run(&["--ca-file", env["PORTOLAN_TEST_CA_FILE"].as_str()]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["verdict"]["code"], "ok");
}

#[test]
fn ctrl_c_while_a_server_is_silent_ends_the_check_at_once() {
    // A server that takes the connection and never says hello: the check waits for the
    // greeting until Ctrl-C, which must end it at once with the "cancelled" answer.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    let child = portolan()
        .args([
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "tls",
            "--json",
        ])
        .env_remove("PORTOLAN_PASSWORD")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let pid = child.id().to_string();
    let sent = std::time::Instant::now();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let out = child.wait_with_output().unwrap();
    let took = sent.elapsed();
    assert!(
        took < std::time::Duration::from_secs(3),
        "exited {took:?} after Ctrl-C"
    );
    assert_eq!(out.status.code(), Some(19));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"]["code"], "cancelled", "{json}");
}

#[test]
fn real_probe_recommends_the_implicit_tls_port() {
    let Some(env) = test_servers() else { return };
    let tls = format!("{}:tls", env["PORTOLAN_TEST_SUBMISSIONS_PORT"]);
    let starttls = format!("{}:starttls", env["PORTOLAN_TEST_SUBMISSION_PORT"]);
    let (code, json, text) = run_json(
        &[
            "probe",
            "localhost",
            "--port",
            &tls,
            "--port",
            &starttls,
            "--ca-file",
            &env["PORTOLAN_TEST_CA_FILE"],
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["recommended"]["security"], "tls");
}

#[test]
fn send_without_any_sender_address_is_refused_before_connecting() {
    let (code, json, _) = run_json(
        &["send", "--host", "127.0.0.1", "--port", "1", "--json"],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(json["error"]["code"], "missing_from");
}

#[test]
fn real_send_delivers_and_reports_the_queue_reply() {
    let Some(env) = test_servers() else { return };
    let pw = format!("{}\n", env["PORTOLAN_TEST_PASSWORD"]);
    let (code, json, text) = run_json(
        &[
            "send",
            "--host",
            "localhost",
            "--port",
            &env["PORTOLAN_TEST_SUBMISSION_PORT"],
            "--user",
            &env["PORTOLAN_TEST_USER"],
            "--password-stdin",
            "--ca-file",
            &env["PORTOLAN_TEST_CA_FILE"],
            "--json",
        ],
        Some(&pw),
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(json["sent"]["code"], 250);
    assert_eq!(json["sent"]["to"], env["PORTOLAN_TEST_ADDRESS"].as_str());
    let id = json["sent"]["message_id"].as_str().unwrap().to_owned();
    let test_code = json["sent"]["test_code"].as_str().unwrap().to_owned();
    assert_eq!(
        json["verdict"]["title"],
        "The server accepted your test email"
    );
    // The message in the Maildir is the one reported: same Message-ID and code.
    let maildir = std::path::Path::new(&env["PORTOLAN_TEST_MAILDIR"]).join("new");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = std::fs::read_dir(&maildir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| {
                std::fs::read_to_string(e.path()).is_ok_and(|t| {
                    t.contains(&format!("Message-ID: {id}"))
                        && t.contains(&format!("Subject: Portolan test {test_code}"))
                })
            });
        if found {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{id} not in {maildir:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The human output names the code and the Message-ID too.
    let out = portolan()
        .args([
            "send",
            "--host",
            "localhost",
            "--port",
            &env["PORTOLAN_TEST_SUBMISSION_PORT"],
            "--user",
            &env["PORTOLAN_TEST_USER"],
            "--password-stdin",
            "--ca-file",
            &env["PORTOLAN_TEST_CA_FILE"],
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(pw.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("The server accepted your test email"),
        "{text}"
    );
    assert!(text.contains("Test code: "), "{text}");
    assert!(text.contains("Message-ID: <portolan."), "{text}");
    assert!(
        text.contains("If it does not arrive: portolan delivery --from"),
        "{text}"
    );
}
