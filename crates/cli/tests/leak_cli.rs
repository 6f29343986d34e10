//! The password never leaks from the `portolan` binary: every subcommand runs with a canary
//! password (from standard input or PORTOLAN_PASSWORD, the only ways the CLI takes one), at its
//! most verbose (`--transcript`, `--json`, RUST_LOG=trace, RUST_BACKTRACE=full), against
//! scripted servers on loopback (including servers that quote the credential back) and, with
//! `PORTOLAN_TEST_SERVERS` set, the real Postfix/Dovecot. Standard output, standard error and
//! every file written under the command's private HOME are searched for every form of the
//! password (`leak::forms`, shared with the core's tests).
//!
//! The profile commands use the real keychain only inside `scripts/in-test-session.sh` (a
//! private D-Bus and gnome-keyring); elsewhere they run against a bus that does not exist, which
//! tests their error paths instead, and never touch the user's keychain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use portolan_test_support::leak::Scan;
use portolan_test_support::session::session_home;
use portolan_test_support::test_servers;

const PW: &str = "Cli Leak \"Canary\" 5t\\Qz&%/+ Pö!";
const USER: &str = "alice@cli.test";

/// Where one test's commands run: a private HOME, and the keychain (real inside the test
/// session, unreachable elsewhere).
struct Sandbox {
    home: PathBuf,
    keychain: bool,
}

impl Sandbox {
    fn new(name: &str) -> Self {
        let (root, keychain) = match session_home() {
            Some(h) => (h.join("leak-cli"), true),
            None => (
                std::env::temp_dir().join(format!("portolan-leak-cli-{}", std::process::id())),
                false,
            ),
        };
        let home = root.join(name);
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        Self { home, keychain }
    }

    /// Runs `portolan args`, with `stdin` and extra `env`, bounded to 60 s; scans both outputs
    /// (standard output only when `scan_stdout`: an export asked to include the password).
    fn run_with(
        &self,
        scan: &mut Scan,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
        scan_stdout: bool,
    ) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
        cmd.args(args)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("RUST_LOG", "trace")
            .env("RUST_BACKTRACE", "full")
            .env_remove("PORTOLAN_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if !self.keychain {
            cmd.env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/portolan-leak-bus",
            );
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            let _ = input.write_all(s.as_bytes());
        }
        drop(input);
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        let out = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(out) => out.unwrap(),
            Err(_) => {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                panic!("portolan {args:?} did not finish within 60 s");
            }
        };
        let what = format!("portolan {}", args.join(" "));
        scan.flow();
        if scan_stdout {
            scan.bytes(&format!("{what} stdout"), &out.stdout);
        }
        scan.bytes(&format!("{what} stderr"), &out.stderr);
        out
    }

    fn run(&self, scan: &mut Scan, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_with(scan, args, stdin, &[], true)
    }

    /// Every file under HOME.
    fn scan_files(&self, scan: &mut Scan) -> usize {
        fn walk(scan: &mut Scan, dir: &Path) -> usize {
            let mut n = 0;
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    n += walk(scan, &p);
                } else if let Ok(b) = std::fs::read(&p) {
                    scan.bytes(&format!("file {}", p.display()), &b);
                    n += 1;
                }
            }
            n
        }
        walk(scan, &self.home)
    }
}

/// A plain SMTP server on loopback offering `mechs`; its answer to the credential is `reply`
/// with `{line}`, `{arg}` and `{decoded}` standing for the client's last line, that line's
/// last word, and that word base64-decoded (a server quoting the credential back). An empty
/// `reply` never answers.
fn server(mechs: &'static str, reply: &'static str) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
                let mut r = BufReader::new(s.try_clone().unwrap());
                let _ = s.write_all(b"220 cli.test ESMTP\r\n");
                let mut line = String::new();
                let mut in_data = false;
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    let l = line.trim_end().to_owned();
                    line.clear();
                    if in_data {
                        if l == "." {
                            in_data = false;
                            let _ = s.write_all(b"250 2.0.0 queued\r\n");
                        }
                        continue;
                    }
                    let verb = l.get(..4).unwrap_or("").to_ascii_uppercase();
                    let answer = match verb.as_str() {
                        "EHLO" => {
                            format!("250-cli.test\r\n250-AUTH {mechs}\r\n250 SIZE 100000\r\n")
                        }
                        "AUTH" => {
                            let mut last = l.clone();
                            if l.to_ascii_uppercase().starts_with("AUTH LOGIN") {
                                for prompt in ["334 VXNlcm5hbWU6\r\n", "334 UGFzc3dvcmQ6\r\n"] {
                                    let _ = s.write_all(prompt.as_bytes());
                                    last.clear();
                                    let _ = r.read_line(&mut last);
                                    last = last.trim_end().to_owned();
                                }
                            }
                            if reply.is_empty() {
                                std::thread::sleep(Duration::from_secs(20));
                                return;
                            }
                            format!("{}\r\n", echo(reply, &last))
                        }
                        "MAIL" | "RCPT" => "250 2.1.0 ok\r\n".into(),
                        "DATA" => {
                            in_data = true;
                            "354 go ahead\r\n".into()
                        }
                        "QUIT" => {
                            let _ = s.write_all(b"221 bye\r\n");
                            return;
                        }
                        _ => "500 what\r\n".into(),
                    };
                    let _ = s.write_all(answer.as_bytes());
                }
            });
        }
    });
    port
}

fn echo(reply: &str, last: &str) -> String {
    let arg = last.rsplit(' ').next().unwrap_or_default();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(arg)
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default();
    reply
        .replace("{line}", last)
        .replace("{arg}", arg)
        .replace("{decoded}", &decoded)
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

const REPLIES: [&str; 7] = [
    "235 2.7.0 ok",
    "235 2.7.0 Welcome {arg}",
    "535 5.7.8 Error: authentication failed",
    "535 5.7.8 Authentication failed for \"{line}\"",
    "535 5.7.8 Bad credentials {arg}",
    "535 5.7.8 Bad credentials for {decoded}",
    "XYZ {arg}",
];

/// check and send, every password source and output style, against servers that accept,
/// refuse, quote the credential back, stall, or are not there; and the errors before any
/// traffic.
#[test]
fn check_and_send_with_every_password_source() {
    let started = Instant::now();
    let mut scan = Scan::new(&[(USER, PW)]);
    let sb = Sandbox::new("check");
    let stdin_pw = format!("{PW}\n");
    for mechs in ["PLAIN LOGIN", "LOGIN"] {
        for reply in REPLIES {
            let port = server(mechs, reply);
            let p = port.to_string();
            let base = [
                "--host",
                "127.0.0.1",
                "--port",
                &p,
                "--security",
                "none",
                "--allow-plaintext-auth",
                "--user",
                USER,
                "--timeout",
                "5",
            ];
            for style in [&["--json"][..], &["--transcript"][..]] {
                let mut args = vec!["check"];
                args.extend(base);
                args.extend(style);
                let mut stdin_args = args.clone();
                stdin_args.push("--password-stdin");
                let out = sb.run(&mut scan, &stdin_args, Some(&stdin_pw));
                assert_eq!(
                    out.status.code() == Some(0),
                    reply.starts_with("235"),
                    "{mechs} {reply}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
                sb.run_with(&mut scan, &args, None, &[("PORTOLAN_PASSWORD", PW)], true);
                let mut send = vec!["send"];
                send.extend(&args[1..]);
                sb.run_with(&mut scan, &send, None, &[("PORTOLAN_PASSWORD", PW)], true);
            }
        }
    }

    let stall = server("PLAIN", "").to_string();
    let closed = closed_port().to_string();
    let no_auth_in_clear = server("PLAIN", "235 ok").to_string();
    let fails: Vec<Vec<&str>> = vec![
        vec![
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &stall,
            "--security",
            "none",
        ],
        vec![
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &closed,
            "--security",
            "starttls",
        ],
        vec![
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &closed,
            "--security",
            "tls",
        ],
        vec![
            "check",
            "--host",
            "127.0.0.1",
            "--port",
            &no_auth_in_clear,
            "--security",
            "none",
        ],
        vec!["check", "--host", "bad host name", "--security", "tls"],
        vec![
            "check",
            "--host",
            "127.0.0.1",
            "--ca-file",
            "/nonexistent/ca.pem",
        ],
        vec!["check", "--host", "127.0.0.1", "--port", "0"],
        vec!["check", "--host", "127.0.0.1", "--timeout", "0"],
        vec!["send", "--host", "127.0.0.1", "--port", &closed],
        vec!["check", "--profile", "No Such Profile"],
    ];
    for mut args in fails {
        args.extend(["--user", USER, "--allow-plaintext-auth", "--timeout", "2"]);
        if args.contains(&"--profile") {
            args.truncate(3);
        }
        let mut json = args.clone();
        json.push("--json");
        for a in [&args, &json] {
            let mut t = a.clone();
            t.push("--transcript");
            sb.run_with(&mut scan, &t, None, &[("PORTOLAN_PASSWORD", PW)], true);
            let mut s = a.clone();
            s.push("--password-stdin");
            sb.run(&mut scan, &s, Some(&stdin_pw));
        }
    }
    sb.scan_files(&mut scan);
    scan.finish(&format!(
        "cli check and send ({:.1} s)",
        started.elapsed().as_secs_f32()
    ));
}

/// The subcommands that never take a password, run with one in the environment anyway.
#[test]
fn ports_discover_and_probe_ignore_the_password() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let sb = Sandbox::new("other");
    let port = server("PLAIN", "235 ok").to_string();
    let closed = closed_port().to_string();
    let ok = format!("{port}:none");
    let refused = format!("{closed}:starttls");
    let env = [("PORTOLAN_PASSWORD", PW)];
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["ports"],
        vec!["ports", "--json"],
        vec!["discover", "--offline", "alice@gmail.com"],
        vec!["discover", "--offline", "alice@gmail.com", "--json"],
        vec!["discover", "--offline", "not an address"],
        vec![
            "probe",
            "127.0.0.1",
            "--port",
            &ok,
            "--port",
            &refused,
            "--timeout",
            "3",
        ],
        vec![
            "probe",
            "127.0.0.1",
            "--port",
            &ok,
            "--json",
            "--timeout",
            "3",
        ],
        vec!["probe", "bad host", "--port", &ok],
        vec!["check", "--help"],
        vec!["profiles", "--help"],
        vec!["export", "--list"],
    ] {
        sb.run_with(&mut scan, &args, Some(&format!("{PW}\n")), &env, true);
    }
    sb.scan_files(&mut scan);
    scan.finish("cli ports, discover, probe");
}

/// Profiles with the password in the keychain (inside the test session; their error paths
/// elsewhere): save, list, show, rename, duplicate, every export format without the password,
/// import, check and send with the saved password against a server quoting it back, delete.
#[test]
fn profiles_export_import_with_the_keychain() {
    let mut scan = Scan::new(&[(USER, PW)]);
    let sb = Sandbox::new("profiles");
    let stdin_pw = format!("{PW}\n");
    let quoting = server("PLAIN LOGIN", "535 5.7.8 Authentication failed for {line}");
    let q = quoting.to_string();
    let saved = sb.run(
        &mut scan,
        &[
            "profiles",
            "save",
            "Local",
            "--host",
            "127.0.0.1",
            "--port",
            &q,
            "--security",
            "none",
            "--allow-plaintext-auth",
            "--user",
            USER,
            "--password-stdin",
        ],
        Some(&stdin_pw),
    );
    assert_eq!(
        saved.status.success(),
        sb.keychain,
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    sb.run_with(
        &mut scan,
        &[
            "profiles",
            "save",
            "Work",
            "--host",
            "smtp.example.com",
            "--user",
            USER,
        ],
        None,
        &[("PORTOLAN_PASSWORD", PW)],
        true,
    );
    let formats: Vec<String> = {
        let out = sb.run(&mut scan, &["export", "--list"], None);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(str::to_owned)
            .collect()
    };
    for args in [
        vec!["profiles", "list"],
        vec!["profiles", "list", "--json"],
        vec!["profiles", "show", "Work"],
        vec!["profiles", "show", "Work", "--json"],
        vec!["profiles", "rename", "Work", "Work 2"],
        vec!["profiles", "duplicate", "Work 2"],
        vec!["profiles", "duplicate", "Work 2", "--name", "Work 3"],
        vec!["check", "--profile", "Local", "--transcript"],
        vec!["check", "--profile", "Local", "--json"],
        vec!["send", "--profile", "Local", "--transcript"],
        vec!["send", "--profile", "Local", "--json"],
        vec!["profiles", "show", "Nothing"],
        vec!["export", "Nothing"],
    ] {
        let out = sb.run(&mut scan, &args, None);
        if sb.keychain && args[1] == "--profile" {
            // Signed in with the keychain's password; the server quoted it back.
            assert_eq!(out.status.code(), Some(15), "{args:?}");
        }
    }
    let mut exported = 0;
    for f in &formats {
        let out = sb.run(&mut scan, &["export", "Work 2", "--format", f], None);
        exported += usize::from(out.status.success());
        // With the password: standard output holds it by request; standard error must not.
        sb.run_with(
            &mut scan,
            &["export", "Work 2", "--format", f, "--include-password"],
            None,
            &[],
            false,
        );
    }
    if sb.keychain {
        assert!(exported >= 16, "{exported} of {formats:?}");
    }
    // Import: a file written with the password (kept outside HOME), then standard input, then
    // broken files that carry the password.
    let with_pw = sb.run_with(
        &mut scan,
        &["export", "Work 2", "--format", "json", "--include-password"],
        None,
        &[],
        false,
    );
    if sb.keychain {
        // The control: the scanner finds the password where it was asked for.
        let mut control = Scan::new(&[(USER, PW)]);
        control.bytes("export with the password", &with_pw.stdout);
        assert!(
            !control.hits.is_empty(),
            "the scanner sees a requested password"
        );
    }
    let file = sb.home.with_extension("import.json");
    std::fs::write(&file, &with_pw.stdout).unwrap();
    let f = file.to_string_lossy().into_owned();
    sb.run(&mut scan, &["import", &f], None);
    sb.run(
        &mut scan,
        &["import", "-"],
        Some(&String::from_utf8_lossy(&with_pw.stdout)),
    );
    let pw_json = serde_json::to_string(PW).unwrap();
    for bad in [
        format!(
            r#"{{"format":"portolan-profile","version":1,"password":{pw_json},"passwd":{pw_json}}}"#
        ),
        format!(r#"{{"format":"portolan-profile","version":1,"password":[{pw_json}]}}"#),
        format!(r#"{{"format":"portolan-profile","password":{pw_json} "#),
    ] {
        sb.run(&mut scan, &["import", "-"], Some(&bad));
    }
    let _ = std::fs::remove_file(&file);
    for name in [
        "Work 2",
        "Work 2 (copy)",
        "Work 3",
        "Local",
        "Work 2 (imported)",
    ] {
        sb.run(&mut scan, &["profiles", "delete", name], None);
    }
    let files = sb.scan_files(&mut scan);
    if sb.keychain {
        assert!(files >= 1, "profiles.json was written");
    }
    scan.finish(&format!(
        "cli profiles (keychain {})",
        if sb.keychain { "real" } else { "unreachable" }
    ));
}

/// The real Postfix/Dovecot over TLS and STARTTLS, with the right password (its own canary)
/// and a wrong one (ours), from both sources; a test email.
#[test]
fn real_servers_check_and_send() {
    let Some(env) = test_servers() else { return };
    let user = env["PORTOLAN_TEST_USER"].clone();
    let real = env["PORTOLAN_TEST_PASSWORD"].clone();
    let mut scan = Scan::new(&[(user.as_str(), real.as_str()), (user.as_str(), PW)]);
    let sb = Sandbox::new("real");
    let ca = env["PORTOLAN_TEST_CA_FILE"].clone();
    let host = env["PORTOLAN_TEST_HOST"].clone();
    let mut ok = 0;
    for (port_key, sec) in [
        ("PORTOLAN_TEST_SUBMISSION_PORT", "starttls"),
        ("PORTOLAN_TEST_SUBMISSIONS_PORT", "tls"),
        ("PORTOLAN_TEST_EXPIRED_PORT", "tls"),
        ("PORTOLAN_TEST_STARTTLS_WRONGNAME_PORT", "starttls"),
        ("PORTOLAN_TEST_PLAIN_AUTH_PORT", "none"),
    ] {
        let port = env[port_key].clone();
        for pw in [real.as_str(), PW] {
            for cmd in ["check", "send"] {
                let args = [
                    cmd,
                    "--host",
                    &host,
                    "--port",
                    &port,
                    "--security",
                    sec,
                    "--user",
                    &user,
                    "--ca-file",
                    &ca,
                    "--timeout",
                    "15",
                    "--transcript",
                ];
                let out = sb.run(
                    &mut scan,
                    &[&args[..], &["--password-stdin"]].concat(),
                    Some(&format!("{pw}\n")),
                );
                ok += usize::from(out.status.success());
                sb.run_with(
                    &mut scan,
                    &[&args[..], &["--json"]].concat(),
                    None,
                    &[("PORTOLAN_PASSWORD", pw)],
                    true,
                );
            }
        }
    }
    assert_eq!(ok, 4, "check and send work on both submission ports");
    sb.scan_files(&mut scan);
    scan.finish("cli real servers");
}
