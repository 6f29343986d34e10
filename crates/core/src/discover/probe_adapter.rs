//! Plugs the engine's probe (`crate::probe`) into discovery's guess step.
//!
//! Discovery has already resolved the guessed name with its own resolver (so the look-up is
//! logged and a configured resolver is honoured); the probe is pointed at that address, with
//! discovery's trust. A guess counts as confirmed when an SMTP server answers there with the
//! expected security and a certificate from a trusted authority, even if that certificate
//! names another host (a shared host's certificate is for the provider's name; the full check
//! later verifies it against the name the user keeps, and explains a mismatch). An untrusted,
//! self-signed or expired certificate does not confirm a guess: nobody published the name, and
//! a trusted certificate is the only thing that vouches for whoever answers there.

use std::net::IpAddr;
use std::time::Duration;

use super::guess::{HostProber, ProbeFuture, ProbeOutcome};
use crate::ports::Security;
use crate::probe::{self, PortResult, PortState, ProbeCandidate, ProbeOptions};
use crate::tls::Trust;
use crate::verdict::VerdictCode;

/// The engine's probe as a [`HostProber`]. Each port is bounded by discovery's guess timeout.
#[derive(Debug, Clone)]
pub struct EngineProber {
    /// Bound for each connect.
    pub connect_timeout: Duration,
    /// Bound for each reply and handshake.
    pub command_timeout: Duration,
    /// Delay between the starts of two ports of one host.
    pub stagger: Duration,
}

impl Default for EngineProber {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(3),
            command_timeout: Duration::from_secs(3),
            stagger: Duration::from_millis(100),
        }
    }
}

/// Whether a port's result confirms a guess (see the module's note).
fn confirms(r: &PortResult) -> bool {
    match r.state {
        PortState::Works => true,
        PortState::CertProblem => r.verdict == VerdictCode::CertNameMismatch,
        _ => false,
    }
}

impl HostProber for EngineProber {
    fn probe<'a>(
        &'a self,
        host: &'a str,
        ips: &'a [IpAddr],
        candidates: &'a [(u16, Security)],
        timeout: Duration,
        trust: Option<&'a Trust>,
    ) -> ProbeFuture<'a> {
        Box::pin(async move {
            let target = ips
                .first()
                .map_or_else(|| host.to_owned(), IpAddr::to_string);
            let cands: Vec<ProbeCandidate> = candidates
                .iter()
                .map(|(port, security)| ProbeCandidate::new(*port, *security))
                .collect();
            let o = ProbeOptions {
                connect_timeout: self.connect_timeout,
                command_timeout: self.command_timeout,
                port_timeout: timeout,
                stagger: self.stagger,
                trust: trust.cloned(),
                stop_after_recommendation: false,
                ..ProbeOptions::default()
            };
            let all = |detail: &str| {
                candidates
                    .iter()
                    .map(|(port, security)| ProbeOutcome {
                        port: *port,
                        security: *security,
                        confirmed: false,
                        detail: detail.to_owned(),
                    })
                    .collect::<Vec<_>>()
            };
            let bound = timeout + Duration::from_millis(500);
            match tokio::time::timeout(bound, probe::probe(&target, &cands, &o, &())).await {
                Err(_) => all("no answer in time"),
                Ok(Err(e)) => all(&e.message),
                Ok(Ok(report)) => report
                    .results
                    .into_iter()
                    .map(|r| ProbeOutcome {
                        port: r.candidate.port,
                        security: r.candidate.security,
                        confirmed: confirms(&r),
                        detail: r.summary,
                    })
                    .collect(),
            }
        })
    }
}
