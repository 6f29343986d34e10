//! Thunderbird autoconfig (clientConfig v1.1): where to fetch it, how to fetch it safely (rustls
//! only, bounded size and time, no downgrade on redirect), and how to read the `smtp`
//! outgoing servers out of it.
//!
//! Format: <https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat>.

use std::sync::Arc;
use std::time::Duration;

use super::address::EmailAddress;
use super::catalogue::{NoteKind, PolicyNote};
use super::dns::Dns;
use super::egress::{EgressKind, Recorder};
use crate::ports::Security;

/// At most this many outgoing servers are taken from one file.
const MAX_SERVERS: usize = 8;

/// One `outgoingServer type="smtp"` of a config file, placeholders substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingServer {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// The user name, `None` when the server takes no sign-in.
    pub username: Option<String>,
    /// Rules drawn from the `authentication` elements.
    pub notes: Vec<PolicyNote>,
}

/// What a config file offers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientConfig {
    /// The provider's display name, when given.
    pub provider_name: Option<String>,
    /// Outgoing SMTP servers in the file's order.
    pub servers: Vec<OutgoingServer>,
    /// The first https documentation link, when given.
    pub help_url: Option<String>,
}

/// Why fetching or reading a file failed, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// No answer in time.
    Timeout,
    /// Answered with an HTTP error status.
    Status(u16),
    /// The body was larger than allowed.
    TooLarge(usize),
    /// Connection or TLS failure.
    Connect(String),
    /// The file was not a usable clientConfig.
    Malformed(String),
}

impl FetchFailure {
    /// The failure in plain words.
    pub fn describe(&self) -> String {
        match self {
            FetchFailure::Timeout => "did not answer in time".to_owned(),
            FetchFailure::Status(404) => "has no settings file there (HTTP 404)".to_owned(),
            FetchFailure::Status(s) => format!("answered with an error (HTTP {s})"),
            FetchFailure::TooLarge(max) => format!(
                "sent a file larger than {} KiB, so it was not read",
                max / 1024
            ),
            FetchFailure::Connect(e) => format!("could not be reached ({e})"),
            FetchFailure::Malformed(e) => format!("sent a file that is not valid autoconfig ({e})"),
        }
    }

    /// Whether this means "nothing published here" rather than a fault worth showing.
    pub fn is_absence(&self) -> bool {
        matches!(self, FetchFailure::Status(404 | 410))
    }
}

/// Builds the web client used for autoconfig: our own rustls configuration (ring, the
/// platform's authorities plus the optional extra CA), names resolved by `dns` so the look-ups
/// are logged, every request and redirect noted before it is made, no proxy (so the log tells
/// the truth), at most 5 redirects and never from https to http.
pub fn client(
    tls: rustls::ClientConfig,
    dns: Option<Dns>,
    recorder: Recorder,
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    let rec = recorder.clone();
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        let url = attempt.url().clone();
        let downgrade = attempt
            .previous()
            .first()
            .is_some_and(|first| first.scheme() == "https")
            && url.scheme() != "https";
        if downgrade {
            return attempt.error("the server redirected from https to unencrypted http");
        }
        if attempt.previous().len() > 5 {
            return attempt.error("too many redirects");
        }
        let kind = if url.scheme() == "https" {
            EgressKind::Https
        } else {
            EgressKind::Http
        };
        rec.push(
            kind,
            url.to_string(),
            "followed a redirect".to_owned(),
            url.as_str().contains("emailaddress="),
        );
        attempt.follow()
    });
    let mut b = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(policy)
        .no_proxy()
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("Portolan/", env!("CARGO_PKG_VERSION")));
    if let Some(dns) = dns {
        b = b.dns_resolver(Arc::new(dns));
    }
    b.build().map_err(|e| e.to_string())
}

/// Gets `url` and returns its body, refusing more than `max` bytes (read in chunks, so a huge
/// or endless body costs at most `max`).
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
    max: usize,
    timeout: Duration,
) -> Result<String, FetchFailure> {
    let work = async {
        let mut resp = client.get(url).send().await.map_err(describe_reqwest)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(FetchFailure::Status(status.as_u16()));
        }
        if resp.content_length().is_some_and(|len| len > max as u64) {
            return Err(FetchFailure::TooLarge(max));
        }
        let mut body: Vec<u8> = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(describe_reqwest)? {
            if body.len() + chunk.len() > max {
                return Err(FetchFailure::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| FetchFailure::Malformed("not UTF-8 text".to_owned()))
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(FetchFailure::Timeout),
    }
}

fn describe_reqwest(e: reqwest::Error) -> FetchFailure {
    if e.is_timeout() {
        return FetchFailure::Timeout;
    }
    // The innermost cause names the real problem (a certificate, a refused connection).
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    FetchFailure::Connect(msg)
}

/// Replaces Thunderbird's placeholders with the parts of the address.
pub fn substitute(text: &str, addr: &EmailAddress) -> String {
    text.replace("%EMAILADDRESS%", &addr.ascii())
        .replace("%EMAILLOCALPART%", &addr.local)
        .replace("%EMAILDOMAIN%", &addr.ascii_domain)
}

/// `text` in lower case, Thunderbird's placeholders (upper case) kept as they are.
fn lower_keeping_placeholders(text: &str) -> String {
    let mut out = text.to_ascii_lowercase();
    for p in ["%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%"] {
        out = out.replace(&p.to_ascii_lowercase(), p);
    }
    out
}

/// At most this many `outgoingServer` elements are read from one document, usable or not.
const MAX_SERVER_ELEMENTS: usize = 64;

/// One `outgoingServer type="smtp"` as the file writes it: placeholders such as
/// `%EMAILDOMAIN%` are kept, so the same entry serves every address of the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTemplate {
    /// Host name, possibly with placeholders, lower case, without a final dot.
    pub host: String,
    /// Port (never 0).
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// The `username` element as written (e.g. `%EMAILADDRESS%`), when present.
    pub username: Option<String>,
    /// The `authentication` elements in the file's order (`password-cleartext`, `OAuth2`, …).
    pub auth: Vec<String>,
}

impl ServerTemplate {
    /// Whether the server takes no sign-in (only `none` or `client-IP-address`).
    pub fn no_sign_in(&self) -> bool {
        !self.auth.is_empty()
            && self
                .auth
                .iter()
                .all(|a| a == "none" || a == "client-IP-address")
    }

    /// Whether OAuth2 is the only sign-in the server takes.
    pub fn oauth_only(&self) -> bool {
        !self.auth.is_empty() && self.auth.iter().all(|a| a == "OAuth2")
    }

    /// Whether the server offers OAuth2 sign-in.
    pub fn offers_oauth2(&self) -> bool {
        self.auth.iter().any(|a| a == "OAuth2")
    }
}

/// What a clientConfig document says, before it is applied to an address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigTemplate {
    /// The `emailProvider id`, when given.
    pub provider_id: Option<String>,
    /// The provider's display name, when given.
    pub provider_name: Option<String>,
    /// The `domain` elements, lower case, in the file's order, without repeats.
    pub domains: Vec<String>,
    /// The outgoing SMTP servers in the file's order; an `Err` says why one is unusable.
    pub servers: Vec<Result<ServerTemplate, String>>,
    /// The https `documentation` (and `instruction`) links, in the file's order.
    pub help_urls: Vec<String>,
    /// The https page where access for mail programs is switched on (`enable visiturl`).
    pub enable_url: Option<String>,
    /// Whether the document has an `oAuth2` element (the provider offers OAuth2 sign-in).
    pub oauth2: bool,
}

/// Reads a clientConfig v1.1 document without applying it to an address: the provider's
/// domains, its outgoing servers as written, its links. [`parse`] applies the result to one
/// address; the built-in catalogue is generated from it (`scripts/ispdb-import.sh`).
pub fn parse_template(xml: &str) -> Result<ConfigTemplate, FetchFailure> {
    let doc = roxmltree::Document::parse(xml)
        .map_err(|e| FetchFailure::Malformed(format!("not XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "clientConfig" {
        return Err(FetchFailure::Malformed(format!(
            "the document is <{}>, not <clientConfig>",
            root.tag_name().name()
        )));
    }
    let Some(provider) = root.children().find(|n| n.has_tag_name("emailProvider")) else {
        return Err(FetchFailure::Malformed("no <emailProvider>".to_owned()));
    };
    let text_of = |node: roxmltree::Node<'_, '_>, tag: &str| -> Option<String> {
        node.children()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let https = |u: &str| u.starts_with("https://");
    let mut out = ConfigTemplate {
        provider_id: provider
            .attribute("id")
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty()),
        provider_name: text_of(provider, "displayName"),
        oauth2: root.children().any(|n| n.has_tag_name("oAuth2")),
        ..ConfigTemplate::default()
    };
    for d in provider.children().filter(|n| n.has_tag_name("domain")) {
        let Some(d) = d
            .text()
            .map(|t| t.trim().trim_end_matches('.').to_ascii_lowercase())
        else {
            continue;
        };
        if !d.is_empty() && !out.domains.contains(&d) {
            out.domains.push(d);
        }
    }
    for url in provider
        .children()
        .filter(|n| n.has_tag_name("documentation") || n.has_tag_name("instruction"))
        .filter_map(|n| n.attribute("url"))
        .map(str::trim)
        .filter(|u| https(u))
    {
        if !out.help_urls.iter().any(|u| u == url) {
            out.help_urls.push(url.to_owned());
        }
    }
    out.enable_url = provider
        .children()
        .filter(|n| n.has_tag_name("enable"))
        .filter_map(|n| n.attribute("visiturl"))
        .map(str::trim)
        .find(|u| https(u))
        .map(str::to_owned);
    for server in provider
        .children()
        .filter(|n| n.has_tag_name("outgoingServer") && n.attribute("type") == Some("smtp"))
        .take(MAX_SERVER_ELEMENTS)
    {
        let host = text_of(server, "hostname");
        let port = text_of(server, "port").and_then(|p| p.parse::<u16>().ok());
        let security = match text_of(server, "socketType").as_deref() {
            Some("SSL") => Some(Security::Tls),
            Some("STARTTLS") => Some(Security::Starttls),
            Some("plain") => Some(Security::None),
            _ => None,
        };
        let (Some(host), Some(port), Some(security)) = (host, port, security) else {
            out.servers.push(Err(
                "an outgoing server lacks a host name, port or socket type".to_owned(),
            ));
            continue;
        };
        let host = lower_keeping_placeholders(host.trim_end_matches('.'));
        if port == 0 {
            out.servers.push(Err(format!(
                "\"{host}\" port {port} is not a usable server"
            )));
            continue;
        }
        out.servers.push(Ok(ServerTemplate {
            host,
            port,
            security,
            username: text_of(server, "username"),
            auth: server
                .children()
                .filter(|n| n.has_tag_name("authentication"))
                .filter_map(|n| n.text())
                .map(|t| t.trim().to_owned())
                .collect(),
        }));
    }
    Ok(out)
}

impl ConfigTemplate {
    /// The document applied to `addr`: placeholders substituted, hosts checked, at most
    /// [`MAX_SERVERS`] usable servers; an error when none is usable.
    pub fn for_address(&self, addr: &EmailAddress) -> Result<ClientConfig, FetchFailure> {
        let mut out = ClientConfig {
            provider_name: self.provider_name.clone(),
            servers: Vec::new(),
            help_url: self.help_urls.first().cloned(),
        };
        let mut problems: Vec<String> = Vec::new();
        for server in &self.servers {
            if out.servers.len() >= MAX_SERVERS {
                break;
            }
            let t = match server {
                Ok(t) => t,
                Err(why) => {
                    problems.push(why.clone());
                    continue;
                }
            };
            let host = substitute(&t.host, addr)
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if !super::valid_host(&host) {
                problems.push(format!("\"{host}\" port {} is not a usable server", t.port));
                continue;
            }
            let no_sign_in = t.no_sign_in();
            let mut notes = Vec::new();
            if t.oauth_only() {
                notes.push(PolicyNote::new(
                    NoteKind::OauthOnly,
                    "This server only accepts sign-in through the provider's own web page \
                           (OAuth); an app that asks for a password cannot use it.",
                ));
            }
            if no_sign_in {
                notes.push(PolicyNote::new(
                    NoteKind::Info,
                    "This server does not ask for a sign-in; it accepts mail from allowed \
                           networks only.",
                ));
            }
            let username = if no_sign_in {
                None
            } else {
                Some(
                    t.username
                        .as_deref()
                        .map(|u| substitute(u, addr))
                        .unwrap_or_else(|| addr.ascii()),
                )
            };
            out.servers.push(OutgoingServer {
                host,
                port: t.port,
                security: t.security,
                username,
                notes,
            });
        }
        if out.servers.is_empty() {
            let why = problems
                .into_iter()
                .next()
                .unwrap_or_else(|| "it lists no outgoing (SMTP) server".to_owned());
            return Err(FetchFailure::Malformed(why));
        }
        Ok(out)
    }
}

/// Reads the outgoing SMTP servers of a clientConfig v1.1 document for `addr`.
pub fn parse(xml: &str, addr: &EmailAddress) -> Result<ClientConfig, FetchFailure> {
    parse_template(xml)?.for_address(addr)
}

#[cfg(test)]
mod tests;
