//! DNS SRV records (RFC 6186, RFC 8314): `_submissions._tcp` (implicit TLS) and
//! `_submission._tcp` (STARTTLS). Unsigned DNS, so normal confidence; the user name proposed
//! is the address.

use std::sync::Arc;

use super::{describe_lookup, Ctx};
use crate::discover::dns::LookupFailure;
use crate::discover::model::{Candidate, Confidence, SourceKind, SourceStatus};
use crate::discover::valid_host;
use crate::ports::Security;

/// The SRV source: both records asked in parallel.
pub(crate) async fn run(ctx: Arc<Ctx>) {
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
                        username: Some(ctx.addr.ascii()),
                        ..Candidate::new(t.target.clone(), t.port, security, s, Confidence::Normal)
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
