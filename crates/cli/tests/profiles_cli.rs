//! `portolan profiles`, `export` and `import` against the real Secret Service (gnome-keyring in
//! the test command's private D-Bus session), each entry checked with a second, independent
//! client: libsecret's `secret-tool`. Every test uses its own config folder inside the test
//! session's throwaway HOME, and refuses to run anywhere else.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use portolan_test_support::session::test_home;
use portolan_test_support::test_servers;

/// A session bus configuration with no service directories: nothing is activated on demand.
const BUS_WITHOUT_SERVICES: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

const CANARY: &str = "Canary-p4ss\"w'o$rd`\\";

macro_rules! in_session {
    () => {
        match test_home() {
            Some(h) => h,
            None => return,
        }
    };
}

/// A config folder of its own for one test.
struct Config {
    dir: PathBuf,
}

impl Config {
    fn new(home: &Path, name: &str) -> Self {
        let dir = home.join("cli-profiles").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_env(args, stdin, &[])
    }

    fn run_env(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
        cmd.args(args)
            .env("XDG_CONFIG_HOME", &self.dir)
            .env_remove("PORTOLAN_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        {
            let mut i = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                i.write_all(s.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_canary(&out, false);
        String::from_utf8(out.stdout).unwrap()
    }

    fn profiles_json(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.ok(&["profiles", "list", "--json"], None)).unwrap()
    }

    fn id_of(&self, name: &str) -> String {
        self.profiles_json()
            .into_iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no profile {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn file(&self) -> PathBuf {
        self.dir.join("app.portolan.desktop").join("profiles.json")
    }
}

/// What `secret-tool` (libsecret, not our code) finds for a profile.
fn secret_tool_lookup(id: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "Portolan", "username", id])
        .output()
        .expect("secret-tool is installed (libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

fn assert_no_canary(out: &Output, allowed_in_stdout: bool) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("Canary-p4ss"), "canary on stderr: {err}");
    if !allowed_in_stdout {
        let so = String::from_utf8_lossy(&out.stdout);
        assert!(!so.contains("Canary-p4ss"), "canary on stdout: {so}");
    }
}

fn save_website(c: &Config) -> String {
    let out = c.ok(
        &[
            "profiles",
            "save",
            "Website",
            "--host",
            "smtp.example.com",
            "--security",
            "tls",
            "--user",
            "me@example.com",
            "--password-stdin",
        ],
        Some(&format!("{CANARY}\n")),
    );
    assert!(out.contains("Saved \"Website\""), "{out}");
    c.id_of("Website")
}

#[test]
fn save_puts_the_password_in_the_keyring_and_nowhere_else() {
    let home = in_session!();
    let c = Config::new(&home, "save");
    let id = save_website(&c);
    assert_eq!(secret_tool_lookup(&id).as_deref(), Some(CANARY));
    let file = std::fs::read_to_string(c.file()).unwrap();
    assert!(!file.contains("Canary"), "{file}");
    assert!(file.contains("\"schema_version\": 1"), "{file}");
    // Only the owner may read the file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(c.file()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "profiles.json is private: {mode:o}");
    }
    let list = c.ok(&["profiles", "list"], None);
    assert!(list.contains("Website  smtp.example.com:465"), "{list}");
    let show = c.ok(&["profiles", "show", "website"], None);
    assert!(show.contains("Password: saved in the keyring"), "{show}");
    c.ok(&["profiles", "delete", "Website"], None);
}

#[test]
fn saving_again_under_the_same_name_updates_and_keeps_the_password() {
    let home = in_session!();
    let c = Config::new(&home, "update");
    let id = save_website(&c);
    let out = c.ok(
        &[
            "profiles",
            "save",
            "Website",
            "--host",
            "mail.example.com",
            "--port",
            "587",
            "--user",
            "me@example.com",
            "--no-password",
        ],
        None,
    );
    assert!(out.contains("Updated \"Website\""), "{out}");
    assert!(out.contains("saved password kept"), "{out}");
    let all = c.profiles_json();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["id"], id.as_str());
    assert_eq!(all[0]["settings"]["host"], "mail.example.com");
    assert_eq!(secret_tool_lookup(&id).as_deref(), Some(CANARY));
    c.ok(&["profiles", "delete", &id], None);
}

#[test]
fn duplicate_copies_the_keyring_entry_and_delete_removes_it() {
    let home = in_session!();
    let c = Config::new(&home, "dup");
    let id = save_website(&c);
    c.ok(&["profiles", "duplicate", "Website"], None);
    let copy = c.id_of("Website (copy)");
    assert_ne!(copy, id);
    assert_eq!(secret_tool_lookup(&copy).as_deref(), Some(CANARY));
    let out = c.ok(&["profiles", "rename", "Website (copy)", "Shop"], None);
    assert!(out.contains("Renamed"), "{out}");
    assert_eq!(
        c.id_of("Shop"),
        copy,
        "renaming keeps the id and so the entry"
    );
    let out = c.ok(&["profiles", "delete", "Shop"], None);
    assert!(out.contains("and its password in the keyring"), "{out}");
    assert_eq!(secret_tool_lookup(&copy), None);
    assert_eq!(secret_tool_lookup(&id).as_deref(), Some(CANARY));
    c.ok(&["profiles", "delete", "Website"], None);
    assert_eq!(secret_tool_lookup(&id), None);
    assert!(c.profiles_json().is_empty());
}

#[test]
fn an_entry_written_by_another_client_is_what_export_includes() {
    let home = in_session!();
    let c = Config::new(&home, "other-client");
    let id = save_website(&c);
    // Replace the password with libsecret's own client, then read it back through Portolan.
    let mut st = Command::new("secret-tool")
        .args([
            "store",
            "--label",
            "changed by secret-tool",
            "service",
            "Portolan",
            "username",
            &id,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    st.stdin
        .take()
        .unwrap()
        .write_all(b"Canary-p4ss-from-secret-tool")
        .unwrap();
    assert!(st.wait().unwrap().success());
    let out = c.run(
        &["export", "Website", "-f", "env", "--include-password"],
        None,
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("SMTP_PASSWORD='Canary-p4ss-from-secret-tool'"),
        "{text}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("This text contains your password"), "{err}");
    c.ok(&["profiles", "delete", "Website"], None);
}

#[test]
fn export_leaves_the_password_out_of_every_format_unless_asked() {
    let home = in_session!();
    let c = Config::new(&home, "export");
    save_website(&c);
    let list = c.ok(&["export", "--list"], None);
    let formats: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(formats.len(), 17, "{list}");
    for f in &formats {
        let out = c.run(&["export", "Website", "--format", f], None);
        assert!(out.status.success(), "{f}: {out:?}");
        assert_no_canary(&out, false);
        let with = c.run(
            &["export", "Website", "--format", f, "--include-password"],
            None,
        );
        assert!(with.status.success(), "{f}: {with:?}");
        assert_no_canary(&with, true);
    }
    c.ok(&["profiles", "delete", "Website"], None);
}

#[test]
fn export_then_import_gives_the_same_profile() {
    let home = in_session!();
    let c = Config::new(&home, "roundtrip");
    let id = save_website(&c);
    let json = c.ok(&["export", "Website", "-f", "json"], None);
    let path = c.dir.join("website.json");
    std::fs::write(&path, &json).unwrap();
    let out = c.ok(&["import", path.to_str().unwrap()], None);
    assert!(out.contains("Imported \"Website (imported)\""), "{out}");
    let all = c.profiles_json();
    let (a, b) = (&all[0], &all[1]);
    assert_eq!(a["settings"], b["settings"]);
    assert_eq!(b["password_saved"], false, "the export had no password");
    // With the password, from standard input: the entry is recreated for the new profile.
    let json = c.run(
        &["export", "Website", "-f", "json", "--include-password"],
        None,
    );
    let out = c.ok(
        &["import", "-"],
        Some(std::str::from_utf8(&json.stdout).unwrap()),
    );
    assert!(out.contains("password in the keyring"), "{out}");
    let new_id = c.id_of("Website (imported 2)");
    assert_eq!(secret_tool_lookup(&new_id).as_deref(), Some(CANARY));
    for p in c.profiles_json() {
        c.ok(&["profiles", "delete", p["id"].as_str().unwrap()], None);
    }
    assert_eq!(secret_tool_lookup(&id), None);
    assert_eq!(secret_tool_lookup(&new_id), None);
}

#[test]
fn bad_imports_say_which_field_is_wrong_and_change_nothing() {
    let home = in_session!();
    let c = Config::new(&home, "bad-import");
    for (text, needle) in [
        ("not json", "not"),
        (
            r#"{"format":"portolan-profile","version":1,"name":"X","settings":{"host":"a b","port":587,"security":"starttls","username":null,"from":"x@example.com","allow_plaintext_auth":false,"cert_exception":null}}"#,
            "server",
        ),
        (
            r#"{"format":"portolan-profile","version":9,"name":"X","settings":{}}"#,
            "version",
        ),
    ] {
        let out = c.run(&["import", "-"], Some(text));
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(err.contains(needle), "{text}: {err}");
    }
    assert!(c.profiles_json().is_empty());
}

#[test]
fn without_a_keyring_service_save_says_what_to_do_and_writes_nothing() {
    let home = in_session!();
    let c = Config::new(&home, "no-keyring");
    let out = c.run_env(
        &[
            "profiles",
            "save",
            "Website",
            "--host",
            "smtp.example.com",
            "--user",
            "me@example.com",
            "--password-stdin",
        ],
        Some("Canary-p4ss\n"),
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            &format!("unix:path={}/no-such-bus", home.display()),
        )],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("No keyring service is running: install or start GNOME Keyring or KWallet"),
        "{err}"
    );
    assert_no_canary(&out, false);
    assert!(!c.file().exists(), "nothing saved without the password");
}

#[test]
fn a_session_bus_without_a_keyring_gets_the_same_sentence() {
    let home = in_session!();
    let c = Config::new(&home, "bus-without-keyring");
    // A fresh D-Bus session of its own, where no Secret Service runs and none can be started
    // on demand (no service directories), as on a server or a minimal desktop.
    let conf = c.dir.join("bus.conf");
    std::fs::write(&conf, BUS_WITHOUT_SERVICES).unwrap();
    let out = Command::new("dbus-run-session")
        .arg(format!("--config-file={}", conf.display()))
        .args(["--", env!("CARGO_BIN_EXE_portolan")])
        .args(["profiles", "save", "Website", "--host", "smtp.example.com"])
        .args(["--user", "me@example.com"])
        .env("XDG_CONFIG_HOME", &c.dir)
        .env("PORTOLAN_PASSWORD", "Canary-p4ss")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("No keyring service is running"), "{err}");
    assert_no_canary(&out, false);
    assert!(!c.file().exists());
}

#[test]
fn names_and_settings_are_checked_before_anything_is_saved() {
    let home = in_session!();
    let c = Config::new(&home, "bad-input");
    for args in [
        vec!["profiles", "save", "", "--host", "smtp.example.com"],
        vec![
            "profiles",
            "save",
            "Line\nbreak",
            "--host",
            "smtp.example.com",
        ],
        vec!["profiles", "save", "Bad host", "--host", "smtp example.com"],
        vec![
            "profiles",
            "save",
            "Bad from",
            "--host",
            "smtp.example.com",
            "--from",
            "nope",
        ],
    ] {
        let out = c.run(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    }
    let out = c.run(&["profiles", "show", "Nobody"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no saved profile called \"Nobody\""));
    assert!(!c.file().exists());
}

#[test]
fn check_and_send_with_a_saved_profile_use_its_keyring_password() {
    let home = in_session!();
    let Some(env) = test_servers() else { return };
    let c = Config::new(&home, "real-server");
    let real_pw = env["PORTOLAN_TEST_PASSWORD"].clone();
    c.ok(
        &[
            "profiles",
            "save",
            "Real",
            "--host",
            &env["PORTOLAN_TEST_HOST"],
            "--port",
            &env["PORTOLAN_TEST_SUBMISSIONS_PORT"],
            "--security",
            "tls",
            "--user",
            &env["PORTOLAN_TEST_USER"],
            "--password-stdin",
        ],
        Some(&format!("{real_pw}\n")),
    );
    let ca = env["PORTOLAN_TEST_CA_FILE"].as_str();
    let out = c.run(
        &["check", "--profile", "Real", "--ca-file", ca, "--json"],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["verdict"]["code"], "ok",
        "signed in with the saved password"
    );
    assert!(!stdout.contains(&real_pw));

    let maildir = PathBuf::from(&env["PORTOLAN_TEST_MAILDIR"]).join("new");
    let before = std::fs::read_dir(&maildir).map(|d| d.count()).unwrap_or(0);
    let out = c.run(&["send", "--profile", "Real", "--ca-file", ca], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&real_pw));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_dir(&maildir).map(|d| d.count()).unwrap_or(0) <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "the test email arrived"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // --profile and --host do not mix.
    let out = c.run(&["check", "--profile", "Real", "--host", "x.example"], None);
    assert_eq!(out.status.code(), Some(2));
    c.ok(&["profiles", "delete", "Real"], None);
}

#[test]
fn an_entry_removed_by_another_program_is_not_saved_any_more_and_asked_for() {
    let home = in_session!();
    let c = Config::new(&home, "removed-entry");
    let id = save_website(&c);
    let ok = Command::new("secret-tool")
        .args(["clear", "service", "Portolan", "username", &id])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let list = c.ok(&["profiles", "list"], None);
    assert!(list.contains("password not saved any more"), "{list}");
    let show = c.ok(&["profiles", "show", "Website"], None);
    assert!(show.contains("Password: not saved any more"), "{show}");
    // Without a terminal to ask on, check stops with the sentence before connecting.
    let out = c.run(&["check", "--profile", "Website"], None);
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("The password of \"Website\" is not saved any more"),
        "{err}"
    );
    assert!(!err.contains("sign"), "no sign-in was tried: {err}");
    // Given on standard input, it is used.
    let out = c.run(
        &["export", "Website", "-f", "env", "--include-password"],
        None,
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not saved any more"));
    c.ok(&["profiles", "delete", "Website"], None);
}

#[test]
fn without_a_keyring_nothing_falls_back_to_a_file() {
    let home = in_session!();
    let c = Config::new(&home, "no-fallback");
    let out = c.run_env(
        &[
            "profiles",
            "save",
            "Website",
            "--host",
            "smtp.example.com",
            "--user",
            "me@example.com",
            "--password-stdin",
        ],
        Some(&format!("{CANARY}\n")),
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            &format!("unix:path={}/no-such-bus", home.display()),
        )],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("never in a file"));
    // No file anywhere in the config folder holds the password.
    fn scan(dir: &Path) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                scan(&p);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                assert!(
                    !text.contains("Canary-p4ss"),
                    "{} holds the password",
                    p.display()
                );
            }
        }
    }
    scan(&c.dir);
}
