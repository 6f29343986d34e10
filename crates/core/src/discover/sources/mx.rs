//! The domain's MX record, matched against the built-in provider list: a domain whose mail
//! goes to a known provider (e.g. Google Workspace) sends through that provider.

use std::sync::Arc;

use super::{describe_lookup, from_provider, status_of, Ctx};
use crate::discover::catalogue;
use crate::discover::model::{SourceKind, SourceStatus};

/// The MX source: the domain's mail exchanger matched against the catalogue.
pub(crate) async fn run(ctx: Arc<Ctx>) {
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
