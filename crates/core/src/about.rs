//! "About Portolan": the version, the licence and the third-party notices, with the same words
//! on the app's About page and in `portolan --version`.
//!
//! The notices are collected by `make notices` (scripts/notices.sh: cargo-about for the crates'
//! licence texts, cargo-deny's list of what ships, the UI bundler's list of npm packages) into
//! `data/third-party-notices.json`, embedded here. `make test` fails when that file no longer
//! matches the dependencies, and when any licence is off deny.toml's allow-list.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The notices file, generated; see the module's comment.
pub const NOTICES_JSON: &str = include_str!("../data/third-party-notices.json");

/// Portolan's version (the workspace's, shared by the app, the CLI and the packages).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Portolan's own licence, as an SPDX expression.
pub const LICENCE: &str = env!("CARGO_PKG_LICENSE");

/// Where Portolan's source and releases are.
pub const HOMEPAGE: &str = env!("CARGO_PKG_HOMEPAGE");

/// Where a third-party component comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// A Rust crate compiled into the app or the CLI.
    Crate,
    /// An npm package bundled into the app's window.
    Npm,
}

/// One open-source component Portolan is built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Component {
    /// Its name on crates.io or npm.
    pub name: String,
    /// The version that ships.
    pub version: String,
    /// Its licence, as an SPDX expression.
    pub licence: String,
    /// Crate or npm package.
    pub kind: ComponentKind,
    /// Indices into [`About::licences`] of its licence texts.
    pub texts: Vec<u32>,
}

/// One licence text, with the copyright lines its authors wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LicenceText {
    /// SPDX identifier.
    pub id: String,
    /// The licence's name.
    pub name: String,
    /// The text, as the component ships it.
    pub text: String,
}

/// Data (not code) Portolan carries from elsewhere, with its origin and licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DataNotice {
    /// What the data is.
    pub title: String,
    /// Its licence, as an SPDX expression.
    pub licence: String,
    /// Where it comes from and under which terms, in plain words.
    pub text: String,
}

/// Everything the About page and `portolan --version` show. Every sentence is here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct About {
    /// "About Portolan".
    pub heading: String,
    /// "Portolan 0.1.0".
    pub name_and_version: String,
    /// The version alone.
    pub version: String,
    /// What Portolan does, in one line.
    pub tagline: String,
    /// Portolan's licence, as an SPDX expression.
    pub licence: String,
    /// Portolan's licence in plain words.
    pub licence_sentence: String,
    /// Where the source and the releases are.
    pub homepage: String,
    /// Heading of the data notices.
    pub data_heading: String,
    /// Data from elsewhere that the built-in lists carry (empty when none).
    pub data_notices: Vec<DataNotice>,
    /// Heading of the third-party notices.
    pub notices_heading: String,
    /// What the notices are, with the number of components.
    pub notices_intro: String,
    /// Every component, crates first, by name.
    pub components: Vec<Component>,
    /// Heading of the licence texts.
    pub licences_heading: String,
    /// Every distinct licence text the components ship.
    pub licences: Vec<LicenceText>,
}

#[derive(Deserialize)]
struct NoticesFile {
    components: Vec<Component>,
    texts: Vec<LicenceText>,
}

fn notices() -> &'static NoticesFile {
    static PARSED: OnceLock<NoticesFile> = OnceLock::new();
    PARSED.get_or_init(|| {
        // The file is generated and checked by `make test`; an unreadable one shows no notices
        // rather than stopping the app (the test `the_notices_file_is_complete` fails on it).
        serde_json::from_str(NOTICES_JSON).unwrap_or(NoticesFile {
            components: Vec::new(),
            texts: Vec::new(),
        })
    })
}

/// The ISPDB's licence text, shipped next to its data (`data/ispdb-LICENSE.txt`).
const ISPDB_LICENCE_TEXT: &str = include_str!("../data/ispdb-LICENSE.txt");

/// The ISPDB's notice and licence text, when the built-in catalogue carries its data
/// (`data/ispdb.json`, see `discover::catalogue::ispdb`).
fn ispdb_notice() -> Option<(DataNotice, LicenceText)> {
    let data =
        crate::discover::catalogue::ispdb::parse(crate::discover::catalogue::ispdb::ISPDB_JSON)
            .ok()?;
    if data.providers.is_empty() {
        return None;
    }
    let s = &data.source;
    let notice = DataNotice {
        title: "Thunderbird's ISPDB".into(),
        licence: s.licence.clone(),
        text: format!(
            "The built-in provider list includes the mail settings of {} providers ({} domains) \
             from the ISPDB, the database of the Thunderbird project, taken from {} at commit \
             {} ({}). The ISPDB is licensed under the Mozilla Public License 2.0, whose text \
             is among the licence texts below; its source form is available at that address.",
            s.files, s.domains, s.repository, s.commit, s.date
        ),
    };
    let text = LicenceText {
        id: s.licence.clone(),
        name: "Mozilla Public License 2.0 (Thunderbird's ISPDB)".into(),
        text: ISPDB_LICENCE_TEXT.into(),
    };
    Some((notice, text))
}

/// Everything the About page shows.
pub fn about() -> About {
    about_with(ispdb_notice())
}

fn about_with(ispdb: Option<(DataNotice, LicenceText)>) -> About {
    let n = notices();
    let crates = n
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Crate)
        .count();
    let npm = n.components.len() - crates;
    let mut licences = n.texts.clone();
    let mut data_notices = Vec::new();
    if let Some((notice, text)) = ispdb {
        data_notices.push(notice);
        licences.push(text);
    }
    About {
        heading: "About Portolan".into(),
        name_and_version: format!("Portolan {VERSION}"),
        version: VERSION.into(),
        tagline: "Set up sending mail, step by step: Portolan finds, explains, checks and saves \
                  the SMTP settings an app, a website or a mail program needs."
            .into(),
        licence: LICENCE.into(),
        licence_sentence: "Portolan is free software: you may use, share and change it under \
                           the MIT licence or the Apache License 2.0, whichever you prefer. It \
                           comes with no warranty."
            .into(),
        homepage: HOMEPAGE.into(),
        data_heading: "Data from other projects".into(),
        data_notices,
        notices_heading: "Third-party notices".into(),
        notices_intro: format!(
            "Portolan is built with {crates} Rust crates and {npm} npm packages written by other \
             people. Their licences let Portolan use them on condition that their notices come \
             with every copy: each is listed here with its licence, and the licence texts follow."
        ),
        components: n.components.clone(),
        licences_heading: "Licence texts".into(),
        licences,
    }
}

/// `portolan -V`: the name and the version on one line.
pub fn version_line() -> String {
    format!("portolan {VERSION}")
}

/// `portolan --version`: the version line, the licence, the data notices, then every component
/// and every licence text, as plain text.
pub fn plain_text(a: &About) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{}", version_line());
    let _ = writeln!(out, "{}", a.tagline);
    let _ = writeln!(out, "Licence: {}. {}", a.licence, a.licence_sentence);
    let _ = writeln!(out, "Home page: {}", a.homepage);
    if !a.data_notices.is_empty() {
        let _ = writeln!(out, "\n{}", a.data_heading);
        for d in &a.data_notices {
            let _ = writeln!(out, "- {} ({}): {}", d.title, d.licence, d.text);
        }
    }
    let _ = writeln!(out, "\n{}\n{}\n", a.notices_heading, a.notices_intro);
    for c in &a.components {
        let kind = match c.kind {
            ComponentKind::Crate => "crate",
            ComponentKind::Npm => "npm",
        };
        let _ = writeln!(out, "  {} {} ({kind}): {}", c.name, c.version, c.licence);
    }
    let _ = writeln!(out, "\n{}", a.licences_heading);
    for (i, l) in a.licences.iter().enumerate() {
        let users: Vec<&str> = a
            .components
            .iter()
            .filter(|c| c.texts.contains(&(i as u32)))
            .map(|c| c.name.as_str())
            .collect();
        let who = if users.is_empty() {
            String::new()
        } else {
            format!(", for: {}", users.join(", "))
        };
        let _ = writeln!(
            out,
            "\n---- {} ({}){who}\n\n{}",
            l.name,
            l.id,
            l.text.trim_end()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notices_file_is_complete() {
        let file: NoticesFile = serde_json::from_str(NOTICES_JSON).expect("valid JSON");
        assert!(file.components.len() > 100, "crates and npm packages");
        assert!(!file.texts.is_empty());
        for c in &file.components {
            assert!(!c.texts.is_empty(), "{} has a licence text", c.name);
            for &t in &c.texts {
                assert!((t as usize) < file.texts.len(), "{} text index", c.name);
            }
        }
        for shipped in ["tauri", "rustls", "ring", "lettre", "keyring-core"] {
            assert!(
                file.components
                    .iter()
                    .any(|c| c.kind == ComponentKind::Crate && c.name == shipped),
                "{shipped} is listed"
            );
        }
        for shipped in ["svelte", "@tauri-apps/api"] {
            assert!(
                file.components
                    .iter()
                    .any(|c| c.kind == ComponentKind::Npm && c.name == shipped),
                "{shipped} is listed"
            );
        }
        assert!(
            !file
                .components
                .iter()
                .any(|c| c.name.starts_with("portolan")),
            "Portolan's own crates are not third-party"
        );
    }

    #[test]
    fn about_names_the_version_and_licence_of_the_workspace() {
        let a = about();
        assert_eq!(a.version, VERSION);
        assert_eq!(a.name_and_version, format!("Portolan {VERSION}"));
        assert_eq!(a.licence, "MIT OR Apache-2.0");
        assert!(a.homepage.starts_with("https://"));
        assert!(a.notices_intro.contains(&format!(
            "{} Rust crates",
            a.components
                .iter()
                .filter(|c| c.kind == ComponentKind::Crate)
                .count()
        )));
    }

    #[test]
    fn the_ispdb_notice_and_its_licence_come_with_the_catalogue_data() {
        let a = about();
        // The catalogue carries the ISPDB's data, so its notice and its licence text are there.
        assert_eq!(a.data_notices.len(), 1);
        let notice = &a.data_notices[0];
        assert_eq!(notice.licence, "MPL-2.0");
        assert!(notice.text.contains("Mozilla Public License 2.0"));
        assert!(notice
            .text
            .contains("https://github.com/thunderbird/autoconfig"));
        let text = a.licences.last().unwrap();
        assert_eq!(text.id, "MPL-2.0");
        assert!(text.text.contains("Mozilla Public License Version 2.0"));
        // Without the data, neither.
        let without = about_with(None);
        assert!(without.data_notices.is_empty());
        assert_eq!(without.licences.len(), a.licences.len() - 1);
    }

    #[test]
    fn the_plain_text_starts_with_the_version_line_and_holds_every_text() {
        let a = about();
        let text = plain_text(&a);
        assert_eq!(text.lines().next(), Some(version_line().as_str()));
        assert!(text.contains("Licence: MIT OR Apache-2.0."));
        assert!(text.contains("Thunderbird's ISPDB (MPL-2.0)"));
        for c in &a.components {
            assert!(text.contains(&format!("  {} {} (", c.name, c.version)));
        }
        assert_eq!(text.matches("\n---- ").count(), a.licences.len());
    }
}
