#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The committed ISPDB data (`crates/core/data/ispdb.json`, its notice and licence) is exactly
//! what `scripts/ispdb-import.sh` makes from the ISPDB snapshot.
//!
//! The snapshot is looked for in `$PORTOLAN_ISPDB_DIR`, else in `../shared/data/ispdb` beside
//! the clone. When it is absent the test says so and passes, unless `PORTOLAN_REQUIRE_ISPDB=1`
//! (set by `scripts/test.sh`, the full suite), where a missing snapshot is a failure.

use std::path::{Path, PathBuf};

use portolan_core::discover::catalogue::ispdb;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn snapshot_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PORTOLAN_ISPDB_DIR") {
        Some(d) => PathBuf::from(d),
        None => repo_root().join("../shared/data/ispdb"),
    };
    if dir.join("SOURCE.md").is_file() {
        return Some(dir);
    }
    let required = std::env::var("PORTOLAN_REQUIRE_ISPDB").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "PORTOLAN_REQUIRE_ISPDB=1 but there is no ISPDB snapshot at {} (set PORTOLAN_ISPDB_DIR)",
        dir.display()
    );
    eprintln!(
        "skipped: no ISPDB snapshot at {} (set PORTOLAN_ISPDB_DIR to check the data against it)",
        dir.display()
    );
    None
}

#[test]
fn committed_data_is_what_the_import_script_makes() {
    let Some(dir) = snapshot_dir() else { return };
    let generated = ispdb::generate(&dir).expect("the snapshot imports");
    let data_dir = repo_root().join("crates/core/data");
    for (name, want) in [
        (ispdb::DATA_FILE, &generated.json),
        (ispdb::LICENCE_FILE, &generated.licence),
        (ispdb::NOTICE_FILE, &generated.notice),
    ] {
        let have = std::fs::read_to_string(data_dir.join(name)).unwrap_or_default();
        assert!(
            &have == want,
            "crates/core/data/{name} is not what the snapshot gives: run `bash scripts/ispdb-import.sh {}`",
            dir.display()
        );
    }
    assert_eq!(ispdb::ISPDB_JSON, generated.json, "rebuild after importing");
}

#[test]
fn the_data_covers_every_file_and_domain_of_the_snapshot() {
    let data = ispdb::parse(ispdb::ISPDB_JSON).unwrap();
    let domains: std::collections::BTreeSet<&str> = data
        .providers
        .iter()
        .flat_map(|p| p.domains.iter().map(String::as_str))
        .collect();
    assert_eq!(data.source.domains, domains.len());
    assert_eq!(data.source.files, data.providers.len());
    assert_eq!(data.source.licence, "MPL-2.0");
    assert!(data.source.repository.starts_with("https://github.com/"));
    assert_eq!(data.source.commit.len(), 40);
    let notice_path = repo_root()
        .join("crates/core/data")
        .join(ispdb::NOTICE_FILE);
    let notice = std::fs::read_to_string(notice_path).unwrap();
    assert!(notice.contains(&data.source.commit) && notice.contains("MPL-2.0"));
    let licence_path = repo_root()
        .join("crates/core/data")
        .join(ispdb::LICENCE_FILE);
    let licence = std::fs::read_to_string(licence_path).unwrap();
    assert!(licence.contains("Mozilla Public License Version 2.0"));
    eprintln!(
        "ISPDB data: {} providers, {} domains, from {} at {} ({})",
        data.providers.len(),
        domains.len(),
        data.source.repository,
        data.source.commit,
        data.source.date
    );
    let Some(dir) = snapshot_dir() else { return };
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".xml")
        })
        .count();
    assert_eq!(files, data.providers.len());
}
