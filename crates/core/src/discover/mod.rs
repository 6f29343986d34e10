//! Discovery: from an email address to ranked candidate servers.
//!
//! Sources, all within one time budget: the built-in provider catalogue (by domain, offline);
//! then in parallel the domain's autoconfig files (HTTPS, HTTP only as a fallback and marked
//! less trusted), Thunderbird's ISPDB, DNS SRV (RFC 6186 / RFC 8314), the MX record matched
//! against the catalogue, and guessed host names that are kept only when a probe confirms
//! them. Each candidate says where it came from; the result lists what left the computer.
//! A slow or broken source never holds up the others: when the budget ends, what has arrived
//! is ranked and the rest is listed as "did not answer in time".

pub mod address;
pub mod autoconfig;
pub mod catalogue;
pub mod dns;
pub mod egress;
pub mod guess;
pub mod probe_adapter;
mod rank;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use ts_rs::TS;

use crate::error::UserError;
use crate::observer::Observer;
use crate::ports::Security;
use address::EmailAddress;
use catalogue::{NoteKind, PolicyNote, Provider};
use dns::{Dns, LookupFailure};
use egress::Recorder;
pub use egress::{Egress, EgressKind};
pub use guess::{HostProber, ProbeFuture, ProbeOutcome};

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
    fn rank(self) -> u8 {
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

/// How far a candidate can be trusted before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
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
    /// How far it can be trusted before it is checked.
    pub trust: Trust,
    /// True when a probe saw an SMTP server answer there (no password sent).
    pub confirmed: bool,
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
    /// Extra trusted CA certificates (PEM) for autoconfig over HTTPS.
    pub extra_ca_pem: Option<Vec<u8>>,
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
            extra_ca_pem: None,
            autoconfig_https_port: 443,
            autoconfig_http_port: 80,
            http_fallback: true,
            request_timeout: Duration::from_secs(5),
            max_response_bytes: 1024 * 1024,
            guess: true,
            guess_ports: guess::default_ports(),
            guess_timeout: Duration::from_secs(6),
            prober: Some(Arc::new(probe_adapter::EngineProber::default())),
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
            .field("extra_ca", &self.extra_ca_pem.is_some())
            .field("autoconfig_https_port", &self.autoconfig_https_port)
            .field("autoconfig_http_port", &self.autoconfig_http_port)
            .field("guess", &self.guess)
            .field("guess_ports", &self.guess_ports)
            .field("prober", &self.prober)
            .finish_non_exhaustive()
    }
}

/// A host name discovery will accept from the network: LDH labels (or an IP literal), and
/// nothing the settings would refuse (a server the user could not save is no use).
pub(crate) fn valid_host(host: &str) -> bool {
    if crate::settings::validate_host(host).is_err() {
        return false;
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let host = host.trim_end_matches('.');
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Candidates of a catalogue provider.
fn from_provider(p: &Provider, source: SourceKind, addr: &EmailAddress) -> Vec<Candidate> {
    p.servers
        .iter()
        .map(|s| Candidate {
            host: s.host.clone(),
            port: s.port,
            security: s.security,
            username: p.username_for(&addr.local, &addr.ascii()),
            username_hint: p.username_hint.clone(),
            source,
            origin: source.origin().to_owned(),
            also_from: Vec::new(),
            provider_id: Some(p.id.clone()),
            provider_name: Some(p.name.clone()),
            notes: p.notes.clone(),
            help_url: Some(p.help.clone()),
            trust: Trust::High,
            confirmed: false,
        })
        .collect()
}

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// Messages from the source tasks to the collector.
enum Msg {
    Started(SourceKind),
    Found(Vec<Candidate>),
    Finished(SourceKind, SourceStatus, String),
}

/// A sender that stamps nothing and never fails (a closed collector means the budget ended).
#[derive(Clone)]
struct Tx(mpsc::UnboundedSender<Msg>);

impl Tx {
    fn started(&self, s: SourceKind) {
        let _ = self.0.send(Msg::Started(s));
    }
    fn found(&self, s: SourceKind, c: Vec<Candidate>) {
        if !c.is_empty() {
            debug_assert!(c.iter().all(|x| x.source == s));
            let _ = self.0.send(Msg::Found(c));
        }
    }
    fn finished(&self, s: SourceKind, status: SourceStatus, detail: impl Into<String>) {
        let _ = self.0.send(Msg::Finished(s, status, detail.into()));
    }
}

/// Collects what the sources say, tells the observer, and keeps the first-proposal time.
struct Collector<'o> {
    start: Instant,
    observer: &'o dyn Observer<DiscoverEvent>,
    candidates: Vec<Candidate>,
    reports: Vec<SourceReport>,
    started: Vec<SourceKind>,
    first_ms: Option<u32>,
}

impl<'o> Collector<'o> {
    fn new(start: Instant, observer: &'o dyn Observer<DiscoverEvent>) -> Self {
        Self {
            start,
            observer,
            candidates: Vec::new(),
            reports: Vec::new(),
            started: Vec::new(),
            first_ms: None,
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Started(s) => {
                if !self.started.contains(&s) {
                    self.started.push(s);
                    self.observer.event(DiscoverEvent::SourceStarted {
                        source: s,
                        label: s.label().to_owned(),
                    });
                }
            }
            Msg::Found(cands) => {
                let after_ms = ms(self.start.elapsed());
                self.first_ms.get_or_insert(after_ms);
                for c in cands {
                    self.observer.event(DiscoverEvent::Found {
                        candidate: c.clone(),
                        after_ms,
                    });
                    self.candidates.push(c);
                }
            }
            Msg::Finished(s, status, detail) => self.finish(s, status, detail),
        }
    }

    fn finish(&mut self, source: SourceKind, status: SourceStatus, detail: String) {
        if self.is_finished(source) {
            return;
        }
        let found = self
            .candidates
            .iter()
            .filter(|c| c.source == source)
            .count();
        let report = SourceReport {
            source,
            label: source.label().to_owned(),
            status,
            detail,
            found: u32::try_from(found).unwrap_or(u32::MAX),
            elapsed_ms: ms(self.start.elapsed()),
        };
        self.observer.event(DiscoverEvent::SourceFinished {
            report: report.clone(),
        });
        self.reports.push(report);
    }

    fn is_finished(&self, s: SourceKind) -> bool {
        self.reports.iter().any(|r| r.source == s)
    }

    fn skip_rest(&mut self, why: &str) {
        for s in SourceKind::ALL {
            if !self.is_finished(s) {
                self.finish(s, SourceStatus::Skipped, why.to_owned());
            }
        }
    }
}

/// What every source task needs, owned so the tasks can be spawned.
struct Ctx {
    addr: EmailAddress,
    opts: DiscoverOptions,
    dns: Option<Dns>,
    http: Option<reqwest::Client>,
    recorder: Recorder,
    tx: Tx,
}

/// Finds candidate outgoing servers for `address`. Fails only for an invalid address (before
/// anything is sent); every source failure is reported inside the result instead.
pub async fn discover(
    address: &str,
    opts: &DiscoverOptions,
    observer: &dyn Observer<DiscoverEvent>,
) -> Result<Discovery, UserError> {
    let start = Instant::now();
    let addr = address::parse(address)?;
    let deadline = tokio::time::Instant::now() + opts.budget;
    let mut col = Collector::new(start, observer);
    let recorder = Recorder::default();

    // The catalogue first: it needs no network, and a domain match is the final answer.
    col.handle(Msg::Started(SourceKind::Catalogue));
    if let Err(e) = catalogue::providers() {
        col.finish(SourceKind::Catalogue, SourceStatus::Failed, e.message);
    } else if let Some(p) = catalogue::by_domain(&addr.ascii_domain) {
        col.handle(Msg::Found(from_provider(p, SourceKind::Catalogue, &addr)));
        col.finish(
            SourceKind::Catalogue,
            SourceStatus::Found,
            format!("{} is {}.", addr.domain, p.name),
        );
        col.skip_rest(&format!(
            "Not needed: {} is in the built-in provider list, so nothing was looked up on the network.",
            addr.domain
        ));
        return Ok(finish(addr, col, &recorder, false, start));
    } else {
        col.finish(
            SourceKind::Catalogue,
            SourceStatus::NothingFound,
            format!("{} is not in the built-in provider list.", addr.domain),
        );
    }
    if opts.offline {
        col.skip_rest("Skipped: offline mode, nothing is looked up on the network.");
        return Ok(finish(addr, col, &recorder, false, start));
    }

    let dns = Dns::new(opts.resolver, opts.dns_timeout, recorder.clone());
    let dns_error = dns.as_ref().err().cloned();
    let dns = dns.ok();
    let http = match tls_config(opts.extra_ca_pem.as_deref()) {
        Ok(tls) => autoconfig::client(tls, dns.clone(), recorder.clone(), opts.request_timeout)
            .map_err(|e| format!("the web client could not be set up ({e})")),
        Err(e) => Err(e),
    };
    let http_error = http.as_ref().err().cloned();
    let (raw_tx, mut rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(Ctx {
        addr: addr.clone(),
        opts: opts.clone(),
        dns,
        http: http.ok(),
        recorder: recorder.clone(),
        tx: Tx(raw_tx),
    });

    let mut tasks = tokio::task::JoinSet::new();
    if ctx.dns.is_some() {
        tasks.spawn(mx_source(ctx.clone()));
        tasks.spawn(srv_source(ctx.clone()));
    } else {
        let why = format!(
            "Could not ask DNS: {}.",
            dns_error.unwrap_or_else(|| "no resolver".to_owned())
        );
        col.finish(SourceKind::Mx, SourceStatus::Failed, why.clone());
        col.finish(SourceKind::Srv, SourceStatus::Failed, why);
    }
    if ctx.http.is_some() {
        tasks.spawn(autoconfig_sources(ctx.clone()));
        tasks.spawn(ispdb_source(ctx.clone()));
    } else {
        let why = format!(
            "Could not fetch web pages: {}.",
            http_error.unwrap_or_else(|| "no web client".to_owned())
        );
        for s in [
            SourceKind::Autoconfig,
            SourceKind::WellKnown,
            SourceKind::AutoconfigHttp,
            SourceKind::Ispdb,
        ] {
            col.finish(s, SourceStatus::Failed, why.clone());
        }
    }
    let guess_task = if !opts.guess {
        col.finish(
            SourceKind::Guess,
            SourceStatus::Skipped,
            "Skipped: trying common server names was switched off.".to_owned(),
        );
        None
    } else if opts.prober.is_none() || ctx.dns.is_none() {
        col.finish(
            SourceKind::Guess,
            SourceStatus::Skipped,
            "Skipped: no way to check guessed servers is available.".to_owned(),
        );
        None
    } else {
        Some(tasks.spawn(guess_source(ctx.clone())))
    };
    drop(ctx);

    let others_done = |col: &Collector<'_>| {
        SourceKind::ALL
            .iter()
            .filter(|s| **s != SourceKind::Guess)
            .all(|s| col.is_finished(*s))
    };
    loop {
        if SourceKind::ALL.iter().all(|s| col.is_finished(*s)) {
            break;
        }
        // Guesses are the last resort: once every other source has answered with something,
        // stop probing.
        if !col.is_finished(SourceKind::Guess)
            && others_done(&col)
            && col.candidates.iter().any(|c| c.source != SourceKind::Guess)
        {
            if let Some(h) = &guess_task {
                h.abort();
            }
            col.finish(
                SourceKind::Guess,
                SourceStatus::Skipped,
                "Not needed: other sources already proposed servers.".to_owned(),
            );
            continue;
        }
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => col.handle(m),
                None => break,
            },
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    tasks.abort_all();
    // Whatever arrived before the tasks stopped still counts.
    while let Ok(m) = rx.try_recv() {
        col.handle(m);
    }
    let budget_s = opts.budget.as_secs_f32();
    for s in SourceKind::ALL {
        if !col.is_finished(s) {
            let (status, detail) = if col.started.contains(&s) {
                (
                    SourceStatus::TimedOut,
                    format!(
                        "Did not answer within the {budget_s:.0} s allowed for finding settings."
                    ),
                )
            } else {
                (
                    SourceStatus::Skipped,
                    "Not tried: time ran out first.".to_owned(),
                )
            };
            col.finish(s, status, detail);
        }
    }
    Ok(finish(addr, col, &recorder, opts.share_address, start))
}

fn finish(
    addr: EmailAddress,
    col: Collector<'_>,
    recorder: &Recorder,
    _share: bool,
    start: Instant,
) -> Discovery {
    let left = recorder.snapshot();
    let address_shared = left.iter().any(|e| e.sent_address);
    let mut reports = col.reports;
    reports.sort_by_key(|r| {
        SourceKind::ALL
            .iter()
            .position(|s| *s == r.source)
            .unwrap_or(usize::MAX)
    });
    let candidates = rank::rank(col.candidates);
    let summary = match candidates.first() {
        Some(best) => format!(
            "Found {} possible server{} for {}; the best is {} port {} ({}), {}.",
            candidates.len(),
            if candidates.len() == 1 { "" } else { "s" },
            addr.domain,
            best.host,
            best.port,
            best.security.label(),
            best.origin
        ),
        None => format!(
            "No settings were found for {}. Ask your email provider or IT for the outgoing (SMTP) server name, or pick your provider from the list.",
            addr.domain
        ),
    };
    Discovery {
        address: addr.display(),
        domain: addr.domain,
        ascii_domain: addr.ascii_domain,
        candidates,
        sources: reports,
        left_computer: left,
        address_shared,
        summary,
        elapsed_ms: ms(start.elapsed()),
        first_candidate_ms: col.first_ms,
    }
}

/// rustls with ring (the engine's provider), the platform's authorities and an optional extra
/// CA; HTTP/1.1 only.
fn tls_config(extra_ca_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = match extra_ca_pem {
        Some(pem) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<_, _>>()
                .map_err(|e| format!("the extra CA file could not be read ({e})"))?;
            if certs.is_empty() {
                return Err("the extra CA file contains no certificate".to_owned());
            }
            rustls_platform_verifier::Verifier::new_with_extra_roots(certs, provider.clone())
        }
        None => rustls_platform_verifier::Verifier::new(provider.clone()),
    }
    .map_err(|e| format!("the trusted certificate authorities could not be loaded ({e})"))?;
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

fn describe_lookup(what: &str, f: &LookupFailure) -> String {
    match f {
        LookupFailure::NotFound => format!("No {what} record."),
        other => format!("{what}: {}.", other.describe()),
    }
}

fn status_of(f: &LookupFailure) -> SourceStatus {
    match f {
        LookupFailure::NotFound => SourceStatus::NothingFound,
        LookupFailure::Timeout => SourceStatus::TimedOut,
        LookupFailure::Other(_) => SourceStatus::Failed,
    }
}

/// MX → catalogue.
async fn mx_source(ctx: Arc<Ctx>) {
    let s = SourceKind::Mx;
    ctx.tx.started(s);
    let Some(dns) = &ctx.dns else { return };
    match dns.mx(&ctx.addr.ascii_domain).await {
        Err(f) => ctx.tx.finished(s, status_of(&f), describe_lookup("MX", &f)),
        Ok(list) => {
            let Some((_, best)) = list.first() else {
                ctx.tx
                    .finished(s, SourceStatus::NothingFound, "No MX record.");
                return;
            };
            if best.is_empty() {
                ctx.tx.finished(
                    s,
                    SourceStatus::NothingFound,
                    "The domain says it receives no mail (null MX).",
                );
                return;
            }
            match catalogue::by_mx(best) {
                Some(p) => {
                    let mut cands = from_provider(p, s, &ctx.addr);
                    for c in &mut cands {
                        c.origin = format!(
                            "from the built-in provider list: your domain's mail goes to {} ({best})",
                            p.name
                        );
                    }
                    ctx.tx.found(s, cands);
                    ctx.tx.finished(
                        s,
                        SourceStatus::Found,
                        format!("Mail for the domain goes to {best}, which is {}.", p.name),
                    );
                }
                None => ctx.tx.finished(
                    s,
                    SourceStatus::NothingFound,
                    format!("Mail for the domain goes to {best}, which is not a provider in the built-in list."),
                ),
            }
        }
    }
}

/// `_submissions._tcp` (implicit TLS) and `_submission._tcp` (STARTTLS).
async fn srv_source(ctx: Arc<Ctx>) {
    let s = SourceKind::Srv;
    ctx.tx.started(s);
    let Some(dns) = &ctx.dns else { return };
    let d = &ctx.addr.ascii_domain;
    let (n_tls, n_starttls) = (
        format!("_submissions._tcp.{d}"),
        format!("_submission._tcp.{d}"),
    );
    let (tls, starttls) = tokio::join!(dns.srv(&n_tls), dns.srv(&n_starttls));
    let mut cands = Vec::new();
    let mut notes = Vec::new();
    for (name, result, security) in [
        ("_submissions._tcp", &tls, Security::Tls),
        ("_submission._tcp", &starttls, Security::Starttls),
    ] {
        match result {
            Ok(targets) => {
                if targets.len() == 1 && targets[0].target.is_empty() {
                    notes.push(format!(
                        "{name}: the domain says this service is not offered."
                    ));
                    continue;
                }
                for t in targets.iter().take(4) {
                    if t.port == 0 || !valid_host(&t.target) || t.target.is_empty() {
                        notes.push(format!(
                            "{name}: ignored an unusable record ({}:{}).",
                            t.target, t.port
                        ));
                        continue;
                    }
                    cands.push(Candidate {
                        host: t.target.clone(),
                        port: t.port,
                        security,
                        username: Some(ctx.addr.ascii()),
                        username_hint: None,
                        source: s,
                        origin: s.origin().to_owned(),
                        also_from: Vec::new(),
                        provider_id: None,
                        provider_name: None,
                        notes: Vec::new(),
                        help_url: None,
                        trust: Trust::Normal,
                        confirmed: false,
                    });
                }
            }
            Err(f) => notes.push(describe_lookup(name, f)),
        }
    }
    let status = if !cands.is_empty() {
        SourceStatus::Found
    } else if let (Err(a), Err(b)) = (&tls, &starttls) {
        match (a, b) {
            (LookupFailure::Timeout, _) | (_, LookupFailure::Timeout) => SourceStatus::TimedOut,
            (LookupFailure::Other(_), _) | (_, LookupFailure::Other(_)) => SourceStatus::Failed,
            _ => SourceStatus::NothingFound,
        }
    } else {
        SourceStatus::NothingFound
    };
    let n = cands.len();
    ctx.tx.found(s, cands);
    let detail = if n > 0 && notes.is_empty() {
        format!(
            "The domain publishes {n} submission server record{}.",
            if n == 1 { "" } else { "s" }
        )
    } else {
        notes.join(" ")
    };
    ctx.tx.finished(s, status, detail);
}

/// Builds an autoconfig URL for `host`, with a non-default port when configured.
fn url(scheme: &str, host: &str, port: u16, path: &str) -> String {
    let default = if scheme == "https" { 443 } else { 80 };
    if port == default {
        format!("{scheme}://{host}{path}")
    } else {
        format!("{scheme}://{host}:{port}{path}")
    }
}

/// Fetches and reads one autoconfig URL, noting it in the log first.
async fn fetch_config(
    ctx: &Ctx,
    url: &str,
    sent_address: bool,
    to_whom: &str,
) -> Result<autoconfig::ClientConfig, autoconfig::FetchFailure> {
    let Some(client) = &ctx.http else {
        return Err(autoconfig::FetchFailure::Connect(
            "no web client".to_owned(),
        ));
    };
    let kind = if url.starts_with("https:") {
        EgressKind::Https
    } else {
        EgressKind::Http
    };
    let detail = if sent_address {
        format!("asked {to_whom} for settings, sending your email address")
    } else {
        format!("asked {to_whom} for settings, sending only the domain")
    };
    ctx.recorder
        .push(kind, url.to_owned(), detail, sent_address);
    let body = autoconfig::fetch(
        client,
        url,
        ctx.opts.max_response_bytes,
        ctx.opts.request_timeout,
    )
    .await?;
    autoconfig::parse(&body, &ctx.addr)
}

fn from_config(
    _ctx: &Ctx,
    cfg: autoconfig::ClientConfig,
    source: SourceKind,
    trust: Trust,
) -> Vec<Candidate> {
    cfg.servers
        .into_iter()
        .map(|srv| {
            let mut notes = srv.notes;
            if source == SourceKind::AutoconfigHttp {
                notes.push(PolicyNote {
                    kind: NoteKind::Info,
                    text: "These settings were fetched without encryption, so someone on the network could have changed them. Check the server name before you type your password.".to_owned(),
                });
            }
            if srv.security == Security::None {
                notes.push(PolicyNote {
                    kind: NoteKind::Info,
                    text: "This server is published without encryption: a password sent to it could be read on the way.".to_owned(),
                });
            }
            Candidate {
                host: srv.host,
                port: srv.port,
                security: srv.security,
                username: srv.username,
                username_hint: None,
                source,
                origin: source.origin().to_owned(),
                also_from: Vec::new(),
                provider_id: None,
                provider_name: cfg.provider_name.clone(),
                notes,
                help_url: cfg.help_url.clone(),
                trust,
                confirmed: false,
            }
        })
        .collect()
}

fn failure_status(f: &autoconfig::FetchFailure) -> SourceStatus {
    if f.is_absence() {
        SourceStatus::NothingFound
    } else if *f == autoconfig::FetchFailure::Timeout {
        SourceStatus::TimedOut
    } else {
        SourceStatus::Failed
    }
}

fn servers_found(url: &str, n: usize) -> String {
    format!(
        "{url} lists {n} outgoing server{}.",
        if n == 1 { "" } else { "s" }
    )
}

/// Runs one HTTPS autoconfig location as its own source; true when it found servers.
async fn autoconfig_one(
    ctx: &Ctx,
    source: SourceKind,
    url: String,
    sent_address: bool,
    to_whom: &str,
) -> bool {
    ctx.tx.started(source);
    match fetch_config(ctx, &url, sent_address, to_whom).await {
        Ok(cfg) => {
            let cands = from_config(ctx, cfg, source, Trust::High);
            let n = cands.len();
            ctx.tx.found(source, cands);
            ctx.tx
                .finished(source, SourceStatus::Found, servers_found(&url, n));
            true
        }
        Err(f) => {
            ctx.tx.finished(
                source,
                failure_status(&f),
                format!("{url} {}.", f.describe()),
            );
            false
        }
    }
}

/// The domain's own autoconfig: the two HTTPS locations in parallel, then HTTP only when both
/// failed (as Thunderbird does), the two HTTP locations in turn.
async fn autoconfig_sources(ctx: Arc<Ctx>) {
    let d = &ctx.addr.ascii_domain;
    let o = &ctx.opts;
    let query = if o.share_address {
        format!("?emailaddress={}", percent_encode(&ctx.addr.ascii()))
    } else {
        String::new()
    };
    let auto_path = format!("/mail/config-v1.1.xml{query}");
    let wk_path = "/.well-known/autoconfig/mail/config-v1.1.xml";
    let auto_host = format!("autoconfig.{d}");
    let (a, b) = tokio::join!(
        autoconfig_one(
            &ctx,
            SourceKind::Autoconfig,
            url("https", &auto_host, o.autoconfig_https_port, &auto_path),
            o.share_address,
            &auto_host,
        ),
        autoconfig_one(
            &ctx,
            SourceKind::WellKnown,
            url("https", d, o.autoconfig_https_port, wk_path),
            false,
            d,
        ),
    );
    let s = SourceKind::AutoconfigHttp;
    if a || b {
        ctx.tx.finished(
            s,
            SourceStatus::Skipped,
            "Not needed: the encrypted locations answered.",
        );
        return;
    }
    if !o.http_fallback {
        ctx.tx.finished(
            s,
            SourceStatus::Skipped,
            "Skipped: the unencrypted fallback is switched off.",
        );
        return;
    }
    ctx.tx.started(s);
    let mut failures = Vec::new();
    for (u, sent, who) in [
        (
            url("http", &auto_host, o.autoconfig_http_port, &auto_path),
            o.share_address,
            auto_host.as_str(),
        ),
        (
            url("http", d, o.autoconfig_http_port, wk_path),
            false,
            d.as_str(),
        ),
    ] {
        match fetch_config(&ctx, &u, sent, who).await {
            Ok(cfg) => {
                let cands = from_config(&ctx, cfg, s, Trust::Low);
                let n = cands.len();
                ctx.tx.found(s, cands);
                ctx.tx
                    .finished(s, SourceStatus::Found, servers_found(&u, n));
                return;
            }
            Err(f) => failures.push((failure_status(&f), format!("{u} {}.", f.describe()))),
        }
    }
    let status = if failures
        .iter()
        .all(|(st, _)| *st == SourceStatus::NothingFound)
    {
        SourceStatus::NothingFound
    } else {
        SourceStatus::Failed
    };
    let detail: Vec<String> = failures.into_iter().map(|(_, d)| d).collect();
    ctx.tx.finished(s, status, detail.join(" "));
}

/// Thunderbird's ISPDB, asked for the domain only.
async fn ispdb_source(ctx: Arc<Ctx>) {
    let s = SourceKind::Ispdb;
    let Some(base) = ctx.opts.ispdb_url.clone() else {
        ctx.tx.finished(
            s,
            SourceStatus::Skipped,
            "Skipped: no provider database configured.",
        );
        return;
    };
    ctx.tx.started(s);
    let base = if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    };
    let url = format!("{base}{}", ctx.addr.ascii_domain);
    let who = url
        .split('/')
        .nth(2)
        .unwrap_or("the provider database")
        .to_owned();
    match fetch_config(&ctx, &url, false, &who).await {
        Ok(cfg) => {
            let cands = from_config(&ctx, cfg, s, Trust::Normal);
            let n = cands.len();
            ctx.tx.found(s, cands);
            ctx.tx.finished(
                s,
                SourceStatus::Found,
                format!(
                    "The database lists {n} outgoing server{} for the domain.",
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
        Err(f) => {
            let status = failure_status(&f);
            let detail = if f.is_absence() {
                "The database has no entry for this domain.".to_owned()
            } else {
                format!("{url} {}.", f.describe())
            };
            ctx.tx.finished(s, status, detail);
        }
    }
}

/// `smtp.`, `mail.` and the bare domain, resolved by our resolver and confirmed by the probe.
async fn guess_source(ctx: Arc<Ctx>) {
    let s = SourceKind::Guess;
    ctx.tx.started(s);
    // Each name in its own task: a dead name must not delay a live one. Dropping this set (when
    // the budget ends or guesses are no longer needed) stops them all.
    let mut set = tokio::task::JoinSet::new();
    for (i, name) in guess::names(&ctx.addr.ascii_domain).into_iter().enumerate() {
        let ctx = ctx.clone();
        set.spawn(async move {
            let result = guess_one(&ctx, &name).await;
            (i, name, result)
        });
    }
    let mut results = Vec::new();
    let mut found_any = false;
    while let Some(r) = set.join_next().await {
        if let Ok((i, name, result)) = r {
            // Proposed as soon as its own probe confirms it: a dead name must not delay it.
            if let Ok(outcomes) = &result {
                let cands: Vec<Candidate> = outcomes
                    .iter()
                    .filter(|o| o.confirmed)
                    .map(|o| guessed(&ctx, &name, o.port, o.security))
                    .collect();
                found_any |= !cands.is_empty();
                ctx.tx.found(s, cands);
            }
            results.push((i, name, result));
        }
    }
    results.sort_by_key(|(i, _, _)| *i);
    let mut lines = Vec::new();
    for (_, name, result) in results {
        match result {
            Err(f) => lines.push(format!("{name}: {}.", f.describe())),
            Ok(outcomes) => {
                for o in outcomes {
                    if o.confirmed {
                        lines.push(format!("{name} port {}: a mail server answers.", o.port));
                    } else {
                        lines.push(format!("{name} port {}: {}.", o.port, o.detail));
                    }
                }
            }
        }
    }
    let status = if found_any {
        SourceStatus::Found
    } else {
        SourceStatus::NothingFound
    };
    ctx.tx.finished(s, status, lines.join(" "));
}

async fn guess_one(ctx: &Ctx, name: &str) -> Result<Vec<ProbeOutcome>, LookupFailure> {
    let (Some(dns), Some(prober)) = (&ctx.dns, &ctx.opts.prober) else {
        return Ok(Vec::new());
    };
    let ips = dns.ips(name).await?;
    for (port, _) in &ctx.opts.guess_ports {
        ctx.recorder.push(
            EgressKind::Smtp,
            format!("{name} port {port}"),
            "connected to check that a mail server answers (greeting, EHLO and QUIT only; no password, no address)".to_owned(),
            false,
        );
    }
    Ok(prober
        .probe(name, &ips, &ctx.opts.guess_ports, ctx.opts.guess_timeout)
        .await)
}

fn guessed(ctx: &Ctx, host: &str, port: u16, security: Security) -> Candidate {
    let s = SourceKind::Guess;
    Candidate {
        host: host.to_owned(),
        port,
        security,
        username: Some(ctx.addr.ascii()),
        username_hint: None,
        source: s,
        origin: s.origin().to_owned(),
        also_from: Vec::new(),
        provider_id: None,
        provider_name: None,
        notes: vec![PolicyNote {
            kind: NoteKind::Info,
            text: "Nobody published this server: Portolan found it by trying, and a mail server answered there. The user name is usually your full address.".to_owned(),
        }],
        help_url: None,
        trust: Trust::Normal,
        confirmed: true,
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
