//! The profiles file on a real file system that fails: a full disk (a small tmpfs this test
//! mounts) and a read-only config folder (a read-only bind mount; root ignores permission
//! bits, so a mode of 0555 would prove nothing). Each time: a sentence that says what
//! happened, the previous `profiles.json` intact byte for byte, no temporary file left, and
//! the keychain as it was.
//!
//! Mounting needs root (the test command runs as root); elsewhere these tests are skipped,
//! and under `make test` (PORTOLAN_REQUIRE_SERVERS=1) a refused mount fails them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use portolan_core::error::{ErrorCode, UserError};
use portolan_core::ports::Security;
use portolan_core::profiles::{self, ProfileStore, SaveRequest, FILE_NAME};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;

/// A mount made by a test, undone when dropped (lazily, so a failed test never leaves it).
struct Mount {
    at: PathBuf,
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

fn base(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("portolan-faults-{}", std::process::id()))
        .join(name);
    let _ = Command::new("umount").arg("-l").arg(&dir).status();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `mount` with `args`; `None` (and the test skipped) when mounting is not permitted.
fn mount(at: &Path, args: &[&str]) -> Option<Mount> {
    let out = Command::new("mount").args(args).arg(at).output().unwrap();
    if out.status.success() {
        return Some(Mount { at: at.to_owned() });
    }
    let why = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        std::env::var("PORTOLAN_REQUIRE_SERVERS").as_deref() != Ok("1"),
        "make test runs as root and must be able to mount a tmpfs: {why}"
    );
    eprintln!("skipped: cannot mount here ({why})");
    None
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

fn req(id: Option<&str>, name: &str, password: Option<&str>) -> SaveRequest {
    SaveRequest {
        id: id.map(str::to_owned),
        name: name.into(),
        settings: settings("smtp.example.com"),
        password: password.map(|p| Sensitive::new(p.to_owned())),
        provider_id: None,
    }
}

/// The names in a folder other than the profiles file and its lock.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != FILE_NAME && n != "profiles.json.lock" && n != "filler")
        .collect()
}

/// Fills the file system of `dir` to the last byte.
fn fill(dir: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    loop {
        match f.write_all(&block) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    // The last partial block, byte by byte.
    while f.write_all(&[0]).is_ok() {}
    let _ = f.sync_all();
}

#[test]
fn a_full_disk_refuses_the_save_and_keeps_the_previous_file() {
    let dir = base("full");
    let Some(_m) = mount(&dir, &["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs"]) else {
        return;
    };
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    let first = profiles::save_profile(&store, &k, req(None, "Website", Some("Canary-1"))).unwrap();
    let before = std::fs::read(dir.join(FILE_NAME)).unwrap();
    fill(&dir);

    // A new profile with a password: refused, and its keychain entry taken back.
    let e = UserError::from(
        profiles::save_profile(&store, &k, req(None, "Shop", Some("Canary-2"))).unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::ProfilesIo, "{e:?}");
    assert!(
        e.message.contains("could not save your profiles to")
            && e.message.contains("the disk is full")
            && e.message.contains("Your saved profiles are unchanged"),
        "{}",
        e.message
    );
    assert!(e.hint.contains("disk is not full"), "{}", e.hint);
    assert!(
        !e.message.contains(".tmp"),
        "names the profiles file: {}",
        e.message
    );
    // An update with a new password: refused, and the previous password put back.
    let e = profiles::save_profile(
        &store,
        &k,
        req(Some(&first.id), "Website", Some("Canary-changed")),
    )
    .map_err(UserError::from)
    .unwrap_err();
    assert!(e.message.contains("the disk is full"), "{}", e.message);
    assert_eq!(k.get_password(&first.id).unwrap().expose(), "Canary-1");
    // Deleting needs a write too: the profile and its entry stay.
    let e = UserError::from(profiles::delete_profile(&store, &k, &first.id).unwrap_err());
    assert!(e.message.contains("the disk is full"), "{}", e.message);
    assert_eq!(k.get_password(&first.id).unwrap().expose(), "Canary-1");

    assert_eq!(
        std::fs::read(dir.join(FILE_NAME)).unwrap(),
        before,
        "byte for byte"
    );
    assert_eq!(
        leftovers(&dir),
        Vec::<String>::new(),
        "no temporary file left"
    );
    let list = store.list().unwrap();
    assert_eq!(list.profiles.len(), 1);
    assert!(list.notices.is_empty(), "{:?}", list.notices);

    // With room again, saving works.
    std::fs::remove_file(dir.join("filler")).unwrap();
    profiles::save_profile(&store, &k, req(None, "Shop", Some("Canary-2"))).unwrap();
    assert_eq!(store.list().unwrap().profiles.len(), 2);
}

#[test]
fn a_read_only_config_folder_refuses_the_save_and_keeps_the_previous_file() {
    let dir = base("read-only");
    let store = ProfileStore::new(&dir);
    let k = Keychain::mock();
    let first = profiles::save_profile(&store, &k, req(None, "Website", Some("Canary-1"))).unwrap();
    let before = std::fs::read(dir.join(FILE_NAME)).unwrap();
    // The folder mounted read-only on itself.
    let Some(_m) = mount(&dir, &["--bind", "-o", "ro", dir.to_str().unwrap()]) else {
        return;
    };
    assert!(
        std::fs::write(dir.join("probe"), b"x").is_err(),
        "the folder is read-only"
    );

    // The profiles can still be read.
    let list = store.list().unwrap();
    assert_eq!(list.profiles, vec![first.clone()]);

    for (what, r) in [
        (
            "new",
            profiles::save_profile(&store, &k, req(None, "Shop", Some("Canary-2"))),
        ),
        (
            "update",
            profiles::save_profile(
                &store,
                &k,
                req(Some(&first.id), "Website", Some("Canary-3")),
            ),
        ),
        ("rename", store.rename(&first.id, "Renamed")),
    ] {
        let e = UserError::from(r.unwrap_err());
        assert_eq!(e.code, ErrorCode::ProfilesIo, "{what}: {e:?}");
        assert!(
            e.message.contains("the folder is read-only")
                && e.message.contains("Your saved profiles are unchanged"),
            "{what}: {}",
            e.message
        );
        assert!(!e.message.contains("os error"), "{what}: {}", e.message);
    }
    let e = UserError::from(profiles::delete_profile(&store, &k, &first.id).unwrap_err());
    assert!(
        e.message.contains("the folder is read-only"),
        "{}",
        e.message
    );
    assert_eq!(k.get_password(&first.id).unwrap().expose(), "Canary-1");

    assert_eq!(
        std::fs::read(dir.join(FILE_NAME)).unwrap(),
        before,
        "byte for byte"
    );
    assert_eq!(
        leftovers(&dir),
        Vec::<String>::new(),
        "no temporary file left"
    );
}
