//! The catalogue's model: providers, their servers, user-name rules and notes, each fact with
//! its source, and the words a note is put in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::discover::address::EmailAddress;
use crate::ports::Security;

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
    /// The name users see, with the region when there is one ("Amazon SES (Europe, Ireland)").
    pub name: String,
    /// The name without the region ("Amazon SES"), shared by a service's regional entries;
    /// the same as `name` when there is no region.
    pub brand: String,
    /// The region or variant of a service with several entries ("Europe, Ireland"), from the
    /// catalogue's `region` field.
    pub region: Option<String>,
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
    pub(super) mx_implicit: Vec<String>,
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
                .map(|p| crate::discover::autoconfig::substitute(p, addr)),
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
                let host =
                    crate::discover::autoconfig::substitute(&s.host, addr).to_ascii_lowercase();
                crate::discover::valid_host(&host).then(|| ServerEntry { host, ..s.clone() })
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
                    text = format!("As of {}: {text}", crate::report::date_for_people(d));
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
    pub(super) fn mx_match(&self, mx_host: &str) -> Option<(usize, bool)> {
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

/// `YYYY-MM-DD` as numbers, when it is a real date from 1990 on (a date a fact was read).
pub(super) fn parse_date(iso: &str) -> Option<(u16, u8, u8)> {
    crate::report::calendar_date(iso).filter(|&(y, _, _)| y >= 1990)
}
