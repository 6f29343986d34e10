//! The part of the catalogue taken from Thunderbird's ISPDB (`data/ispdb.json`): each
//! provider's domains, outgoing servers as the ISPDB writes them (placeholders kept), user-name
//! form, whether OAuth2 is offered, and its https links.
//!
//! The data file is generated, never edited by hand: `scripts/ispdb-import.sh [ISPDB folder]`
//! runs [`generate`] (through the `ispdb-import` example) over a snapshot of the ISPDB folder
//! of `thunderbird/autoconfig`, reading each file with the same clientConfig parser discovery
//! uses ([`crate::discover::autoconfig::parse_template`]). The snapshot's origin and licence
//! (MPL-2.0) are written next to the data (`ispdb-SOURCE.md`, `ispdb-LICENSE.txt`); the test
//! `tests/ispdb_data.rs` checks the committed files are what the snapshot gives.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::discover::{address, autoconfig};
use crate::ports::Security;

/// The generated data file, embedded at build time.
pub const ISPDB_JSON: &str = include_str!("../../../data/ispdb.json");

/// Largest provider file read, in bytes (the largest in the ISPDB is under 10 KiB).
const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Most provider files read from one folder.
const MAX_FILES: usize = 10_000;

/// Where the data came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IspdbSource {
    /// What the data is.
    pub name: String,
    /// The repository the snapshot was taken from.
    pub repository: String,
    /// The snapshot's commit.
    pub commit: String,
    /// The snapshot's date (YYYY-MM-DD).
    pub date: String,
    /// The folder of the repository the files come from.
    pub folder: String,
    /// The data's licence (SPDX).
    pub licence: String,
    /// The licence text, next to the data file.
    pub licence_file: String,
    /// How many provider files the snapshot has.
    pub files: usize,
    /// How many distinct domains they list.
    pub domains: usize,
    /// How to regenerate the data.
    pub generated_by: String,
}

impl IspdbSource {
    /// The address of one provider file at the snapshot's commit.
    pub fn file_url(&self, file: &str) -> String {
        format!(
            "{}/blob/{}/{}/{file}",
            self.repository, self.commit, self.folder
        )
    }
}

/// One outgoing server as the ISPDB writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IspdbServer {
    /// Host name; may hold `%EMAILDOMAIN%` (or another placeholder).
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is protected (`plain` in the ISPDB is `none`).
    pub security: Security,
    /// The user-name form (`%EMAILADDRESS%`, `%EMAILLOCALPART%`, …); absent when the file
    /// names none (the address is then used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The sign-in methods listed (`password-cleartext`, `OAuth2`, …).
    pub auth: Vec<String>,
}

/// One provider file of the ISPDB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IspdbProvider {
    /// The file's name without `.xml` (unique; the `emailProvider id` is not).
    pub file: String,
    /// The provider's display name.
    pub name: String,
    /// Its domains: address domains and the domains of its MX hosts (the ISPDB lists both in
    /// one list, as Thunderbird looks the MX host's domain up there too).
    pub domains: Vec<String>,
    /// Outgoing servers in the file's order.
    pub servers: Vec<IspdbServer>,
    /// Whether the provider offers OAuth2 sign-in (an `oAuth2` element or an outgoing server
    /// listing `OAuth2`).
    pub oauth2: bool,
    /// The https documentation links, in the file's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub help: Vec<String>,
    /// The https page where access for mail programs is switched on, when the file names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_url: Option<String>,
    /// Outgoing servers of the file that were left out, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// The whole data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IspdbData {
    /// Where the data came from and under which licence.
    pub source: IspdbSource,
    /// The providers, by file name.
    pub providers: Vec<IspdbProvider>,
}

/// Reads a data file.
pub fn parse(text: &str) -> Result<IspdbData, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// What [`generate`] writes into `crates/core/data/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// `ispdb.json`.
    pub json: String,
    /// `ispdb-LICENSE.txt`: the snapshot's licence text, unchanged.
    pub licence: String,
    /// `ispdb-SOURCE.md`: where the data comes from, its licence, how to regenerate it.
    pub notice: String,
}

/// The file names of [`Generated`], in `crates/core/data/`.
pub const DATA_FILE: &str = "ispdb.json";
/// See [`DATA_FILE`].
pub const LICENCE_FILE: &str = "ispdb-LICENSE.txt";
/// See [`DATA_FILE`].
pub const NOTICE_FILE: &str = "ispdb-SOURCE.md";

/// Reads a snapshot of the ISPDB folder (`*.xml`, `SOURCE.md`, `LICENSE`) and returns the
/// data files. Deterministic: the same snapshot gives the same bytes.
pub fn generate(dir: &Path) -> Result<Generated, String> {
    let read = |name: &str| -> Result<String, String> {
        let path = dir.join(name);
        let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{}: larger than {} KiB",
                path.display(),
                MAX_FILE_BYTES / 1024
            ));
        }
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let source_md = read("SOURCE.md")?;
    let licence = read("LICENSE")?;
    if !licence
        .trim_start()
        .starts_with("Mozilla Public License Version 2.0")
    {
        return Err("LICENSE is not the Mozilla Public License 2.0; check the snapshot's licence before importing it".to_owned());
    }
    let (repository, commit, date) = read_source_md(&source_md)?;

    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") {
            names.push(name);
        }
        if names.len() > MAX_FILES {
            return Err(format!("more than {MAX_FILES} files in {}", dir.display()));
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(format!("no provider files (*.xml) in {}", dir.display()));
    }

    let sample = address::parse("user@example.com").map_err(|e| e.message)?;
    let mut providers = Vec::new();
    let mut all_domains = std::collections::BTreeSet::new();
    for name in &names {
        let xml = read(name)?;
        let t =
            autoconfig::parse_template(&xml).map_err(|e| format!("{name}: {}", e.describe()))?;
        let file = name.trim_end_matches(".xml").to_owned();
        let mut servers = Vec::new();
        let mut skipped = Vec::new();
        for s in &t.servers {
            match s {
                Err(why) => skipped.push(why.clone()),
                Ok(s) => {
                    // The host must be usable once an address fills its placeholders.
                    let host = autoconfig::substitute(&s.host, &sample);
                    if !crate::discover::valid_host(&host) {
                        skipped.push(format!("\"{}\" is not a usable server name", s.host));
                        continue;
                    }
                    servers.push(IspdbServer {
                        host: s.host.clone(),
                        port: s.port,
                        security: s.security,
                        username: s.username.clone(),
                        auth: s.auth.clone(),
                    });
                }
            }
        }
        if t.domains.is_empty() {
            return Err(format!("{name}: lists no domain"));
        }
        all_domains.extend(t.domains.iter().cloned());
        let oauth2 = t.oauth2
            || t.servers
                .iter()
                .flatten()
                .any(autoconfig::ServerTemplate::offers_oauth2);
        providers.push(IspdbProvider {
            name: t
                .provider_name
                .clone()
                .unwrap_or_else(|| t.domains[0].clone()),
            file,
            domains: t.domains.clone(),
            servers,
            oauth2,
            help: t.help_urls.clone(),
            enable_url: t.enable_url.clone(),
            skipped,
        });
    }
    let data = IspdbData {
        source: IspdbSource {
            name: "Thunderbird ISPDB".to_owned(),
            repository,
            commit,
            date,
            folder: "ispdb".to_owned(),
            licence: "MPL-2.0".to_owned(),
            licence_file: LICENCE_FILE.to_owned(),
            files: names.len(),
            domains: all_domains.len(),
            generated_by: "scripts/ispdb-import.sh".to_owned(),
        },
        providers,
    };
    let mut json = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?;
    json.push('\n');
    let notice = notice(&data.source);
    Ok(Generated {
        json,
        licence,
        notice,
    })
}

/// The repository (as an https address), commit and date named by the snapshot's SOURCE.md.
fn read_source_md(text: &str) -> Result<(String, String, String), String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "(),".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let commit = words
        .iter()
        .find(|w| w.len() == 40 && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or("SOURCE.md names no commit (40 hexadecimal digits)")?;
    let date = words
        .iter()
        .find(|w| {
            let b = w.as_bytes();
            b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        })
        .ok_or("SOURCE.md names no date (YYYY-MM-DD)")?;
    let repo = text
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|t| {
            let mut parts = t.split('/');
            let ok = |p: Option<&str>| {
                p.is_some_and(|p| {
                    !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                })
            };
            ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
        })
        .ok_or("SOURCE.md names no repository (`owner/name`)")?;
    if !text.contains("Mozilla Public License 2.0") {
        return Err("SOURCE.md does not name the Mozilla Public License 2.0".to_owned());
    }
    Ok((
        format!("https://github.com/{repo}"),
        (*commit).to_owned(),
        (*date).to_owned(),
    ))
}

fn notice(s: &IspdbSource) -> String {
    format!(
        "# Thunderbird ISPDB data in Portolan\n\
         \n\
         `{DATA_FILE}` holds facts taken from Thunderbird's ISPDB: the `{folder}/` folder of\n\
         {repository} at commit {commit} ({date}), {files} provider files covering {domains}\n\
         domains. For each provider: its domains (address domains and the domains of its MX\n\
         hosts), its outgoing (SMTP) servers with port, socket type, user-name form and sign-in\n\
         methods, whether it offers OAuth2, and its https documentation links.\n\
         \n\
         The ISPDB is licensed under the Mozilla Public License 2.0 (MPL-2.0); the licence text is\n\
         `{licence_file}`. The source form of the data is the ISPDB folder at the commit above.\n\
         \n\
         This file and `{DATA_FILE}` are generated; do not edit them. To import a newer snapshot:\n\
         \n\
         ```sh\n\
         bash scripts/ispdb-import.sh path/to/ispdb   # default: ../shared/data/ispdb\n\
         ```\n\
         \n\
         Portolan's own facts (policy notes, corrections, sending services), each with its\n\
         source, are in `providers.toml`; where they contradict the ISPDB they win.\n",
        folder = s.folder,
        repository = s.repository,
        commit = s.commit,
        date = s.date,
        files = s.files,
        domains = s.domains,
        licence_file = s.licence_file,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_md_names_repository_commit_and_date() {
        let text = "The XML files here are the `ispdb/` folder of the public repository \
                    `thunderbird/autoconfig`\nat commit c6ad79659b5fc321d1593ec4c277815b83e5dec5 \
                    (2026-03-12): 163 provider files. Licence: Mozilla Public License 2.0";
        let (repo, commit, date) = read_source_md(text).unwrap();
        assert_eq!(repo, "https://github.com/thunderbird/autoconfig");
        assert_eq!(commit, "c6ad79659b5fc321d1593ec4c277815b83e5dec5");
        assert_eq!(date, "2026-03-12");
        assert!(read_source_md("no commit here").is_err());
    }

    #[test]
    fn the_embedded_data_parses_and_names_its_source() {
        let data = parse(ISPDB_JSON).unwrap();
        assert_eq!(data.source.licence, "MPL-2.0");
        assert_eq!(data.source.files, data.providers.len());
        assert!(data.providers.iter().all(|p| !p.servers.is_empty()));
    }
}
