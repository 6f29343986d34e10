//! The last resort: `smtp.`, `mail.` and the bare domain, resolved by discovery's resolver
//! and kept only when the prober (`discover::guess::HostProber`) confirms an SMTP server
//! answers there. Nobody published these, so each carries a note saying so.

use std::sync::Arc;

use super::Ctx;
use crate::discover::catalogue::{NoteKind, PolicyNote};
use crate::discover::dns::LookupFailure;
use crate::discover::egress::EgressKind;
use crate::discover::guess::{self, ProbeOutcome};
use crate::discover::model::{Candidate, Confidence, SourceKind, SourceStatus};
use crate::ports::Security;

/// The guess source: each name in its own task, each confirmed pair proposed as it comes.
pub(crate) async fn run(ctx: Arc<Ctx>) {
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
        .probe(
            name,
            &ips,
            &ctx.opts.guess_ports,
            ctx.opts.guess_timeout,
            ctx.opts.trust.as_ref(),
        )
        .await)
}

fn guessed(ctx: &Ctx, host: &str, port: u16, security: Security) -> Candidate {
    Candidate {
        username: Some(ctx.addr.ascii()),
        notes: vec![PolicyNote::new(NoteKind::Info, "Nobody published this server: Portolan found it by trying, and a mail server answered there. The user name is usually your full address.")],
        confirmed: true,
        ..Candidate::new(host, port, security, SourceKind::Guess, Confidence::Normal)
    }
}
