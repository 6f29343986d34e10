//! Discovery: from an email address to ranked candidate servers.
//!
//! Sources, all within one time budget: the built-in provider catalogue (by domain, offline);
//! then in parallel the domain's autoconfig files (HTTPS, HTTP only as a fallback and marked
//! less trusted), Thunderbird's ISPDB, DNS SRV (RFC 6186 / RFC 8314), the MX record matched
//! against the catalogue, and guessed host names that are kept only when a probe confirms
//! them. Each candidate says where it came from; the result lists what left the computer.
//! A slow or broken source never holds up the others: when the budget ends, what has arrived
//! is ranked and the rest is listed as "did not answer in time".
//!
//! The rooms: `model` (the public types), `orchestrator` (the budget, the collector, the
//! result), `sources/` (one file per network source), and what they use: `address` (the
//! typed address), `catalogue` (the provider list), `autoconfig` (the file format and the web
//! client), `dns`, `egress` (the log of what left the computer), `guess` and `probe_adapter`
//! (what confirms a guessed name), `rank` (order and merge).

/// The address check lives at the crate's root (settings and sending use it too).
pub use crate::address;
pub mod autoconfig;
pub mod catalogue;
pub mod dns;
pub mod egress;
pub mod guess;
mod model;
mod orchestrator;
pub mod probe_adapter;
mod rank;
mod sources;

pub use egress::{Egress, EgressKind};
pub use guess::{HostProber, ProbeFuture, ProbeOutcome};
pub use model::{
    Candidate, Confidence, DiscoverEvent, DiscoverOptions, Discovery, SourceKind, SourceReport,
    SourceStatus, DEFAULT_ISPDB_URL,
};
pub use orchestrator::discover;

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
