//! The built-in provider catalogue, offline: Thunderbird's ISPDB (`data/ispdb.json`, generated
//! by `scripts/ispdb-import.sh`, MPL-2.0) merged with Portolan's own layer
//! (`data/providers.toml`): policy notes, help links, corrections and the sending services.
//! Every fact carries its source (a documentation address and the date it was read) and whether
//! it was verified; unverified facts are put to the user as what is usually so.
//!
//! Providers are matched by the address's domain, or by the host of the domain's
//! most-preferred MX record (the most specific suffix wins; on a tie, a suffix the own layer
//! names wins over an ISPDB domain).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::address::EmailAddress;
use crate::error::{ErrorCode, UserError};
use crate::ports::Security;

pub mod ispdb;
mod known;
mod own;
mod services;

pub use self::known::{checked_link, is_catalogue_link, known, known_provider};
pub use self::services::{
    find_sending_service, sending_service, sending_service_views, SendingService,
};

/// Portolan's own layer, reviewed by people; every fact names its source.
pub const CATALOGUE_TOML: &str = include_str!("../../../data/providers.toml");

/// What sort of service a provider is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// A mailbox with an address (Gmail, Fastmail, …).
    Mailbox,
    /// A relay for apps and websites (SendGrid, Amazon SES, …).
    SendingService,
    /// A program on this computer that sends for the provider (Proton Mail Bridge).
    Bridge,
}

/// How the provider expects the user name to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UsernameRule {
    /// The full email address.
    Address,
    /// Only the part before the `@`.
    LocalPart,
    /// A fixed word, e.g. SendGrid's `apikey`.
    Literal,
    /// Credentials made in the service's dashboard; the hint says where.
    FromService,
    /// Built from the address by the ISPDB's pattern in `username_value`
    /// (e.g. `%EMAILLOCALPART%.%EMAILDOMAIN%`).
    Pattern,
}

/// The kind of a rule shown before the password is typed; the UI may pick an icon from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The normal password is refused; an app password is needed.
    AppPassword,
    /// Passwords are refused altogether; only OAuth sign-in works.
    OauthOnly,
    /// An administrator must switch SMTP sign-in on first.
    AdminEnableSmtpAuth,
    /// The password is an API key or token, not the account password.
    ApiKey,
    /// A switch in the provider's settings must be turned on first.
    EnableInSettings,
    /// A helper program on this computer does the sending.
    Bridge,
    /// Only some (paid) plans include SMTP.
    PaidPlan,
    /// Anything else worth knowing.
    Info,
}

/// Whose fact it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FactOrigin {
    /// Thunderbird's ISPDB (the snapshot named in `data/ispdb-SOURCE.md`).
    Ispdb,
    /// Portolan's own layer (`data/providers.toml`).
    Portolan,
}

/// Where a fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FactSource {
    /// The documentation page (https): the provider's, or the ISPDB file at its commit.
    pub url: String,
    /// When the fact was read there (YYYY-MM-DD).
    pub read: String,
    /// Whether the fact was confirmed against the source; if not, it is shown as what is
    /// usually so.
    pub verified: bool,
    /// Whose fact it is.
    pub origin: FactOrigin,
}

/// A rule or fact shown before the password is typed, in the core's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyNote {
    /// What sort of rule this is.
    pub kind: NoteKind,
    /// The words shown before the text: "Before you type your password:" for a rule about
    /// the password, "Good to know:" for information.
    #[serde(default)]
    pub lead: String,
    /// The rule in plain words, with what to do (and "Usually" or the date where they apply).
    pub text: String,
    /// The provider's https page where the user acts on it (e.g. makes an app password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub link: Option<String>,
    /// The date of the provider's statement the note relies on (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub as_of: Option<String>,
    /// Where the note comes from, when it is the catalogue's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source: Option<FactSource>,
}

impl PolicyNote {
    /// A note found on the network (no catalogue source, link or date).
    pub fn new(kind: NoteKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            lead: kind.lead().to_owned(),
            text: text.into(),
            link: None,
            as_of: None,
            source: None,
        }
    }
}

impl NoteKind {
    /// The words before a note of this kind: only rules about the password say "Before you
    /// type your password".
    pub fn lead(self) -> &'static str {
        match self {
            NoteKind::AppPassword
            | NoteKind::OauthOnly
            | NoteKind::AdminEnableSmtpAuth
            | NoteKind::ApiKey
            | NoteKind::EnableInSettings => "Before you type your password:",
            NoteKind::Bridge => "Before you start:",
            NoteKind::PaidPlan | NoteKind::Info => "Good to know:",
        }
    }
}

/// A catalogue note, before it is put into words ([`Provider::policy_notes`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Note {
    /// What sort of rule this is.
    pub kind: NoteKind,
    /// The rule as the catalogue states it.
    pub text: String,
    /// The https page where the user acts on it.
    pub link: Option<String>,
    /// The date of the statement the note relies on (YYYY-MM-DD).
    pub as_of: Option<String>,
    /// The day the rule takes or took effect (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// Where it comes from.
    pub source: FactSource,
}

/// One server of a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServerEntry {
    /// Host name (or loopback IP for a bridge); may hold the ISPDB's `%EMAILDOMAIN%`, filled
    /// in by [`Provider::servers_for`].
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// Where it comes from.
    pub source: FactSource,
}

/// One provider of the catalogue: the ISPDB's facts and the own layer's, merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Provider {
    /// Stable identifier: the own layer's id, or the ISPDB file's name (e.g. `qq.com`).
    pub id: String,
    /// The name users see.
    pub name: String,
    /// Mailbox, sending service or bridge.
    pub kind: ProviderKind,
    /// Address domains that mean this provider.
    pub domains: Vec<String>,
    /// Suffixes of the most-preferred MX host that mean this provider (the own layer's; the
    /// ISPDB's domains count as MX suffixes too, as in Thunderbird).
    pub mx: Vec<String>,
    /// The provider's https page with these settings.
    pub help: Option<String>,
    /// Whether the help link is the right page: the link itself, when it was read, verified.
    pub help_source: Option<FactSource>,
    /// Where the name, kind, domains and MX suffixes come from.
    pub source: FactSource,
    /// The ISPDB file the entry comes from or completes.
    pub ispdb: Option<String>,
    /// How to write the user name.
    pub username: UsernameRule,
    /// The fixed user name ([`UsernameRule::Literal`]) or pattern ([`UsernameRule::Pattern`]).
    pub username_value: Option<String>,
    /// Where to find the user name, for [`UsernameRule::FromService`].
    pub username_hint: Option<String>,
    /// The https page where the credentials are made.
    pub username_link: Option<String>,
    /// Where the user-name rule comes from.
    pub username_source: FactSource,
    /// Servers in the provider's order of preference.
    pub servers: Vec<ServerEntry>,
    /// Rules shown before the password is typed.
    pub notes: Vec<Note>,
    /// Whether the provider offers OAuth2 sign-in (from the ISPDB).
    pub oauth2: bool,
    /// Why the own layer replaced the ISPDB's servers, when it did.
    pub servers_replaced: Option<String>,
    /// The ISPDB's domains, also matched as MX suffixes.
    #[serde(skip)]
    #[ts(skip)]
    mx_implicit: Vec<String>,
}

impl Provider {
    /// The user name to propose for `addr`, when the rule gives one.
    pub fn username_for(&self, addr: &EmailAddress) -> Option<String> {
        match self.username {
            UsernameRule::Address => Some(addr.ascii()),
            UsernameRule::LocalPart => Some(addr.local.clone()),
            UsernameRule::Literal => self.username_value.clone(),
            UsernameRule::Pattern => self
                .username_value
                .as_deref()
                .map(|p| super::autoconfig::substitute(p, addr)),
            UsernameRule::FromService => None,
        }
    }

    /// What to show about the user name besides the proposed one: the service's hint, or
    /// "usually" when the rule is not confirmed.
    pub fn username_words(&self) -> Option<String> {
        if self.username_hint.is_some() {
            return self.username_hint.clone();
        }
        if self.username_source.verified {
            return None;
        }
        Some(match self.username {
            UsernameRule::Address => format!(
                "The user name is usually your full address; Portolan could not confirm this in {}'s documentation.",
                self.name
            ),
            UsernameRule::LocalPart => format!(
                "The user name is usually the part of your address before the @; Portolan could not confirm this in {}'s documentation.",
                self.name
            ),
            _ => format!(
                "Portolan could not confirm this user name in {}'s documentation.",
                self.name
            ),
        })
    }

    /// The servers for `addr`, placeholders filled in; one a settings check would refuse is
    /// left out.
    pub fn servers_for(&self, addr: &EmailAddress) -> Vec<ServerEntry> {
        self.servers
            .iter()
            .filter_map(|s| {
                let host = super::autoconfig::substitute(&s.host, addr).to_ascii_lowercase();
                super::valid_host(&host).then(|| ServerEntry { host, ..s.clone() })
            })
            .collect()
    }

    /// What to say about one server before the password is typed: that it is only what the
    /// provider usually uses, when unconfirmed; that it is unencrypted, when it is.
    pub fn server_notes(&self, server: &ServerEntry) -> Vec<PolicyNote> {
        let mut out = Vec::new();
        if !server.source.verified {
            out.push(PolicyNote {
                source: Some(server.source.clone()),
                ..PolicyNote::new(
                    NoteKind::Info,
                    format!(
                        "Usually: {name} sends through {host} port {port}, but Portolan could not confirm this in {name}'s documentation. The check shows whether a mail server answers there before your password is used.",
                        name = self.name,
                        host = server.host,
                        port = server.port
                    ),
                )
            });
        }
        if server.security == Security::None {
            out.push(PolicyNote {
                source: Some(server.source.clone()),
                ..PolicyNote::new(
                    NoteKind::Info,
                    "This server is listed without encryption: a password sent to it could be read on the way.",
                )
            });
        }
        out
    }

    /// The notes in the core's words: dated ones say the date of the statement they rely on,
    /// unconfirmed ones say they are what is usually so.
    pub fn policy_notes(&self) -> Vec<PolicyNote> {
        self.notes
            .iter()
            .map(|n| {
                let mut text = n.text.clone();
                if let Some(d) = n.as_of.as_deref() {
                    text = format!("As of {}: {text}", long_date(d));
                }
                if !n.source.verified {
                    text = format!(
                        "Usually: {text} (Portolan could not confirm this in {}'s documentation.)",
                        self.name
                    );
                }
                PolicyNote {
                    kind: n.kind,
                    lead: n.kind.lead().to_owned(),
                    text,
                    link: n.link.clone(),
                    as_of: n.as_of.clone(),
                    source: Some(n.source.clone()),
                }
            })
            .collect()
    }

    /// Whether `mx_host` (lower case, no final dot) is one of this provider's: the length of
    /// the most specific suffix and whether the own layer names it.
    fn mx_match(&self, mx_host: &str) -> Option<(usize, bool)> {
        let hit = |p: &String| mx_host == p.as_str() || mx_host.ends_with(&format!(".{p}"));
        let own = self.mx.iter().filter(|p| hit(p)).map(|p| (p.len(), true));
        let ispdb = self
            .mx_implicit
            .iter()
            .filter(|p| hit(p))
            .map(|p| (p.len(), false));
        own.chain(ispdb).max()
    }
}

/// `YYYY-MM-DD` as "27 January 2026" (the date as given when it is not one).
pub fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match parse_date(iso) {
        Some((y, m, d)) => format!("{d} {} {y}", MONTHS[usize::from(m - 1)]),
        None => iso.to_owned(),
    }
}

/// `YYYY-MM-DD` as numbers, when it is a real date.
fn parse_date(iso: &str) -> Option<(u16, u8, u8)> {
    let mut parts = iso.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (u16, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    ((1..=days).contains(&d) && y >= 1990).then_some((y, m, d))
}

/// The merged catalogue and its indexes.
#[derive(Debug)]
pub struct Catalogue {
    /// Every provider: the own layer's entries first (in the file's order), then the ISPDB's
    /// that no own entry completes (by file name).
    pub providers: Vec<Provider>,
    by_domain: HashMap<String, usize>,
    /// Address domains the own layer takes from another provider's ISPDB entry.
    pub overridden_domains: Vec<(String, String, String)>,
}

/// Merges the ISPDB data and the own layer; any inconsistency is an error naming the entry.
pub fn build(ispdb_json: &str, own_toml: &str) -> Result<Catalogue, String> {
    let data = ispdb::parse(ispdb_json).map_err(|e| format!("ispdb.json: {e}"))?;
    let own = own::parse(own_toml).map_err(|e| format!("providers.toml: {e}"))?;
    let ispdb_fact = |file: &str| FactSource {
        url: data.source.file_url(&format!("{file}.xml")),
        read: data.source.date.clone(),
        verified: true,
        origin: FactOrigin::Ispdb,
    };
    let mut used: HashMap<&str, &str> = HashMap::new();
    let mut ids = std::collections::HashSet::new();
    let mut providers = Vec::new();
    for def in &own {
        let entry = def.id.as_str();
        let isp = match def.ispdb.as_deref() {
            Some(file) => {
                if let Some(other) = used.insert(file, entry) {
                    return Err(format!(
                        "{entry}: the ISPDB file {file} is completed by {other} already"
                    ));
                }
                Some(
                    data.providers
                        .iter()
                        .find(|p| p.file == file)
                        .ok_or_else(|| format!("{entry}: no ISPDB file {file}"))?,
                )
            }
            None => None,
        };
        let source = |key: &str, verified: bool| -> Result<FactSource, String> {
            if key == "ispdb" {
                let file = def
                    .ispdb
                    .as_deref()
                    .ok_or_else(|| format!("{entry}: source \"ispdb\" without an ISPDB file"))?;
                return Ok(FactSource {
                    verified,
                    ..ispdb_fact(file)
                });
            }
            let s = def
                .sources
                .get(key)
                .ok_or_else(|| format!("{entry}: unknown source \"{key}\""))?;
            Ok(FactSource {
                url: s.url.clone(),
                read: s.read.clone(),
                verified,
                origin: FactOrigin::Portolan,
            })
        };
        if !ids.insert(entry) {
            return Err(format!("{entry}: the id is used twice"));
        }
        let mut p = match isp {
            Some(isp) => from_ispdb(isp, ispdb_fact(&isp.file)),
            None => {
                if def.servers.is_none() || def.username.is_none() || def.help.is_none() {
                    return Err(format!(
                        "{entry}: an entry without an ISPDB file needs servers, a user name and a help link"
                    ));
                }
                Provider {
                    id: String::new(),
                    name: String::new(),
                    kind: def.kind,
                    domains: Vec::new(),
                    mx: Vec::new(),
                    help: None,
                    help_source: None,
                    source: source(&def.source, def.verified)?,
                    ispdb: None,
                    username: UsernameRule::Address,
                    username_value: None,
                    username_hint: None,
                    username_link: None,
                    username_source: source(&def.source, def.verified)?,
                    servers: Vec::new(),
                    notes: Vec::new(),
                    oauth2: false,
                    servers_replaced: None,
                    mx_implicit: Vec::new(),
                }
            }
        };
        p.id = def.id.clone();
        p.kind = def.kind;
        if let Some(name) = &def.name {
            p.name = name.clone();
        }
        if p.name.is_empty() {
            return Err(format!("{entry}: no name"));
        }
        p.source = source(&def.source, def.verified)?;
        for d in &def.domains {
            if !p.domains.contains(d) {
                p.domains.push(d.clone());
            }
        }
        p.mx = def.mx.clone();
        if let Some(h) = &def.help {
            // The help link is its own source.
            p.help = Some(h.url.clone());
            p.help_source = Some(FactSource {
                url: h.url.clone(),
                read: h.read.clone(),
                verified: h.verified,
                origin: FactOrigin::Portolan,
            });
        }
        if let Some(s) = &def.servers {
            let list = s
                .list
                .iter()
                .map(|d| {
                    Ok(ServerEntry {
                        host: d.host.clone(),
                        port: d.port,
                        security: d.security,
                        source: source(&d.source, d.verified)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            match s.mode {
                own::ServersMode::Replace => {
                    if isp.is_some() {
                        p.servers_replaced = Some(s.why.clone().unwrap_or_default());
                    }
                    p.servers = list;
                }
                own::ServersMode::Add => {
                    if isp.is_none() {
                        return Err(format!(
                            "{entry}: servers \"add\" to nothing (no ISPDB file)"
                        ));
                    }
                    p.servers.extend(list);
                }
            }
        }
        if let Some(u) = &def.username {
            p.username = match u.rule {
                own::RuleDef::Address => UsernameRule::Address,
                own::RuleDef::LocalPart => UsernameRule::LocalPart,
                own::RuleDef::Literal => UsernameRule::Literal,
                own::RuleDef::FromService => UsernameRule::FromService,
            };
            p.username_value = u.value.clone();
            p.username_hint = u.hint.clone();
            p.username_link = u.link.clone();
            p.username_source = source(&u.source, u.verified)?;
        }
        if !def.notes.is_empty() {
            // The own layer's notes replace the ISPDB's of the same kind or with the same link.
            p.notes.retain(|n| {
                def.notes
                    .iter()
                    .all(|o| o.kind != n.kind && (o.link.is_none() || o.link != n.link))
            });
            for n in &def.notes {
                p.notes.push(Note {
                    kind: n.kind,
                    text: n.text.clone(),
                    link: n.link.clone(),
                    as_of: n.as_of.clone(),
                    deadline: n.deadline.clone(),
                    source: source(&n.source, n.verified)?,
                });
            }
        }
        if p.servers.is_empty() {
            return Err(format!("{entry}: no server"));
        }
        providers.push(p);
    }
    for isp in &data.providers {
        if !used.contains_key(isp.file.as_str()) {
            let mut p = from_ispdb(isp, ispdb_fact(&isp.file));
            p.id = isp.file.clone();
            providers.push(p);
        }
    }

    // Domains: the ISPDB's first, then the own layer's (which win).
    let mut by_domain: HashMap<String, usize> = HashMap::new();
    let mut overridden = Vec::new();
    for (i, p) in providers.iter().enumerate() {
        for d in &p.mx_implicit {
            by_domain.entry(d.clone()).or_insert(i);
        }
    }
    for (i, p) in providers.iter().enumerate() {
        let own_domains = own
            .iter()
            .find(|d| d.id == p.id)
            .map(|d| d.domains.as_slice())
            .unwrap_or_default();
        for d in own_domains {
            if let Some(prev) = by_domain.insert(d.clone(), i) {
                if prev != i {
                    if !providers[prev].mx_implicit.contains(d) {
                        return Err(format!(
                            "{}: domain {d} is {}'s already",
                            p.id, providers[prev].id
                        ));
                    }
                    overridden.push((d.clone(), providers[prev].id.clone(), p.id.clone()));
                }
            }
        }
    }
    Ok(Catalogue {
        providers,
        by_domain,
        overridden_domains: overridden,
    })
}

/// A provider as the ISPDB describes it.
fn from_ispdb(isp: &ispdb::IspdbProvider, fact: FactSource) -> Provider {
    let first = isp.servers.first();
    let (username, username_value) = match first.and_then(|s| s.username.as_deref()) {
        None | Some("%EMAILADDRESS%") => (UsernameRule::Address, None),
        Some("%EMAILLOCALPART%") => (UsernameRule::LocalPart, None),
        Some(pattern) if pattern.contains('%') => (UsernameRule::Pattern, Some(pattern.to_owned())),
        Some(word) => (UsernameRule::Literal, Some(word.to_owned())),
    };
    let mut notes = Vec::new();
    let oauth_only = !isp.servers.is_empty()
        && isp
            .servers
            .iter()
            .all(|s| !s.auth.is_empty() && s.auth.iter().all(|a| a == "OAuth2"));
    if oauth_only {
        notes.push(Note {
            kind: NoteKind::OauthOnly,
            text: format!(
                "{} only accepts sign-in through its own web page (OAuth); an app that asks for a password cannot send through it.",
                isp.name
            ),
            link: None,
            as_of: None,
            deadline: None,
            source: fact.clone(),
        });
    }
    if let Some(url) = &isp.enable_url {
        notes.push(Note {
            kind: NoteKind::EnableInSettings,
            text: format!(
                "{} lets other programs send only after access for mail programs is switched on once in your account's settings.",
                isp.name
            ),
            link: Some(url.clone()),
            as_of: None,
            deadline: None,
            source: fact.clone(),
        });
    }
    Provider {
        id: isp.file.clone(),
        name: isp.name.clone(),
        kind: ProviderKind::Mailbox,
        domains: isp.domains.clone(),
        mx: Vec::new(),
        help: isp.help.first().cloned(),
        help_source: isp.help.first().map(|_| fact.clone()),
        source: fact.clone(),
        ispdb: Some(isp.file.clone()),
        username,
        username_value,
        username_hint: None,
        username_link: None,
        username_source: fact.clone(),
        servers: isp
            .servers
            .iter()
            .map(|s| ServerEntry {
                host: s.host.clone(),
                port: s.port,
                security: s.security,
                source: fact.clone(),
            })
            .collect(),
        notes,
        oauth2: isp.oauth2,
        servers_replaced: None,
        mx_implicit: isp.domains.clone(),
    }
}

/// The embedded catalogue, merged once. A broken file is caught by the test suite; at run time
/// it degrades to an error the caller can show.
pub fn catalogue() -> Result<&'static Catalogue, UserError> {
    static CACHE: OnceLock<Result<Catalogue, String>> = OnceLock::new();
    match CACHE.get_or_init(|| build(ispdb::ISPDB_JSON, CATALOGUE_TOML)) {
        Ok(c) => Ok(c),
        Err(e) => Err(UserError::new(
            ErrorCode::CatalogueDamaged,
            format!("The built-in provider list could not be read: {e}"),
            "Reinstall Portolan; meanwhile the other ways of finding settings still work.",
        )),
    }
}

/// Every provider of the embedded catalogue.
pub fn providers() -> Result<&'static [Provider], UserError> {
    catalogue().map(|c| c.providers.as_slice())
}

/// The provider whose domain list holds `ascii_domain`.
pub fn by_domain(ascii_domain: &str) -> Option<&'static Provider> {
    let domain = ascii_domain.trim_end_matches('.').to_ascii_lowercase();
    let c = catalogue().ok()?;
    c.by_domain.get(&domain).map(|&i| &c.providers[i])
}

/// The provider whose MX suffixes match `mx_host` most specifically.
pub fn by_mx(mx_host: &str) -> Option<&'static Provider> {
    let host = mx_host.trim_end_matches('.').to_ascii_lowercase();
    let mut best: Option<((usize, bool), &'static Provider)> = None;
    for p in providers().ok()? {
        if let Some(m) = p.mx_match(&host) {
            // On a full tie the earlier entry (the own layer's) stays.
            if best.is_none_or(|(b, _)| m > b) {
                best = Some((m, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// The provider with this id.
pub fn by_id(id: &str) -> Option<&'static Provider> {
    providers().ok()?.iter().find(|p| p.id == id)
}

/// The sending services, in the catalogue's order (for "I send through a service").
pub fn sending_services() -> Vec<&'static Provider> {
    providers()
        .map(|list| {
            list.iter()
                .filter(|p| p.kind == ProviderKind::SendingService)
                .collect()
        })
        .unwrap_or_default()
}

/// A host name the catalogue may name: LDH labels, or an IP literal (for a bridge).
fn catalogue_host(h: &str) -> bool {
    if h.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

impl Catalogue {
    /// Every fact with its source: each provider's identity, help link, user-name rule,
    /// servers and notes.
    pub fn facts(&self) -> impl Iterator<Item = (&Provider, &FactSource)> {
        self.providers.iter().flat_map(|p| {
            std::iter::once(&p.source)
                .chain(p.help_source.iter())
                .chain(std::iter::once(&p.username_source))
                .chain(p.servers.iter().map(|s| &s.source))
                .chain(p.notes.iter().map(|n| &n.source))
                .map(move |f| (p, f))
        })
    }

    /// What is wrong with the catalogue's content, one line per problem (empty when sound):
    /// sources without an https address or a real date, links that are not https, servers
    /// Portolan should not offer, notes about a date without the date of their statement.
    pub fn audit(&self) -> Vec<String> {
        let mut out = Vec::new();
        let https = |u: &str| {
            u.starts_with("https://")
                && u.len() > "https://".len()
                && !u.contains(char::is_whitespace)
        };
        let sample = super::address::parse("user@example.com").ok();
        for (p, f) in self.facts() {
            if !https(&f.url) {
                out.push(format!(
                    "{}: a source that is not an https address: {}",
                    p.id, f.url
                ));
            }
            if parse_date(&f.read).is_none() {
                out.push(format!(
                    "{}: a source read on no real date: {}",
                    p.id, f.read
                ));
            }
        }
        for p in &self.providers {
            let id = &p.id;
            if p.id.is_empty()
                || !p
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            {
                out.push(format!("{id}: an id of other than a-z, 0-9, '-' and '.'"));
            }
            if p.ispdb.is_none() && p.id.contains('.') {
                out.push(format!(
                    "{id}: an own entry's id has a dot (reserved for ISPDB files)"
                ));
            }
            if p.name.trim().is_empty() {
                out.push(format!("{id}: no name"));
            }
            for (what, link) in [("help", &p.help), ("user-name", &p.username_link)] {
                if let Some(l) = link {
                    if !https(l) {
                        out.push(format!("{id}: a {what} link that is not https: {l}"));
                    }
                }
            }
            if p.ispdb.is_none() && p.help.is_none() {
                out.push(format!("{id}: no help link"));
            }
            for d in p.domains.iter().chain(&p.mx).chain(&p.mx_implicit) {
                if !catalogue_host(d) || d.parse::<std::net::IpAddr>().is_ok() {
                    out.push(format!("{id}: not a domain: {d}"));
                }
            }
            match p.username {
                UsernameRule::Literal | UsernameRule::Pattern
                    if p.username_value.as_deref().is_none_or(str::is_empty) =>
                {
                    out.push(format!("{id}: the user name's value is missing"));
                }
                UsernameRule::FromService
                    if p.username_hint.as_deref().is_none_or(str::is_empty) =>
                {
                    out.push(format!("{id}: say where the user name is found"));
                }
                _ => {}
            }
            if p.servers.is_empty() {
                out.push(format!("{id}: no server"));
            }
            for s in &p.servers {
                let host = match &sample {
                    Some(a) => super::autoconfig::substitute(&s.host, a),
                    None => s.host.clone(),
                };
                if !catalogue_host(&host) {
                    out.push(format!("{id}: bad host {}", s.host));
                }
                if s.port == 0 {
                    out.push(format!("{id}: port 0"));
                }
                if s.host.parse::<std::net::IpAddr>().is_ok()
                    && p.kind != ProviderKind::Bridge
                    && !p
                        .servers
                        .iter()
                        .any(|o| o.host.parse::<std::net::IpAddr>().is_err())
                {
                    out.push(format!("{id}: only an IP address, and not a bridge"));
                }
                // The ISPDB's servers are as Thunderbird documents them (a few odd ports, some
                // unencrypted); Portolan's own must be conventional and encrypted.
                if s.source.origin == FactOrigin::Portolan {
                    let ok_port = match s.port {
                        465 | 2465 | 8465 => s.security == Security::Tls,
                        587 | 2525 | 2587 | 8025 | 1025 => s.security == Security::Starttls,
                        25 => s.security == Security::Starttls,
                        _ => false,
                    };
                    if !ok_port {
                        out.push(format!(
                            "{id}: unusual port or security {} {:?}",
                            s.port, s.security
                        ));
                    }
                }
            }
            for n in &p.notes {
                if n.text.trim().len() < 20 {
                    out.push(format!("{id}: a note too short to help"));
                }
                if let Some(l) = &n.link {
                    if !https(l) {
                        out.push(format!("{id}: a note link that is not https: {l}"));
                    }
                }
                for d in n.as_of.iter().chain(&n.deadline) {
                    if parse_date(d).is_none() {
                        out.push(format!("{id}: a note date that is not a real date: {d}"));
                    }
                }
                if n.deadline.is_some() && n.as_of.is_none() {
                    out.push(format!(
                        "{id}: a note about a date must say the date of its statement (as_of)"
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_password_rules_say_before_you_type_your_password() {
        assert_eq!(
            PolicyNote::new(NoteKind::AppPassword, "x").lead,
            "Before you type your password:"
        );
        assert_eq!(PolicyNote::new(NoteKind::Info, "x").lead, "Good to know:");
        assert_eq!(
            PolicyNote::new(NoteKind::PaidPlan, "x").lead,
            "Good to know:"
        );
        assert_eq!(
            PolicyNote::new(NoteKind::Bridge, "x").lead,
            "Before you start:"
        );
    }
    use crate::discover::address;

    #[test]
    fn domain_and_mx_lookups_find_the_right_provider() {
        assert_eq!(by_domain("gmail.com").unwrap().id, "gmail");
        assert_eq!(by_domain("HOTMAIL.COM").unwrap().id, "outlook-com");
        assert_eq!(by_domain("qq.com.").unwrap().id, "qq");
        assert_eq!(by_domain("seznam.cz").unwrap().id, "seznam.cz");
        assert!(by_domain("example.com").is_none());
        assert_eq!(by_mx("aspmx.l.google.com.").unwrap().id, "google-workspace");
        assert_eq!(
            by_mx("contoso-com.mail.protection.outlook.com").unwrap().id,
            "microsoft-365"
        );
        assert_eq!(by_mx("mxa.eu.mailgun.org").unwrap().id, "mailgun-eu");
        assert_eq!(by_mx("mxa.mailgun.org").unwrap().id, "mailgun-us");
        // ISPDB domains count as MX suffixes, as in Thunderbird.
        assert_eq!(by_mx("mx00.t-online.de").unwrap().id, "t-online");
        // A pattern matches whole labels only: "gmail.com" is not "mail.com".
        assert!(by_mx("evilmail.ru").is_none());
        assert!(by_mx("xgmail.com").is_none());
    }

    #[test]
    fn username_rules_fill_the_user_name() {
        let a = address::parse("jo@example.com").unwrap();
        assert_eq!(
            by_id("sendgrid").unwrap().username_for(&a).as_deref(),
            Some("apikey")
        );
        let g = address::parse("jo@gmail.com").unwrap();
        assert_eq!(
            by_id("gmail").unwrap().username_for(&g).as_deref(),
            Some("jo@gmail.com")
        );
        assert!(by_id("postmark").unwrap().username_for(&a).is_none());
        // The ISPDB's patterns are filled in from the address.
        let pattern = providers()
            .unwrap()
            .iter()
            .find(|p| p.username == UsernameRule::Pattern)
            .expect("the ISPDB has user-name patterns");
        let d = address::parse(&format!("jo@{}", pattern.domains[0])).unwrap();
        let u = pattern.username_for(&d).unwrap();
        assert!(!u.contains('%') && u.starts_with("jo"), "{u}");
    }

    #[test]
    fn placeholders_in_hosts_are_filled_from_the_address() {
        let p = providers()
            .unwrap()
            .iter()
            .find(|p| p.servers.iter().any(|s| s.host.contains("%EMAILDOMAIN%")))
            .expect("the ISPDB has hosts with %EMAILDOMAIN%");
        let a = address::parse(&format!("jo@{}", p.domains[0])).unwrap();
        let servers = p.servers_for(&a);
        assert!(!servers.is_empty());
        assert!(servers.iter().all(|s| !s.host.contains('%')));
        assert!(servers.iter().any(|s| s.host.ends_with(&p.domains[0])));
    }

    #[test]
    fn dates_are_written_out_and_checked() {
        assert_eq!(long_date("2026-01-27"), "27 January 2026");
        assert_eq!(long_date("2024-09-16"), "16 September 2024");
        assert!(parse_date("2024-02-29").is_some());
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "26-01-27",
            "2026-1-27",
            "soon",
            "2026-01-27x",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn unverified_and_dated_notes_say_so_in_words() {
        let m365 = by_id("microsoft-365").unwrap();
        let notes = m365.policy_notes();
        let dated = notes.iter().find(|n| n.as_of.is_some()).unwrap();
        assert!(
            dated.text.starts_with("As of 27 January 2026: "),
            "{}",
            dated.text
        );
        let mail_com = by_id("mail-com").unwrap();
        let n = &mail_com.policy_notes()[0];
        assert!(n.text.starts_with("Usually: "), "{}", n.text);
        assert!(n.text.contains("could not confirm"));
        assert_eq!(n.source.as_ref().map(|s| s.verified), Some(false));
    }

    #[test]
    fn an_entry_without_a_source_or_verified_flag_is_refused() {
        let entry = |extra: &str| {
            format!(
                "[[provider]]\nid = \"x\"\nname = \"X\"\nkind = \"sending_service\"\n\
                 help = {{ url = \"https://x.example/help\", read = \"2026-12-06\", verified = true }}\n\
                 username = {{ rule = \"address\", source = \"doc\", verified = true }}\n\
                 {extra}\n[provider.sources]\ndoc = {{ url = \"https://x.example/doc\", read = \"2026-12-06\" }}\n"
            )
        };
        let servers = "servers = { mode = \"replace\", list = [{ host = \"smtp.x.example\", port = 587, security = \"starttls\", source = \"doc\", verified = true }] }";
        let good = entry(&format!("source = \"doc\"\nverified = true\n{servers}"));
        let c = build(ispdb::ISPDB_JSON, &good).unwrap();
        assert!(c.audit().is_empty(), "{:?}", c.audit());
        // No verified flag on the entry.
        assert!(build(
            ispdb::ISPDB_JSON,
            &entry(&format!("source = \"doc\"\n{servers}"))
        )
        .is_err());
        // No source on a server.
        let no_source = servers.replace("source = \"doc\", ", "");
        assert!(build(
            ispdb::ISPDB_JSON,
            &entry(&format!("source = \"doc\"\nverified = true\n{no_source}"))
        )
        .is_err());
        // A source that is not defined.
        let unknown = servers.replace("source = \"doc\"", "source = \"nowhere\"");
        let err = build(
            ispdb::ISPDB_JSON,
            &entry(&format!("source = \"doc\"\nverified = true\n{unknown}")),
        )
        .unwrap_err();
        assert!(err.contains("unknown source"), "{err}");
        // A source without an https address or a real date is an audit failure.
        let plain = good.replace("https://x.example/doc", "http://x.example/doc");
        assert!(!build(ispdb::ISPDB_JSON, &plain).unwrap().audit().is_empty());
        let undated = good.replace("read = \"2026-12-06\" }\n", "read = \"someday\" }\n");
        assert!(!build(ispdb::ISPDB_JSON, &undated)
            .unwrap()
            .audit()
            .is_empty());
    }
}
