//! The fuzz targets' invariants (`portolan_core::fuzz_support`) on every seed of `fuzz/corpus`
//! and every saved crash of `fuzz/regressions`, so they hold in every test run, with or without
//! cargo-fuzz. A crash found by `scripts/fuzz.sh` is kept by copying it to
//! `fuzz/regressions/<target>/` (see docs/testing.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use portolan_core::fuzz_support;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted; none when the folder does not exist.
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = root().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Runs `check` on every seed and saved crash of `target`, naming the file that fails.
fn run(target: &str, check: fn(&[u8])) {
    let seeds = files("corpus", target);
    assert!(
        seeds.len() >= 3,
        "fuzz/corpus/{target} has {} seeds; it should have a few",
        seeds.len()
    );
    let mut failed = Vec::new();
    for path in seeds.iter().chain(files("regressions", target).iter()) {
        let data = std::fs::read(path).unwrap();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "invariants broken by: {failed:#?}");
}

#[test]
fn smtp_reply_seeds_hold() {
    run("smtp_reply", fuzz_support::smtp_reply);
}

#[test]
fn redactor_seeds_hold() {
    run("redactor", fuzz_support::redactor);
}

#[test]
fn autoconfig_seeds_hold() {
    run("autoconfig", fuzz_support::autoconfig);
}

#[test]
fn import_json_seeds_hold() {
    run("import_json", fuzz_support::import);
}

#[test]
fn settings_seeds_hold() {
    run("settings", fuzz_support::settings);
}

/// The seeds parse as intended, so they lead the fuzzer somewhere: the replies and the
/// autoconfig sample are read, the full profile is imported.
#[test]
fn seeds_reach_the_interesting_paths() {
    let ehlo = std::fs::read(root().join("corpus/smtp_reply/greeting_ehlo_postfix")).unwrap();
    let replies = fuzz_support::read_replies(&ehlo, ehlo.len());
    assert_eq!(replies.iter().filter(|r| r.is_ok()).count(), 2);
    assert_eq!(replies[1].as_ref().unwrap().lines.len(), 11);

    let json =
        std::fs::read_to_string(root().join("corpus/import_json/full_with_password")).unwrap();
    let imported = portolan_core::export::import_json(&json).unwrap();
    assert_eq!(imported.settings.port, 587);
    assert!(imported.password.is_some());

    let xml =
        std::fs::read_to_string(root().join("corpus/autoconfig/two_servers_placeholders")).unwrap();
    let addr = portolan_core::discover::address::parse("jo@example.com").unwrap();
    let config = portolan_core::discover::autoconfig::parse(&xml, &addr).unwrap();
    assert_eq!(config.servers.len(), 2);

    let s = std::fs::read(root().join("corpus/settings/starttls_user")).unwrap();
    assert!(fuzz_support::settings_from(&s).validate().is_ok());
}
