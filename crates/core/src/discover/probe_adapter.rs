//! Plugs the engine's probe (`crate::probe`) into discovery's guess step.
//!
//! Discovery has already resolved the guessed name with its own resolver (so the look-up is
//! logged and a configured resolver is honoured); the probe is pointed at that address. A
//! guess counts as confirmed when an SMTP server answers there with the expected security,
//! even if its certificate names another host: the full check later verifies the certificate
//! against the name the user keeps, and explains a mismatch.

use std::net::IpAddr;
use std::time::Duration;

use super::guess::{HostProber, ProbeFuture, ProbeOutcome};
use crate::ports::Security;
use crate::probe::{self, PortState, ProbeCandidate, ProbeOptions};

/// The engine's probe as a [`HostProber`].
#[derive(Debug, Clone)]
pub struct EngineProber {
    /// Bounds and trust of each probe; `port_timeout` is capped by discovery's guess timeout.
    pub options: ProbeOptions,
}

impl Default for EngineProber {
    fn default() -> Self {
        Self {
            options: ProbeOptions {
                connect_timeout: Duration::from_secs(3),
                command_timeout: Duration::from_secs(3),
                port_timeout: Duration::from_secs(6),
                stagger: Duration::from_millis(100),
                ..ProbeOptions::default()
            },
        }
    }
}

impl HostProber for EngineProber {
    fn probe<'a>(
        &'a self,
        host: &'a str,
        ips: &'a [IpAddr],
        candidates: &'a [(u16, Security)],
        timeout: Duration,
    ) -> ProbeFuture<'a> {
        Box::pin(async move {
            let target = ips
                .first()
                .map_or_else(|| host.to_owned(), IpAddr::to_string);
            let cands: Vec<ProbeCandidate> = candidates
                .iter()
                .map(|(port, security)| ProbeCandidate::new(*port, *security))
                .collect();
            let mut o = self.options.clone();
            o.port_timeout = o.port_timeout.min(timeout);
            o.stop_after_recommendation = false;
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
                        confirmed: matches!(r.state, PortState::Works | PortState::CertProblem),
                        detail: r.summary,
                    })
                    .collect(),
            }
        })
    }
}
