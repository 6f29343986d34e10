//! Discovery's public types: where a candidate came from and how far it can be relied on,
//! the candidate itself, each source's report, the result, the progress events and the
//! options.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::catalogue::PolicyNote;
use super::egress::Egress;
use super::guess::{self, HostProber};
use super::probe_adapter::EngineProber;
use crate::ports::Security;
use crate::tls::Trust;

/// Thunderbird's ISPDB, queried with the domain only.
pub const DEFAULT_ISPDB_URL: &str = "https://autoconfig.thunderbird.net/v1.1/";

/// Where a candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The built-in provider list, matched by the address's domain.
    Catalogue,
    /// The domain's autoconfig server, `https://autoconfig.<domain>/…`.
    Autoconfig,
    /// The domain's web site, `https://<domain>/.well-known/autoconfig/…`.
    WellKnown,
    /// DNS SRV records `_submissions._tcp` / `_submission._tcp`.
    Srv,
    /// Thunderbird's shared provider database.
    Ispdb,
    /// The domain's MX record, matched with the built-in provider list.
    Mx,
    /// The domain's autoconfig fetched without encryption (less trusted).
    AutoconfigHttp,
    /// Common server names, confirmed by a probe.
    Guess,
}

impl SourceKind {
    /// Every source, in ranking order.
    pub const ALL: [SourceKind; 8] = [
        SourceKind::Catalogue,
        SourceKind::Autoconfig,
        SourceKind::WellKnown,
        SourceKind::Srv,
        SourceKind::Ispdb,
        SourceKind::Mx,
        SourceKind::AutoconfigHttp,
        SourceKind::Guess,
    ];

    /// Where a candidate came from, in the words the app shows.
    pub fn origin(self) -> &'static str {
        match self {
            SourceKind::Catalogue => "from the built-in provider list",
            SourceKind::Autoconfig | SourceKind::WellKnown => "published by your domain",
            SourceKind::Srv => "published by your domain in its DNS records",
            SourceKind::Ispdb => "from Thunderbird's shared list of providers",
            SourceKind::Mx => {
                "from the built-in provider list, matched by who receives your domain's mail"
            }
            SourceKind::AutoconfigHttp => {
                "published by your domain, but fetched without encryption (less trusted)"
            }
            SourceKind::Guess => "found by trying common server names",
        }
    }

    /// The source's name in a list of what was tried.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Catalogue => "Built-in provider list",
            SourceKind::Autoconfig => "Your domain's autoconfig server",
            SourceKind::WellKnown => "Your domain's web site (.well-known)",
            SourceKind::Srv => "DNS service records (SRV)",
            SourceKind::Ispdb => "Thunderbird's provider database",
            SourceKind::Mx => "Who receives your domain's mail (MX)",
            SourceKind::AutoconfigHttp => "Your domain's autoconfig without encryption",
            SourceKind::Guess => "Common server names",
        }
    }

    /// Lower ranks first.
    pub(super) fn rank(self) -> u8 {
        match self {
            SourceKind::Catalogue => 0,
            SourceKind::Autoconfig | SourceKind::WellKnown => 1,
            SourceKind::Srv => 2,
            SourceKind::Ispdb => 3,
            SourceKind::Mx => 4,
            SourceKind::AutoconfigHttp => 5,
            SourceKind::Guess => 6,
        }
    }
}

/// How far a candidate can be relied on before it is checked (a confidence level, not a
/// certificate decision: that is [`crate::tls::Trust`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Reviewed facts (the catalogue) or published by the domain over an encrypted channel.
    High,
    /// Third-party data (ISPDB), DNS records (unsigned) or a confirmed guess.
    Normal,
    /// Fetched without encryption: could have been changed on the way.
    Low,
}

/// One proposed server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Candidate {
    /// Server name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// The user name to propose, when known.
    pub username: Option<String>,
    /// Where to find the user name when it is not the address (e.g. a service's dashboard).
    pub username_hint: Option<String>,
    /// The most trusted source that proposed it.
    pub source: SourceKind,
    /// Where it came from, in plain words ("from the built-in provider list", …).
    pub origin: String,
    /// Other sources that proposed the same server.
    pub also_from: Vec<SourceKind>,
    /// Catalogue id of the provider, when known.
    pub provider_id: Option<String>,
    /// Provider name, when known.
    pub provider_name: Option<String>,
    /// Rules to show before the password is typed.
    pub notes: Vec<PolicyNote>,
    /// The provider's help page.
    pub help_url: Option<String>,
    /// How far it can be relied on before it is checked.
    pub confidence: Confidence,
    /// True when a probe saw an SMTP server answer there (no password sent).
    pub confirmed: bool,
}

impl Candidate {
    /// A proposal of `host:port` by `source`, with the source's origin in words and nothing
    /// else known yet (no user name, provider, notes or help; not confirmed). Sources fill in
    /// what they know with struct update syntax.
    pub fn new(
        host: impl Into<String>,
        port: u16,
        security: Security,
        source: SourceKind,
        confidence: Confidence,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            security,
            username: None,
            username_hint: None,
            source,
            origin: source.origin().to_owned(),
            also_from: Vec::new(),
            provider_id: None,
            provider_name: None,
            notes: Vec::new(),
            help_url: None,
            confidence,
            confirmed: false,
        }
    }
}

/// How a source fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// It proposed at least one server.
    Found,
    /// It answered, with nothing to propose.
    NothingFound,
    /// It failed (unreachable, error, unreadable answer).
    Failed,
    /// It did not finish within the time budget.
    TimedOut,
    /// It was not tried (offline, not needed, not available).
    Skipped,
}

/// One source's story, for the details view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SourceReport {
    /// Which source.
    pub source: SourceKind,
    /// Its name in plain words.
    pub label: String,
    /// How it fared.
    pub status: SourceStatus,
    /// What happened, in plain words.
    pub detail: String,
    /// How many servers it proposed.
    pub found: u32,
    /// Milliseconds from the start of discovery to its end.
    pub elapsed_ms: u32,
}

/// The result of a discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Discovery {
    /// The address, domain as typed (Unicode).
    pub address: String,
    /// The domain as typed (Unicode).
    pub domain: String,
    /// The domain as looked up (ASCII, punycode).
    pub ascii_domain: String,
    /// Ranked, de-duplicated proposals; the first is the best.
    pub candidates: Vec<Candidate>,
    /// What each source did.
    pub sources: Vec<SourceReport>,
    /// Every DNS question, URL and server contacted, in order.
    pub left_computer: Vec<Egress>,
    /// Whether the address itself was sent to anyone (only with the user's permission).
    pub address_shared: bool,
    /// One sentence for the user.
    pub summary: String,
    /// Milliseconds the whole discovery took.
    pub elapsed_ms: u32,
    /// Milliseconds until the first proposal arrived, if any did.
    pub first_candidate_ms: Option<u32>,
}

/// Progress, as it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiscoverEvent {
    /// A source began.
    SourceStarted {
        /// Which source.
        source: SourceKind,
        /// Its name in plain words.
        label: String,
    },
    /// A source ended.
    SourceFinished {
        /// How it fared.
        report: SourceReport,
    },
    /// A source proposed a server (not yet ranked against the others).
    Found {
        /// The proposal.
        candidate: Candidate,
        /// Milliseconds since discovery started.
        after_ms: u32,
    },
}

/// Everything a discovery can be told; `Default` is what the app uses.
#[derive(Clone)]
pub struct DiscoverOptions {
    /// The whole discovery's time budget.
    pub budget: Duration,
    /// Catalogue only: nothing leaves the computer.
    pub offline: bool,
    /// Allow sending the address to the domain's autoconfig server (`?emailaddress=`), as
    /// Thunderbird does. Off by default: only the domain is revealed.
    pub share_address: bool,
    /// A DNS server to ask instead of the system's (IP:port).
    pub resolver: Option<SocketAddr>,
    /// Time allowed for one DNS question.
    pub dns_timeout: Duration,
    /// Base URL of the ISPDB (the domain is appended); `None` skips it.
    pub ispdb_url: Option<String>,
    /// The certificate authorities trusted by every encrypted connection discovery makes:
    /// autoconfig and ISPDB over HTTPS, and the probes that confirm guessed servers. `None`
    /// means the platform's; an extra CA (a company's, or a test CA) goes in here, once.
    pub trust: Option<Trust>,
    /// Port of the domain's HTTPS autoconfig (443; tests use a loopback port).
    pub autoconfig_https_port: u16,
    /// Port of the domain's HTTP autoconfig fallback (80; tests use a loopback port).
    pub autoconfig_http_port: u16,
    /// Whether to try HTTP when both HTTPS locations fail, as Thunderbird does.
    pub http_fallback: bool,
    /// Time allowed for one web request.
    pub request_timeout: Duration,
    /// Largest autoconfig file read, in bytes.
    pub max_response_bytes: usize,
    /// Whether to try common server names.
    pub guess: bool,
    /// (port, security) pairs tried on each guessed name.
    pub guess_ports: Vec<(u16, Security)>,
    /// Time allowed for probing one guessed name.
    pub guess_timeout: Duration,
    /// What confirms a guess (the engine's probe by default); without one, guessing is
    /// skipped.
    pub prober: Option<Arc<dyn HostProber>>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        Self {
            budget: Duration::from_secs(8),
            offline: false,
            share_address: false,
            resolver: None,
            dns_timeout: Duration::from_secs(3),
            ispdb_url: Some(DEFAULT_ISPDB_URL.to_owned()),
            trust: None,
            autoconfig_https_port: 443,
            autoconfig_http_port: 80,
            http_fallback: true,
            request_timeout: Duration::from_secs(5),
            max_response_bytes: 1024 * 1024,
            guess: true,
            guess_ports: guess::default_ports(),
            guess_timeout: Duration::from_secs(6),
            prober: Some(Arc::new(EngineProber::default())),
        }
    }
}

impl std::fmt::Debug for DiscoverOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscoverOptions")
            .field("budget", &self.budget)
            .field("offline", &self.offline)
            .field("share_address", &self.share_address)
            .field("resolver", &self.resolver)
            .field("ispdb_url", &self.ispdb_url)
            .field("trust", &self.trust)
            .field("autoconfig_https_port", &self.autoconfig_https_port)
            .field("autoconfig_http_port", &self.autoconfig_http_port)
            .field("guess", &self.guess)
            .field("guess_ports", &self.guess_ports)
            .field("prober", &self.prober)
            .finish_non_exhaustive()
    }
}
