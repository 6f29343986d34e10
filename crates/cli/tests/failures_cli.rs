//! One failure path for every command: with `--json` each subcommand's failure is
//! `{"error": {code, message, hint}}` on stdout, and the same error code gives the same exit
//! status whichever command met it (the table of `portolan --help`). No test here needs a
//! keyring: the keyring cases use a session bus address where no Secret Service answers, the
//! file cases a folder standing where the profiles file should be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use portolan_core::error::ErrorCode;

/// A folder of its own for one test, as XDG_CONFIG_HOME.
struct Config {
    dir: PathBuf,
}

impl Config {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "portolan-failures-cli-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    /// A profiles file with one profile, "Saved", that signs in with a password in the keyring.
    fn with_saved_profile(self) -> Self {
        let folder = self.dir.join("app.portolan.desktop");
        std::fs::create_dir_all(&folder).unwrap();
        let file = serde_json::json!({
            "schema_version": 1,
            "profiles": [{
                "id": "00000000-0000-4000-8000-000000000001",
                "name": "Saved",
                "settings": {
                    "host": "127.0.0.1",
                    "port": 1,
                    "security": "tls",
                    "username": "me@example.com",
                    "from": "me@example.com",
                    "allow_plaintext_auth": false,
                    "cert_exception": null
                },
                "password_saved": true,
                "created": "2026-01-01T00:00:00Z",
                "updated": "2026-01-01T00:00:00Z"
            }]
        });
        std::fs::write(folder.join("profiles.json"), file.to_string()).unwrap();
        self
    }

    /// A profiles file that can be neither read nor replaced: a folder stands in its place.
    fn unusable(name: &str) -> Self {
        let c = Self::new(name);
        std::fs::create_dir_all(c.profiles_file().join("in-the-way")).unwrap();
        c
    }

    fn profiles_file(&self) -> PathBuf {
        self.dir.join("app.portolan.desktop").join("profiles.json")
    }

    fn run(&self, args: &[&str], stdin: &str, no_keyring: bool) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
        cmd.args(args)
            .env("XDG_CONFIG_HOME", &self.dir)
            .env_remove("PORTOLAN_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if no_keyring {
            cmd.env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}/no-such-bus", self.dir.display()),
            );
        }
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            let mut i = child.stdin.take().unwrap();
            let _ = i.write_all(stdin.as_bytes());
        }
        child.wait_with_output().unwrap()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
}

/// The failure a command printed with `--json`: its code, and the exit status.
#[derive(Debug)]
struct Failure {
    code: String,
    status: i32,
}

/// Parses stdout as `{"error": {code, message, hint}}`, checking each part is there.
fn failure(what: &str, out: &Output) -> Result<Failure, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let v: serde_json::Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("{what}: stdout is not JSON ({e}): {stdout:?} / {stderr:?}"))?;
    let e = &v["error"];
    let code = e["code"]
        .as_str()
        .ok_or_else(|| format!("{what}: no error.code in {v}"))?;
    serde_json::from_value::<ErrorCode>(e["code"].clone())
        .map_err(|_| format!("{what}: {code:?} is not an ErrorCode"))?;
    for part in ["message", "hint"] {
        if e[part].as_str().is_none_or(|s| s.trim().is_empty()) {
            return Err(format!("{what}: empty error.{part} in {v}"));
        }
    }
    if stderr.contains('✗') {
        return Err(format!(
            "{what}: the failure was also printed in words: {stderr}"
        ));
    }
    Ok(Failure {
        code: code.to_owned(),
        status: out.status.code().unwrap_or(-1),
    })
}

/// The subcommands `--help` lists (`help` aside), e.g. `check`, or `profiles show`.
fn subcommands(prefix: &[&str]) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(prefix)
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.split("Commands:\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(|n| {
            let mut full: Vec<&str> = prefix.to_vec();
            full.push(n);
            full.join(" ")
        })
        .collect()
}

/// The status each code must give, from the table `portolan --help` prints.
fn documented_status(code: &str) -> i32 {
    match code {
        c if c.starts_with("keychain_") => 3,
        "profiles_io" | "profiles_no_config_dir" => 4,
        "trust_store_unavailable" | "clipboard_failed" => 5,
        "internal" | "catalogue_damaged" => 70,
        _ => 2,
    }
}

#[test]
fn every_command_prints_its_failure_as_json_with_the_tables_status() {
    let c = Config::new("json").with_saved_profile();
    let bad = c.write("bad.json", "{\"format\": \"something else\"}");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("ports", vec!["ports", "--no-such-option"]),
        ("discover", vec!["discover", "not an address", "--offline"]),
        ("check", vec!["check", "--host", "smtp example.com"]),
        ("probe", vec!["probe", "smtp example.com"]),
        ("send", vec!["send", "--host", "127.0.0.1", "--port", "1"]),
        ("services", vec!["services", "no-such-service"]),
        (
            "profiles list",
            vec!["profiles", "list", "--no-such-option"],
        ),
        ("profiles show", vec!["profiles", "show", "Nobody"]),
        (
            "profiles save",
            vec!["profiles", "save", " ", "--host", "smtp.example.com"],
        ),
        ("profiles rename", vec!["profiles", "rename", "Nobody", "X"]),
        (
            "profiles duplicate",
            vec!["profiles", "duplicate", "Nobody"],
        ),
        ("profiles delete", vec!["profiles", "delete", "Nobody"]),
        ("export", vec!["export", "Nobody", "--format", "env"]),
        ("import", vec!["import", &bad]),
        (
            "delivery",
            vec![
                "delivery",
                "--from",
                "not an address",
                "--host",
                "127.0.0.1",
            ],
        ),
    ];
    let mut walked: BTreeSet<String> = BTreeSet::new();
    let mut failures = Vec::new();
    for (name, args) in &cases {
        walked.insert((*name).to_owned());
        // --json at the end, and right after the subcommand: both are the global flag.
        for at_end in [true, false] {
            let mut a = args.clone();
            if at_end {
                a.push("--json");
            } else {
                a.insert(1, "--json");
            }
            let out = c.run(&a, "", true);
            match failure(&format!("{a:?}"), &out) {
                Ok(f) if f.status != documented_status(&f.code) || f.status == 0 => {
                    failures.push(format!(
                        "{a:?}: {} exits {}, the table says {}",
                        f.code,
                        f.status,
                        documented_status(&f.code)
                    ))
                }
                Ok(_) => {}
                Err(e) => failures.push(e),
            }
        }
    }
    let mut listed: BTreeSet<String> = subcommands(&[]).into_iter().collect();
    listed.remove("profiles");
    listed.extend(subcommands(&["profiles"]));
    let missing: Vec<_> = listed.difference(&walked).collect();
    assert!(
        missing.is_empty(),
        "subcommands without a case: {missing:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_refused_command_line_is_json_too_and_exits_2() {
    let c = Config::new("usage");
    for args in [
        vec!["check", "--json", "--port", "0", "--host", "x.example"],
        vec!["probe", "127.0.0.1", "--port", "587:ssl2", "--json"],
        vec!["--json", "export", "X", "--format", "nope"],
        vec![
            "check",
            "--host",
            "x.example",
            "--password",
            "Canary-x",
            "--json",
        ],
    ] {
        let out = c.run(&args, "", true);
        let f = failure(&format!("{args:?}"), &out).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.code, "invalid_option", "{args:?}");
        assert_eq!(f.status, 2, "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("Canary"));
    }
    // Without --json, clap's own words on stderr, the same status.
    let out = c.run(&["check", "--port", "0", "--host", "x.example"], "", true);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
}

/// Runs each command line and returns the (code, status) pairs seen, by code.
fn outcomes(c: &Config, cases: &[(Vec<&str>, &str)]) -> BTreeMap<String, BTreeSet<i32>> {
    let mut seen: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
    for (args, stdin) in cases {
        let mut a = args.clone();
        a.push("--json");
        let out = c.run(&a, stdin, true);
        let f = failure(&format!("{a:?}"), &out).unwrap_or_else(|e| panic!("{e}"));
        seen.entry(f.code).or_default().insert(f.status);
    }
    seen
}

#[test]
fn a_keyring_that_cannot_be_used_exits_3_from_every_command() {
    let c = Config::new("keyring").with_saved_profile();
    let with_password = c.write(
        "with-password.json",
        &serde_json::json!({
            "format": "portolan-profile",
            "version": 1,
            "name": "Imported",
            "settings": {
                "host": "smtp.example.com",
                "port": 465,
                "security": "tls",
                "username": "me@example.com",
                "from": "me@example.com",
                "allow_plaintext_auth": false,
                "cert_exception": null
            },
            "password": "Canary-p4ss"
        })
        .to_string(),
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["check", "--profile", "Saved"], ""),
        (vec!["send", "--profile", "Saved"], ""),
        (
            vec!["export", "Saved", "--format", "env", "--include-password"],
            "",
        ),
        (vec!["profiles", "duplicate", "Saved"], ""),
        (vec!["profiles", "delete", "Saved"], ""),
        (
            vec![
                "profiles",
                "save",
                "New",
                "--host",
                "smtp.example.com",
                "--user",
                "me@example.com",
                "--password-stdin",
            ],
            "Canary-p4ss\n",
        ),
        (vec!["import", &with_password], ""),
    ];
    let seen = outcomes(&c, &cases);
    let want: BTreeMap<String, BTreeSet<i32>> =
        [("keychain_unavailable".to_owned(), BTreeSet::from([3]))].into();
    assert_eq!(seen, want);
    // Nothing was changed: the one saved profile is still the only one.
    let out = c.run(&["profiles", "list", "--json"], "", true);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
}

#[test]
fn a_missing_profile_exits_2_from_every_command() {
    let c = Config::new("missing").with_saved_profile();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["check", "--profile", "Nobody"], ""),
        (vec!["send", "--profile", "Nobody"], ""),
        (vec!["export", "Nobody"], ""),
        (vec!["profiles", "show", "Nobody"], ""),
        (vec!["profiles", "rename", "Nobody", "Other"], ""),
        (vec!["profiles", "duplicate", "Nobody"], ""),
        (vec!["profiles", "delete", "Nobody"], ""),
    ];
    let want: BTreeMap<String, BTreeSet<i32>> =
        [("profile_not_found".to_owned(), BTreeSet::from([2]))].into();
    assert_eq!(outcomes(&c, &cases), want);
}

#[test]
fn an_unusable_profiles_folder_exits_4_from_every_command() {
    let c = Config::unusable("folder");
    let good = Config::new("folder-import");
    let file = good.write(
        "plain.json",
        &serde_json::json!({
            "format": "portolan-profile",
            "version": 1,
            "name": "Imported",
            "settings": {
                "host": "smtp.example.com",
                "port": 465,
                "security": "tls",
                "username": null,
                "from": "me@example.com",
                "allow_plaintext_auth": false,
                "cert_exception": null
            }
        })
        .to_string(),
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["check", "--profile", "Saved"], ""),
        (vec!["send", "--profile", "Saved"], ""),
        (vec!["export", "Saved"], ""),
        (vec!["import", &file], ""),
        (vec!["profiles", "list"], ""),
        (vec!["profiles", "show", "Saved"], ""),
        (
            vec![
                "profiles",
                "save",
                "New",
                "--host",
                "smtp.example.com",
                "--from",
                "me@example.com",
                "--no-password",
            ],
            "",
        ),
        (vec!["profiles", "rename", "Saved", "Other"], ""),
        (vec!["profiles", "duplicate", "Saved"], ""),
        (vec!["profiles", "delete", "Saved"], ""),
    ];
    let want: BTreeMap<String, BTreeSet<i32>> =
        [("profiles_io".to_owned(), BTreeSet::from([4]))].into();
    assert_eq!(outcomes(&c, &cases), want);
    assert!(
        c.profiles_file().join("in-the-way").is_dir(),
        "nothing was replaced"
    );
}

#[test]
fn a_bad_ca_file_or_timeout_exits_2_from_every_command_that_takes_one() {
    let c = Config::new("ca");
    let not_pem = c.write("not-a-ca.pem", "not a certificate\n");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["check", "--host", "127.0.0.1", "--ca-file", &not_pem],
            "",
        ),
        (
            vec![
                "send",
                "--host",
                "127.0.0.1",
                "--from",
                "a@example.com",
                "--ca-file",
                &not_pem,
            ],
            "",
        ),
        (vec!["probe", "127.0.0.1", "--ca-file", &not_pem], ""),
        (
            vec![
                "discover",
                "me@example.com",
                "--offline",
                "--ca-file",
                &not_pem,
            ],
            "",
        ),
        (vec!["check", "--host", "127.0.0.1", "--timeout", "0"], ""),
        (
            vec![
                "send",
                "--host",
                "127.0.0.1",
                "--from",
                "a@example.com",
                "--timeout",
                "0",
            ],
            "",
        ),
        (vec!["probe", "127.0.0.1", "--timeout", "0"], ""),
    ];
    let want: BTreeMap<String, BTreeSet<i32>> = [
        ("ca_file_invalid".to_owned(), BTreeSet::from([2])),
        ("invalid_timeout".to_owned(), BTreeSet::from([2])),
    ]
    .into();
    assert_eq!(outcomes(&c, &cases), want);
}

#[test]
fn help_prints_the_one_table_for_every_command() {
    let top = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .arg("--help")
        .output()
        .unwrap();
    let table = String::from_utf8(top.stdout).unwrap();
    let table = table
        .split("Exit codes")
        .nth(1)
        .expect("portolan --help prints the exit codes")
        .to_owned();
    let mut subs = subcommands(&[]);
    subs.extend(subcommands(&["profiles"]));
    for sub in subs {
        let mut args: Vec<&str> = sub.split(' ').collect();
        args.push("--help");
        let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(&args)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(&table), "{sub}: {text}");
    }
    for line in [
        "   3  the keyring could not be used",
        "  15  sign-in failed",
    ] {
        assert!(table.contains(line), "{table}");
    }
}
