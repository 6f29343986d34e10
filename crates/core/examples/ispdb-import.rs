//! Writes the catalogue's ISPDB data (`ispdb.json`, `ispdb-LICENSE.txt`, `ispdb-SOURCE.md`)
//! from a snapshot of Thunderbird's ISPDB folder. Run through `scripts/ispdb-import.sh`.
//!
//! Usage: ispdb-import <ISPDB folder> <output folder>

use std::path::PathBuf;
use std::process::ExitCode;

use portolan_core::discover::catalogue::ispdb;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: ispdb-import <ISPDB folder> <output folder>");
        return ExitCode::from(2);
    };
    let generated = match ispdb::generate(&PathBuf::from(dir)) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("ispdb-import: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = PathBuf::from(out);
    for (name, text) in [
        (ispdb::DATA_FILE, &generated.json),
        (ispdb::LICENCE_FILE, &generated.licence),
        (ispdb::NOTICE_FILE, &generated.notice),
    ] {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("ispdb-import: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let data = match ispdb::parse(&generated.json) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("ispdb-import: the written data does not read back: {e}");
            return ExitCode::FAILURE;
        }
    };
    let skipped: usize = data.providers.iter().map(|p| p.skipped.len()).sum();
    println!(
        "ispdb-import: {} providers, {} domains, {} servers left out, from {} at {} ({}) into {}",
        data.providers.len(),
        data.source.domains,
        skipped,
        data.source.repository,
        data.source.commit,
        data.source.date,
        out.display()
    );
    ExitCode::SUCCESS
}
