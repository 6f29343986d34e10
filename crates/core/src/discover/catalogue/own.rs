//! Portolan's own layer of the catalogue (`data/providers.toml`) as written: what the ISPDB does
//! not say or says wrong, each fact with its source and a `verified` flag. The fields are
//! described at the top of the file; [`super`] merges this layer with the ISPDB data.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{NoteKind, ProviderKind};
use crate::ports::Security;

/// A named source of an entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceDef {
    /// The documentation page (https).
    pub url: String,
    /// When the fact was last checked against the page, or taken from it (YYYY-MM-DD).
    pub read: String,
}

/// A link that is a fact of its own: the provider's settings page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HelpDef {
    pub url: String,
    pub read: String,
    pub verified: bool,
}

/// One server, with its source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServerDef {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub source: String,
    pub verified: bool,
}

/// Whether the entry's servers replace the ISPDB's or come after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ServersMode {
    Replace,
    Add,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServersDef {
    pub mode: ServersMode,
    /// What the ISPDB says that is wrong, for `replace` of an ISPDB entry's servers.
    #[serde(default)]
    pub why: Option<String>,
    pub list: Vec<ServerDef>,
}

/// How the user name is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RuleDef {
    Address,
    LocalPart,
    Literal,
    FromService,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UsernameDef {
    pub rule: RuleDef,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
    pub source: String,
    pub verified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NoteDef {
    pub kind: NoteKind,
    pub text: String,
    #[serde(default)]
    pub link: Option<String>,
    /// The date of the statement the note relies on (YYYY-MM-DD); shown with the note.
    #[serde(default)]
    pub as_of: Option<String>,
    /// The day the rule takes or took effect (YYYY-MM-DD).
    #[serde(default)]
    pub deadline: Option<String>,
    pub source: String,
    pub verified: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProviderDef {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The region or variant of a service with several entries (e.g. "Europe, Ireland").
    #[serde(default)]
    pub region: Option<String>,
    pub kind: ProviderKind,
    #[serde(default)]
    pub ispdb: Option<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub mx: Vec<String>,
    pub source: String,
    pub verified: bool,
    #[serde(default)]
    pub help: Option<HelpDef>,
    #[serde(default)]
    pub servers: Option<ServersDef>,
    #[serde(default)]
    pub username: Option<UsernameDef>,
    #[serde(default)]
    pub sources: BTreeMap<String, SourceDef>,
    #[serde(default)]
    pub notes: Vec<NoteDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnFile {
    provider: Vec<ProviderDef>,
}

/// Reads the own layer.
pub(super) fn parse(text: &str) -> Result<Vec<ProviderDef>, String> {
    toml::from_str::<OwnFile>(text)
        .map(|f| f.provider)
        .map_err(|e| e.to_string())
}
