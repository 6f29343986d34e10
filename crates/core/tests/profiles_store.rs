//! The profiles file: operations with keyring-core's mock store, a damaged or newer file set
//! aside with a notice, migration of the old format, two processes saving at once, and a
//! process killed in the middle of saving, many times over. Every test uses its own folder
//! under the system temp dir; none touches the user's config folder or keychain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use portolan_core::error::ErrorCode;
use portolan_core::ports::Security;
use portolan_core::profiles::{self, NoticeCode, ProfileStore, SaveRequest, FILE_NAME};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;

const CHILD_ENV: &str = "PORTOLAN_PROFILES_CHILD";

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("portolan-profiles-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn settings(host: &str) -> SmtpSettings {
    SmtpSettings {
        host: host.into(),
        port: 587,
        security: Security::Starttls,
        username: Some("me@example.com".into()),
        from: "me@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

fn req(name: &str, password: Option<&str>) -> SaveRequest {
    SaveRequest {
        id: None,
        name: name.into(),
        settings: settings("smtp.example.com"),
        password: password.map(|p| Sensitive::new(p.to_owned())),
        provider_id: None,
    }
}

/// The file parses as the current format; returns the profile names.
fn names_in_file(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("corrupt file ({e}): {text:?}"));
    assert_eq!(v["schema_version"], 1);
    v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn save_rename_duplicate_delete_keep_file_and_keychain_in_step() {
    let dir = folder("ops");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    let p = profiles::save_profile(&store, &k, req("Work", Some("Canary-1"))).unwrap();
    assert!(p.password_saved);
    assert_eq!(k.get_password(&p.id).unwrap().expose(), "Canary-1");
    let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
    assert!(!text.contains("Canary"), "{text}");

    // Same name again (ignoring case) is refused with a sentence.
    let e = profiles::save_profile(&store, &k, req("work", None)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ProfileDuplicateName);
    assert!(e.to_string().contains("already exists"), "{e}");

    // Update without a password keeps the saved one.
    let mut update = req("Work", None);
    update.id = Some(p.id.clone());
    update.settings = settings("mail.example.com");
    let u = profiles::save_profile(&store, &k, update).unwrap();
    assert_eq!(u.id, p.id);
    assert!(u.password_saved);
    assert_eq!(u.settings.host, "mail.example.com");

    let r = store.rename(&p.id, "Office").unwrap();
    assert_eq!(r.id, p.id);
    let copy = profiles::duplicate_profile(&store, &k, &p.id, None).unwrap();
    assert_eq!(copy.name, "Office (copy)");
    assert_eq!(k.get_password(&copy.id).unwrap().expose(), "Canary-1");
    let again = profiles::duplicate_profile(&store, &k, &p.id, None).unwrap();
    assert_eq!(again.name, "Office (copy 2)");

    let done = profiles::delete_profile(&store, &k, &copy.id).unwrap();
    assert!(done.password_removed);
    assert!(k.find_password(&copy.id).unwrap().is_none());
    assert_eq!(
        names_in_file(&dir.join(FILE_NAME)),
        ["Office", "Office (copy 2)"]
    );
    assert_eq!(store.find("office").unwrap().id, p.id);
}

/// The provider a profile was made for (a discovery's, or a chosen sending service) is kept
/// with it, only when the catalogue knows it, and survives an update and a copy; a file
/// written before the field existed loads as it is and keeps its profiles when saved again.
#[test]
fn the_provider_is_kept_with_the_profile_and_old_files_still_load() {
    let dir = folder("provider");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    let mut r = req("Shop", None);
    r.provider_id = Some(" amazon-ses-eu-west-1 ".into());
    let p = profiles::save_profile(&store, &k, r).unwrap();
    assert_eq!(p.provider_id.as_deref(), Some("amazon-ses-eu-west-1"));
    let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
    assert!(
        text.contains("\"provider_id\": \"amazon-ses-eu-west-1\""),
        "{text}"
    );
    let copy = profiles::duplicate_profile(&store, &k, &p.id, None).unwrap();
    assert_eq!(copy.provider_id, p.provider_id);
    // An id the catalogue does not know is not kept; an update says the provider anew.
    let mut forged = req("Shop", None);
    forged.id = Some(p.id.clone());
    forged.provider_id = Some("no-such-provider".into());
    let u = profiles::save_profile(&store, &k, forged).unwrap();
    assert_eq!(u.provider_id, None);
    let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
    assert!(text.matches("provider_id").count() == 1, "{text}");

    // A profiles.json of schema 1 from before the field: read as it is, no notice.
    let old = folder("provider-old");
    let before = r#"{
  "schema_version": 1,
  "profiles": [
    {
      "id": "6f1c2a34-0000-4000-8000-000000000001",
      "name": "Old shop",
      "settings": {
        "host": "smtp.example.com",
        "port": 587,
        "security": "starttls",
        "username": "me@example.com",
        "from": "me@example.com",
        "allow_plaintext_auth": false,
        "cert_exception": null
      },
      "password_saved": false,
      "created": "2026-01-01T00:00:00Z",
      "updated": "2026-01-01T00:00:00Z"
    }
  ]
}
"#;
    std::fs::write(old.join(FILE_NAME), before).unwrap();
    let store = ProfileStore::new(&old);
    let list = store.list().unwrap();
    assert!(list.notices.is_empty(), "{:?}", list.notices);
    assert_eq!(list.profiles.len(), 1);
    assert_eq!(list.profiles[0].name, "Old shop");
    assert_eq!(list.profiles[0].provider_id, None);
    let mut again = req("Old shop", None);
    again.id = Some("6f1c2a34-0000-4000-8000-000000000001".into());
    again.provider_id = Some("sendgrid".into());
    let saved = profiles::save_profile(&store, &k, again).unwrap();
    assert_eq!(saved.provider_id.as_deref(), Some("sendgrid"));
    assert_eq!(names_in_file(&old.join(FILE_NAME)), ["Old shop"]);
    assert!(
        list_leftovers(&old).is_empty(),
        "{:?}",
        list_leftovers(&old)
    );
}

/// Files beside the profiles file and its lock (a set-aside copy would be one).
fn list_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != FILE_NAME && !n.ends_with(".lock"))
        .collect()
}

#[test]
fn a_refused_password_saves_nothing() {
    let dir = folder("refused");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    let e = profiles::save_profile(&store, &k, req("Work", Some(""))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeychainInvalidValue);
    assert!(e.to_string().contains("was not saved"), "{e}");
    assert!(store.list().unwrap().profiles.is_empty());
}

#[test]
fn invalid_names_and_settings_are_refused_before_writing() {
    let dir = folder("invalid");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    for name in ["", "   ", "a\nb", "tab\there", &"x".repeat(101)] {
        let e = profiles::save_profile(&store, &k, req(name, None)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ProfileInvalidName, "{name:?}");
    }
    let mut bad = req("Bad", None);
    bad.settings.host = "smtp example.com".into();
    let e = profiles::save_profile(&store, &k, bad).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidSettings);
    assert!(!dir.join(FILE_NAME).exists());
}

#[test]
fn a_damaged_file_is_set_aside_with_a_notice_and_the_app_starts_clean() {
    for (i, garbage) in [
        &b"{ not json"[..],
        b"",
        b"\xff\xfe\x00garbage",
        br#"{"schema_version":1,"profiles":[{"id":"x"}]}"#,
        br#"{"schema_version":"one","profiles":[]}"#,
        br#"[1,2,3]"#,
    ]
    .iter()
    .enumerate()
    {
        let dir = folder(&format!("damaged-{i}"));
        std::fs::write(dir.join(FILE_NAME), garbage).unwrap();
        let store = ProfileStore::new(&dir);
        let list = store.list().unwrap();
        assert!(list.profiles.is_empty());
        assert_eq!(list.notices.len(), 1, "{garbage:?}");
        let n = &list.notices[0];
        assert_eq!(n.code, NoticeCode::ProfilesFileDamaged);
        let kept = PathBuf::from(n.kept_at.as_ref().unwrap());
        assert!(kept.starts_with(&dir));
        assert!(kept
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("profiles.json.damaged-"));
        assert_eq!(std::fs::read(&kept).unwrap(), *garbage, "nothing is lost");
        assert!(
            n.message.contains(&kept.display().to_string()),
            "{}",
            n.message
        );
        // Told once; saving works again.
        assert!(store.list().unwrap().notices.is_empty());
        profiles::save_profile(&store, &Keychain::mock(), req("New", None)).unwrap();
        assert_eq!(names_in_file(&dir.join(FILE_NAME)), ["New"]);
    }
}

#[test]
fn a_file_from_a_newer_portolan_is_kept_aside_not_overwritten() {
    let dir = folder("newer");
    let newer = br#"{"schema_version":7,"profiles":[],"future":true}"#;
    std::fs::write(dir.join(FILE_NAME), newer).unwrap();
    let list = ProfileStore::new(&dir).list().unwrap();
    assert_eq!(list.notices[0].code, NoticeCode::ProfilesFileNewer);
    let kept = list.notices[0].kept_at.clone().unwrap();
    assert_eq!(std::fs::read(kept).unwrap(), newer);
}

#[test]
fn the_unversioned_format_migrates_and_the_original_is_kept() {
    let dir = folder("migrate");
    let v0 = r#"{"profiles":[
        {"name":"Old","host":"smtp.example.com","port":465,"security":"tls",
         "username":"me@example.com","from":"me@example.com"}]}"#;
    std::fs::write(dir.join(FILE_NAME), v0).unwrap();
    let store = ProfileStore::new(&dir);
    let list = store.list().unwrap();
    assert_eq!(list.profiles.len(), 1);
    let p = &list.profiles[0];
    assert_eq!(p.name, "Old");
    assert_eq!(p.settings.port, 465);
    assert_eq!(p.settings.security, Security::Tls);
    assert!(!p.id.is_empty());
    assert_eq!(list.notices[0].code, NoticeCode::ProfilesMigrated);
    let kept = list.notices[0].kept_at.clone().unwrap();
    assert_eq!(std::fs::read_to_string(kept).unwrap(), v0);
    assert_eq!(names_in_file(&dir.join(FILE_NAME)), ["Old"]);
    // The id is stable from now on.
    assert_eq!(store.list().unwrap().profiles[0].id, p.id);
}

#[test]
fn import_picks_a_free_name_and_keeps_the_password_in_the_keychain() {
    let dir = folder("import");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    profiles::save_profile(&store, &k, req("Shop", None)).unwrap();
    let text = r#"{"format":"portolan-profile","version":1,"name":"Shop","password":"Canary-2",
        "settings":{"host":"smtp.example.com","port":587,"security":"starttls",
        "username":"me@example.com","from":"me@example.com","allow_plaintext_auth":false,
        "cert_exception":null}}"#;
    let p = profiles::import_profile(&store, &k, text).unwrap();
    assert_eq!(p.name, "Shop (imported)");
    assert_eq!(k.get_password(&p.id).unwrap().expose(), "Canary-2");
    let file = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
    assert!(!file.contains("Canary"));
}

// ---- several processes -----------------------------------------------------------------

/// Runs in a child process (this same test binary) when `CHILD_ENV` is set: saves profiles
/// named `<prefix>-<n>` into the folder, `count` of them (0 = until killed).
#[test]
fn child_process_entry() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (dir, prefix, count) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap().parse::<usize>().unwrap(),
    );
    let store = ProfileStore::new(dir);
    let k = Keychain::mock();
    let mut n = 0;
    while count == 0 || n < count {
        profiles::save_profile(&store, &k, req(&format!("{prefix}-{n}"), None)).unwrap();
        n += 1;
    }
}

fn child(dir: &Path, prefix: &str, count: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_entry",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{}|{prefix}|{count}", dir.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_processes_saving_at_once_lose_nothing() {
    let dir = folder("two-processes");
    let per = 40;
    let a = child(&dir, "a", per);
    let b = child(&dir, "b", per);
    for c in [a, b] {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut names = names_in_file(&dir.join(FILE_NAME));
    names.sort();
    assert_eq!(
        names.len(),
        2 * per,
        "every save of both processes is there"
    );
    names.dedup();
    assert_eq!(names.len(), 2 * per);
}

#[test]
fn a_process_killed_while_saving_never_leaves_a_corrupt_or_empty_file() {
    let dir = folder("killed");
    let path = dir.join(FILE_NAME);
    let mut seen = 0;
    let rounds = 40;
    for round in 0..rounds {
        let mut c = child(&dir, &format!("r{round}"), 0);
        // Let it get going, then kill it at a different moment each round.
        let started = Instant::now();
        let wait = Duration::from_millis(30 + (round * 7 % 50) as u64);
        while started.elapsed() < wait {
            std::thread::sleep(Duration::from_millis(2));
        }
        c.kill().unwrap();
        c.wait().unwrap();
        if path.exists() {
            let names = names_in_file(&path);
            assert!(
                names.len() >= seen,
                "round {round}: {} profiles after {seen} before",
                names.len()
            );
            seen = names.len();
        }
    }
    // Whatever the kills interrupted, the store reads cleanly without a notice.
    let list = ProfileStore::new(&dir).list().unwrap();
    assert!(list.notices.is_empty(), "{:?}", list.notices);
    assert_eq!(list.profiles.len(), seen);
    assert!(seen > 0, "the children did save something");
    // The next save clears temporary files the killed writers left behind.
    profiles::save_profile(
        &ProfileStore::new(&dir),
        &Keychain::mock(),
        req("after", None),
    )
    .unwrap();
    let temps: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
    eprintln!("{rounds} kills, {seen} profiles saved, file intact each time");
}
