//! Thunderbird's shared provider database (ISPDB), asked for the domain only. Third-party
//! data, so normal confidence.

use std::sync::Arc;

use super::autoconfig::{failure_status, fetch_config, from_config};
use super::Ctx;
use crate::discover::model::{Confidence, SourceKind, SourceStatus};

/// The ISPDB source.
pub(crate) async fn run(ctx: Arc<Ctx>) {
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
            let cands = from_config(cfg, s, Confidence::Normal);
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
