//! DNS for discovery: MX, SRV and address look-ups through hickory-resolver, either with the
//! system's configuration or with one nameserver the caller names (tests, company resolvers).
//! Every question is noted in the egress log before it is asked.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;

use super::egress::{EgressKind, Recorder};

/// Why a look-up gave nothing usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupFailure {
    /// The name exists but has no record of that type, or does not exist.
    NotFound,
    /// No answer within the time allowed.
    Timeout,
    /// Any other failure (server error, no resolver configured, …).
    Other(String),
}

impl LookupFailure {
    /// The failure in plain words.
    pub fn describe(&self) -> String {
        match self {
            LookupFailure::NotFound => "no such record".to_owned(),
            LookupFailure::Timeout => "the DNS server did not answer in time".to_owned(),
            LookupFailure::Other(e) => format!("the look-up failed ({e})"),
        }
    }
}

/// The longest TXT record kept, in bytes (an SPF record is far shorter).
const MAX_TXT: usize = 4096;
/// The most TXT records kept per name.
const MAX_TXT_RECORDS: usize = 32;

/// One SRV answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvTarget {
    /// Lower is tried first.
    pub priority: u16,
    /// Among equal priorities, higher is preferred.
    pub weight: u16,
    /// The server's port.
    pub port: u16,
    /// The server's host name, without the trailing dot; empty for "." (service not offered).
    pub target: String,
}

/// A resolver plus the log it writes to.
#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    recorder: Recorder,
    timeout: Duration,
    who: Arc<str>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns").field("who", &self.who).finish()
    }
}

impl Dns {
    /// A resolver using `server` when given, else this computer's DNS settings.
    pub fn new(
        server: Option<SocketAddr>,
        timeout: Duration,
        recorder: Recorder,
    ) -> Result<Self, String> {
        let mut builder = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![ns]),
                    TokioRuntimeProvider::default(),
                )
            }
            None => TokioResolver::builder_tokio().map_err(|e| e.to_string())?,
        };
        let o = builder.options_mut();
        o.timeout = timeout;
        o.attempts = 1;
        let resolver = builder.build().map_err(|e| e.to_string())?;
        let who: Arc<str> = match server {
            Some(a) => format!("asked the DNS server {a}").into(),
            None => "asked this computer's DNS resolver".into(),
        };
        Ok(Self {
            resolver,
            recorder,
            timeout,
            who,
        })
    }

    fn note(&self, what: String) {
        self.recorder
            .push(EgressKind::Dns, what, self.who.to_string(), false);
    }

    /// Looks `name` up as a fully qualified name (no search domains, which would leak the
    /// question to other zones), bounded in time.
    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Vec<RData>, LookupFailure> {
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        self.note(format!("{rtype} {}", name.trim_end_matches('.')));
        let bound = self.timeout * 2 + Duration::from_millis(200);
        match tokio::time::timeout(bound, self.resolver.lookup(fqdn.as_str(), rtype)).await {
            Err(_) => Err(LookupFailure::Timeout),
            Ok(Err(e)) if e.is_no_records_found() || e.is_nx_domain() => {
                Err(LookupFailure::NotFound)
            }
            Ok(Err(e)) => {
                let text = e.to_string();
                if text.to_ascii_lowercase().contains("timed out")
                    || text.to_ascii_lowercase().contains("timeout")
                {
                    Err(LookupFailure::Timeout)
                } else {
                    Err(LookupFailure::Other(text))
                }
            }
            Ok(Ok(l)) => Ok(l
                .answers()
                .iter()
                .filter(|r| r.record_type() == rtype)
                .map(|r| r.data.clone())
                .collect()),
        }
    }

    /// MX hosts of `domain`, most preferred first.
    pub async fn mx(&self, domain: &str) -> Result<Vec<(u16, String)>, LookupFailure> {
        let mut v: Vec<(u16, String)> = self
            .lookup(domain, RecordType::MX)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::MX(mx) => Some((
                    mx.preference,
                    mx.exchange
                        .to_ascii()
                        .trim_end_matches('.')
                        .to_ascii_lowercase(),
                )),
                _ => None,
            })
            .collect();
        v.sort();
        if v.is_empty() {
            return Err(LookupFailure::NotFound);
        }
        Ok(v)
    }

    /// SRV targets of `name`, in the order RFC 2782 tries them (priority, then weight).
    pub async fn srv(&self, name: &str) -> Result<Vec<SrvTarget>, LookupFailure> {
        let mut v: Vec<SrvTarget> = self
            .lookup(name, RecordType::SRV)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::SRV(s) => Some(SrvTarget {
                    priority: s.priority,
                    weight: s.weight,
                    port: s.port,
                    target: s
                        .target
                        .to_ascii()
                        .trim_end_matches('.')
                        .to_ascii_lowercase(),
                }),
                _ => None,
            })
            .collect();
        v.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.weight.cmp(&a.weight)));
        if v.is_empty() {
            return Err(LookupFailure::NotFound);
        }
        Ok(v)
    }

    /// TXT records of `name`, each one's strings joined (RFC 7208 §3.3), bounded in size.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        let v: Vec<String> = self
            .lookup(name, RecordType::TXT)
            .await?
            .into_iter()
            .filter_map(|d| match d {
                RData::TXT(t) => {
                    let bytes: Vec<u8> =
                        t.txt_data.iter().flat_map(|s| s.iter().copied()).collect();
                    Some(String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_TXT)]).into_owned())
                }
                _ => None,
            })
            .take(MAX_TXT_RECORDS)
            .collect();
        if v.is_empty() {
            return Err(LookupFailure::NotFound);
        }
        Ok(v)
    }

    /// IPv4 and IPv6 addresses of `host`.
    pub async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let (a, aaaa) = tokio::join!(
            self.lookup(host, RecordType::A),
            self.lookup(host, RecordType::AAAA)
        );
        let mut ips: Vec<IpAddr> = Vec::new();
        for d in a.iter().chain(aaaa.iter()).flatten() {
            match d {
                RData::A(v4) => ips.push(IpAddr::V4(v4.0)),
                RData::AAAA(v6) => ips.push(IpAddr::V6(v6.0)),
                _ => {}
            }
        }
        if ips.is_empty() {
            // Report the more telling failure of the two.
            return Err(match (a, aaaa) {
                (Err(LookupFailure::Timeout), _) | (_, Err(LookupFailure::Timeout)) => {
                    LookupFailure::Timeout
                }
                (Err(LookupFailure::Other(e)), _) | (_, Err(LookupFailure::Other(e))) => {
                    LookupFailure::Other(e)
                }
                _ => LookupFailure::NotFound,
            });
        }
        Ok(ips)
    }
}

/// Lets the web client resolve names through the same resolver (and the same log).
impl reqwest::dns::Resolve for Dns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            match dns.ips(&host).await {
                Ok(ips) => {
                    let addrs: reqwest::dns::Addrs =
                        Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
                    Ok(addrs)
                }
                Err(f) => Err(format!("{host}: {}", f.describe()).into()),
            }
        })
    }
}
