//! The keychain under real faults, against the real Secret Service: gnome-keyring in the test
//! command's private D-Bus session (scripts/in-test-session.sh). The collection locked by the
//! test, the daemon killed while a call is in flight, an entry removed by another program, and
//! an entry another program wrote under Portolan's service name. Every entry is read back with
//! a second, independent client (libsecret's `secret-tool`), and the profiles file is compared
//! byte for byte.
//!
//! The tests lock, kill and restart the one keyring of the session, so they run one at a time
//! and always leave it running and unlocked. gnome-keyring's unlock prompt (gcr-prompter) is
//! started by D-Bus without a display here, so it fails at once, as a dismissed prompt would;
//! a person typing into that prompt is not driven (the mock store covers that branch).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portolan_core::error::{ErrorCode, UserError};
use portolan_core::ports::Security;
use portolan_core::profiles::{self, ProfileStore, SaveRequest, FILE_NAME};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;

const CANARY: &str = "Canary-real-keyring-p4ss";
const LOGIN: &str = "/org/freedesktop/secrets/collection/login";

/// One test at a time: they lock, kill and restart the session's keyring.
static SERIAL: Mutex<()> = Mutex::new(());

/// The test session's HOME, or `None` outside it (then the test is skipped, so a plain
/// `cargo test` never touches the user's own keyring).
fn test_home() -> Option<PathBuf> {
    let Some(home) = std::env::var_os("PORTOLAN_TEST_HOME") else {
        assert!(
            std::env::var("PORTOLAN_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "make test runs the keychain tests inside scripts/in-test-session.sh"
        );
        return None;
    };
    let home = PathBuf::from(home);
    assert_eq!(
        std::env::var_os("HOME").map(PathBuf::from),
        Some(home.clone()),
        "HOME must be the test session's throwaway home"
    );
    assert!(std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some());
    Some(home)
}

/// The session's keyring, held for one test: unlocked and running again when dropped, even
/// when the test failed.
struct Session {
    home: PathBuf,
    _serial: MutexGuard<'static, ()>,
}

impl Session {
    fn start() -> Option<Self> {
        let home = test_home()?;
        let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        // The unlock prompt must never reach a display (it would wait for a person).
        gdbus_bus(
            "org.freedesktop.DBus.UpdateActivationEnvironment",
            &["{'DISPLAY': '', 'WAYLAND_DISPLAY': ''}"],
        );
        let s = Self {
            home,
            _serial: serial,
        };
        s.ensure_running_unlocked();
        Some(s)
    }

    /// A config folder of its own for one test.
    fn folder(&self, name: &str) -> PathBuf {
        let dir = self.home.join("keychain-real").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn ensure_running_unlocked(&self) {
        if collection_locked() != Some(false) {
            restart_keyring();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| {
            if collection_locked() != Some(false) {
                restart_keyring();
            }
        });
    }
}

macro_rules! session {
    () => {
        match Session::start() {
            Some(s) => s,
            None => {
                eprintln!("skipped: run inside scripts/in-test-session.sh (make test does)");
                return;
            }
        }
    };
}

fn gdbus(dest: &str, path: &str, method: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("gdbus")
        .args(["call", "--session", "--dest", dest, "--object-path", path])
        .args(["--method", method])
        .args(args)
        .output()
        .expect("gdbus is installed (libglib2.0-bin)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn gdbus_bus(method: &str, args: &[&str]) -> Option<String> {
    gdbus(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        method,
        args,
    )
}

/// The process that owns the Secret Service name, asked of the bus itself (asking the name
/// would start a new keyring on demand).
fn keyring_pid() -> Option<u32> {
    gdbus_bus(
        "org.freedesktop.DBus.GetNameOwner",
        &["org.freedesktop.secrets"],
    )?;
    let out = gdbus_bus(
        "org.freedesktop.DBus.GetConnectionUnixProcessID",
        &["org.freedesktop.secrets"],
    )?;
    // "(uint32 1234,)"
    out.trim()
        .trim_start_matches("(uint32 ")
        .trim_end_matches(",)")
        .parse()
        .ok()
}

/// Whether the login collection is locked; `None` when the keyring does not answer. Asking
/// starts the keyring's bus service on demand, as any client does (gnome-keyring claims the
/// name when first asked).
fn collection_locked() -> Option<bool> {
    let out = gdbus(
        "org.freedesktop.secrets",
        LOGIN,
        "org.freedesktop.DBus.Properties.Get",
        &["org.freedesktop.Secret.Collection", "Locked"],
    )?;
    Some(out.contains("true"))
}

/// Locks the login collection with the Secret Service's own `Lock` call.
fn lock_collection() {
    gdbus(
        "org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        &[&format!("['{LOGIN}']")],
    )
    .expect("the Secret Service locks the collection");
    assert_eq!(collection_locked(), Some(true), "the collection is locked");
}

/// Starts the keyring again (replacing a running one), unlocked with the session's password,
/// as logging in does; waits until it answers.
fn restart_keyring() {
    let password =
        std::env::var("PORTOLAN_TEST_KEYRING_PASSWORD").unwrap_or_else(|_| "portolan-test".into());
    let mut child = Command::new("gnome-keyring-daemon")
        .args(["--replace", "--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while collection_locked() != Some(false) {
        assert!(Instant::now() < deadline, "the keyring came back unlocked");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} {pid}");
}

/// What libsecret's own client finds for a profile.
fn lookup(user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "Portolan", "username", user])
        .output()
        .expect("secret-tool is installed (libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

fn store_with_secret_tool(user: &str, secret: &str) {
    let mut st = Command::new("secret-tool")
        .args(["store", "--label", "another program", "service", "Portolan"])
        .args(["username", user])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    st.stdin
        .take()
        .unwrap()
        .write_all(secret.as_bytes())
        .unwrap();
    assert!(st.wait().unwrap().success());
}

fn clear_with_secret_tool(user: &str) {
    let ok = Command::new("secret-tool")
        .args(["clear", "service", "Portolan", "username", user])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// How many Portolan entries the keyring holds, by libsecret's search.
fn portolan_entries() -> usize {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", "Portolan"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    text.lines()
        .filter(|l| l.starts_with("attribute.username = "))
        .count()
}

fn settings() -> SmtpSettings {
    SmtpSettings {
        host: "smtp.example.com".into(),
        port: 465,
        security: Security::Tls,
        username: Some("me@example.com".into()),
        from: "me@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

fn req(id: Option<&str>, name: &str, password: Option<&str>) -> SaveRequest {
    SaveRequest {
        id: id.map(str::to_owned),
        name: name.into(),
        settings: settings(),
        password: password.map(|p| Sensitive::new(p.to_owned())),
        provider_id: None,
    }
}

fn file_bytes(dir: &Path) -> Option<Vec<u8>> {
    std::fs::read(dir.join(FILE_NAME)).ok()
}

/// No file in `dir` holds the password, and no temporary file is left.
fn assert_clean_folder(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temporary file left: {name}");
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Canary"),
            "{name} holds a password"
        );
    }
}

#[test]
fn a_locked_keyring_refuses_save_check_and_delete_and_changes_nothing() {
    let s = session!();
    let dir = s.folder("locked");
    let store = ProfileStore::new(&dir);
    let k = Keychain::platform();
    let saved = profiles::save_profile(&store, &k, req(None, "Website", Some(CANARY))).unwrap();
    let before = file_bytes(&dir).unwrap();
    let entries = portolan_entries();

    lock_collection();
    let locked_sentence = |e: &UserError, what: &str| {
        assert_eq!(e.code, ErrorCode::KeychainLocked, "{what}: {e:?}");
        assert!(
            e.message.contains("Your keyring is locked") && e.message.contains("Unlock it"),
            "{what}: {}",
            e.message
        );
        assert!(!e.hint.is_empty());
        assert!(!format!("{e:?}").contains("Canary"), "{what}: {e:?}");
    };

    // Save a new profile with a password: refused, nothing written.
    let e = UserError::from(
        profiles::save_profile(&store, &k, req(None, "Shop", Some("Canary-new"))).unwrap_err(),
    );
    locked_sentence(&e, "new profile");
    assert!(
        e.message.contains("\"Shop\" was not saved"),
        "{}",
        e.message
    );
    // Update the saved one with a new password: refused, nothing written.
    let e = profiles::save_profile(
        &store,
        &k,
        req(Some(&saved.id), "Website", Some("Canary-changed")),
    )
    .map_err(UserError::from)
    .unwrap_err();
    locked_sentence(&e, "update");
    // Check with the saved profile: its password cannot be read.
    let e = UserError::from(profiles::profile_password(&k, &saved).unwrap_err());
    locked_sentence(&e, "check");
    assert!(e
        .message
        .contains("could not read the saved password of \"Website\""));
    // Delete: the profile stays with its entry.
    let e = UserError::from(profiles::delete_profile(&store, &k, &saved.id).unwrap_err());
    locked_sentence(&e, "delete");
    assert!(
        e.message.contains("\"Website\" was not deleted"),
        "{}",
        e.message
    );
    // The list does not mark a password missing because it cannot look.
    let list = profiles::list_profiles(&store, &k).unwrap();
    assert!(list.password_missing.is_empty(), "{list:?}");
    assert_eq!(
        file_bytes(&dir).unwrap(),
        before,
        "the profiles file is unchanged"
    );
    assert_clean_folder(&dir);

    // Unlocked again: the profile and its entry agree, and nothing else was added.
    restart_keyring();
    assert_eq!(lookup(&saved.id).as_deref(), Some(CANARY));
    assert_eq!(portolan_entries(), entries, "no entry was half-written");
    assert_eq!(store.list().unwrap().profiles, vec![saved.clone()]);
    // And the same process works again without a restart of its own.
    assert_eq!(
        profiles::profile_password(&k, &saved)
            .unwrap()
            .unwrap()
            .expose(),
        CANARY
    );
    profiles::delete_profile(&store, &k, &saved.id).unwrap();
    assert_eq!(lookup(&saved.id), None);
}

/// Runs `f` on another thread while the keyring is stopped (SIGSTOP), so the call is in
/// flight on the bus, then kills the keyring (SIGKILL) and returns what `f` returned.
fn with_keyring_killed_mid_call<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let pid = keyring_pid().expect("the keyring runs");
    signal(pid, "-STOP");
    let call = std::thread::spawn(f);
    // Long enough for the call to reach the bus and wait for the stopped keyring.
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        !call.is_finished(),
        "the call waits for the stopped keyring"
    );
    signal(pid, "-KILL");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !call.is_finished() {
        assert!(Instant::now() < deadline, "the call ended after the kill");
        std::thread::sleep(Duration::from_millis(50));
    }
    call.join().unwrap()
}

#[test]
fn the_keyring_killed_in_the_middle_of_a_save_leaves_nothing_half_written() {
    let s = session!();
    let dir = s.folder("killed-save");
    let k = Keychain::platform();
    // Connected and in use before the keyring goes away, as in a running app.
    k.check_available().unwrap();
    let warm = ProfileStore::new(&dir);
    let first = profiles::save_profile(&warm, &k, req(None, "First", Some(CANARY))).unwrap();
    let before = file_bytes(&dir).unwrap();
    let entries = portolan_entries();

    let (d, kc) = (dir.clone(), k.clone());
    let out = with_keyring_killed_mid_call(move || {
        profiles::save_profile(
            &ProfileStore::new(&d),
            &kc,
            req(None, "Second", Some("Canary-second")),
        )
    });
    let e = UserError::from(out.unwrap_err());
    assert!(
        e.code == ErrorCode::KeychainInterrupted || e.code == ErrorCode::KeychainUnavailable,
        "{e:?}"
    );
    assert!(
        e.message.contains("\"Second\" was not saved"),
        "{}",
        e.message
    );
    assert!(!format!("{e:?}").contains("Canary"));
    assert_eq!(file_bytes(&dir).unwrap(), before, "the file is unchanged");

    // The next start finds one profile and one entry, in step.
    restart_keyring();
    let store = ProfileStore::new(&dir);
    let list = profiles::list_profiles(&store, &k).unwrap();
    assert_eq!(list.profiles, vec![first.clone()]);
    assert!(list.password_missing.is_empty());
    assert_eq!(lookup(&first.id).as_deref(), Some(CANARY));
    assert_eq!(portolan_entries(), entries, "no entry without a profile");
    assert_clean_folder(&dir);

    // The same process saves again once the keyring is back (it reconnects).
    let second =
        profiles::save_profile(&store, &k, req(None, "Second", Some("Canary-second"))).unwrap();
    assert_eq!(lookup(&second.id).as_deref(), Some("Canary-second"));
    for p in [first, second] {
        profiles::delete_profile(&store, &k, &p.id).unwrap();
        assert_eq!(lookup(&p.id), None);
    }
}

#[test]
fn the_keyring_killed_in_the_middle_of_a_delete_keeps_profile_and_entry() {
    let s = session!();
    let dir = s.folder("killed-delete");
    let store = ProfileStore::new(&dir);
    let k = Keychain::platform();
    let saved = profiles::save_profile(&store, &k, req(None, "Website", Some(CANARY))).unwrap();
    let before = file_bytes(&dir).unwrap();

    let (d, kc, id) = (dir.clone(), k.clone(), saved.id.clone());
    let out = with_keyring_killed_mid_call(move || {
        profiles::delete_profile(&ProfileStore::new(&d), &kc, &id)
    });
    let e = UserError::from(out.unwrap_err());
    assert!(
        e.code == ErrorCode::KeychainInterrupted || e.code == ErrorCode::KeychainUnavailable,
        "{e:?}"
    );
    assert!(
        e.message.contains("\"Website\" was not deleted"),
        "{}",
        e.message
    );
    assert_eq!(file_bytes(&dir).unwrap(), before, "the profile is kept");

    restart_keyring();
    // The next start: the profile and its entry are both there, in step.
    let list = profiles::list_profiles(&ProfileStore::new(&dir), &k).unwrap();
    assert_eq!(list.profiles, vec![saved.clone()]);
    assert!(list.password_missing.is_empty(), "{list:?}");
    assert_eq!(lookup(&saved.id).as_deref(), Some(CANARY));
    // Deleting again finishes the job.
    let done = profiles::delete_profile(&store, &k, &saved.id).unwrap();
    assert!(done.password_removed);
    assert_eq!(lookup(&saved.id), None);
    assert!(store.list().unwrap().profiles.is_empty());
}

#[test]
fn an_entry_removed_by_another_program_is_reported_as_not_saved_any_more() {
    let s = session!();
    let dir = s.folder("removed");
    let store = ProfileStore::new(&dir);
    let k = Keychain::platform();
    let saved = profiles::save_profile(&store, &k, req(None, "Website", Some(CANARY))).unwrap();
    clear_with_secret_tool(&saved.id);
    assert_eq!(lookup(&saved.id), None);

    let list = profiles::list_profiles(&store, &k).unwrap();
    assert_eq!(list.password_missing, vec![saved.id.clone()]);
    assert!(!k.has_password(&saved.id).unwrap());
    // Checking with the profile asks for the password instead of signing in without one.
    let e = UserError::from(profiles::profile_password(&k, &saved).unwrap_err());
    assert_eq!(
        e.code,
        portolan_core::error::ErrorCode::KeychainPasswordMissing
    );
    assert!(
        e.message
            .contains("The password of \"Website\" is not saved any more"),
        "{}",
        e.message
    );
    assert!(e.hint.contains("Type the password"), "{}", e.hint);
    // Exporting with the password says the same.
    // Saving it again puts it back; the list no longer marks it.
    profiles::save_profile(
        &store,
        &k,
        req(Some(&saved.id), "Website", Some("Canary-again")),
    )
    .unwrap();
    assert_eq!(lookup(&saved.id).as_deref(), Some("Canary-again"));
    assert!(profiles::list_profiles(&store, &k)
        .unwrap()
        .password_missing
        .is_empty());
    // Deleting a profile whose entry is gone works and says no password was removed.
    clear_with_secret_tool(&saved.id);
    let done = profiles::delete_profile(&store, &k, &saved.id).unwrap();
    assert!(!done.password_removed);
}

/// The method calls and replies on the session bus while `f` runs, as `dbus-monitor` prints
/// them.
fn monitored<T>(f: impl FnOnce() -> T) -> (T, String) {
    let log = std::env::temp_dir().join(format!("portolan-monitor-{}.txt", std::process::id()));
    let file = std::fs::File::create(&log).unwrap();
    let mut mon = Command::new("dbus-monitor")
        .args(["--session", "--monitor"])
        .stdout(file)
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor is installed");
    // Wait until the monitor is on the bus (it prints its own NameAcquired first).
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "dbus-monitor started");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let out = f();
    std::thread::sleep(Duration::from_millis(300));
    let _ = mon.kill();
    let _ = mon.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_file(&log);
    (out, text)
}

/// The object path of the one item libsecret finds for `user`.
fn item_path(user: &str) -> String {
    let out = Command::new("secret-tool")
        .args(["search", "service", "Portolan", "username", user])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let tail = text
        .lines()
        .find_map(|l| l.strip_prefix('[').and_then(|l| l.strip_suffix(']')))
        .unwrap_or_else(|| panic!("no item for {user}: {text}"));
    format!("{LOGIN}{tail}")
}

#[test]
fn an_entry_of_another_program_under_portolans_name_is_not_read_or_deleted() {
    let s = session!();
    let dir = s.folder("foreign");
    let store = ProfileStore::new(&dir);
    let k = Keychain::platform();
    let foreign_user = "another-program@example.com";
    store_with_secret_tool(foreign_user, "Canary-foreign-secret");
    let foreign = item_path(foreign_user);

    let ((), bus) = monitored(|| {
        let a = profiles::save_profile(&store, &k, req(None, "Website", Some(CANARY))).unwrap();
        profiles::list_profiles(&store, &k).unwrap();
        assert_eq!(
            profiles::profile_password(&k, &a)
                .unwrap()
                .unwrap()
                .expose(),
            CANARY
        );
        let copy = profiles::duplicate_profile(&store, &k, &a.id, None).unwrap();
        profiles::save_profile(&store, &k, req(Some(&a.id), "Website", Some("Canary-2"))).unwrap();
        let json = format!(
            r#"{{"format":"portolan-profile","version":1,"name":"Imported","settings":{},"password":"Canary-imported"}}"#,
            serde_json::to_string(&settings()).unwrap()
        );
        let imported = profiles::import_profile(&store, &k, &json).unwrap();
        for id in [&a.id, &copy.id, &imported.id] {
            profiles::delete_profile(&store, &k, id).unwrap();
        }
        // A profile whose id is the other program's account is refused before the keychain.
        assert!(k.get_password("").is_err());
    });
    assert!(
        bus.contains("org.freedesktop.Secret"),
        "the monitor saw the calls"
    );
    // Every method call Portolan made and every reply it got (the keyring's signals list all
    // items of the collection to anyone listening, so they are not Portolan's doing).
    let mut messages: Vec<String> = Vec::new();
    for line in bus.lines() {
        if !line.starts_with(' ') {
            messages.push(String::new());
        }
        if let Some(m) = messages.last_mut() {
            m.push_str(line);
            m.push('\n');
        }
    }
    let mentions: Vec<&String> = messages
        .iter()
        .filter(|m| m.starts_with("method call") || m.starts_with("method return"))
        .filter(|m| m.contains(&format!("{foreign}\"")) || m.contains(&format!("{foreign};")))
        .collect();
    assert!(
        mentions.is_empty(),
        "Portolan touched the other program's item {foreign}:\n{mentions:?}"
    );
    assert!(
        !bus.contains(foreign_user),
        "Portolan searched for the other account"
    );
    assert_eq!(
        lookup(foreign_user).as_deref(),
        Some("Canary-foreign-secret"),
        "the other program's entry is still there"
    );
    clear_with_secret_tool(foreign_user);
}
