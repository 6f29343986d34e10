//! The last resort: try the names most hosts use (`smtp.<domain>`, `mail.<domain>`, the bare
//! domain) and keep only what a probe confirms. The probe itself is behind [`HostProber`] so the
//! engine's probe, a test double or nothing at all can be plugged in.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ports::Security;
use crate::tls::Trust;

/// The answer for one (port, security) pair of a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProbeOutcome {
    /// The port tried.
    pub port: u16,
    /// The security tried.
    pub security: Security,
    /// True when an SMTP server answered there with that security and, when encrypted, a
    /// certificate from a trusted authority (it may name another host: the check explains
    /// that). Nobody published a guessed name, so the trusted certificate is what vouches
    /// for it.
    pub confirmed: bool,
    /// What was seen, in plain words ("refused", "no answer", "certificate is for another
    /// name", …).
    pub detail: String,
}

/// Boxed future returned by [`HostProber::probe`].
pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Vec<ProbeOutcome>> + Send + 'a>>;

/// Confirms which (port, security) pairs of a host really speak SMTP. Sends no password.
pub trait HostProber: Send + Sync + std::fmt::Debug {
    /// Probes `host` (already resolved to `ips` by discovery's resolver) on each candidate and
    /// returns one outcome per candidate, within `timeout`. `trust` is discovery's own (the
    /// platform's authorities when `None`): the same authorities as its web requests.
    fn probe<'a>(
        &'a self,
        host: &'a str,
        ips: &'a [IpAddr],
        candidates: &'a [(u16, Security)],
        timeout: std::time::Duration,
        trust: Option<&'a Trust>,
    ) -> ProbeFuture<'a>;
}

/// The host names tried for `ascii_domain`, in order of likelihood.
pub fn names(ascii_domain: &str) -> Vec<String> {
    vec![
        format!("smtp.{ascii_domain}"),
        format!("mail.{ascii_domain}"),
        ascii_domain.to_owned(),
    ]
}

/// The pairs tried on each name when the caller gives none: implicit TLS first (RFC 8314), then
/// STARTTLS submission.
pub fn default_ports() -> Vec<(u16, Security)> {
    vec![(465, Security::Tls), (587, Security::Starttls)]
}
