//! The domain's own autoconfig files: `https://autoconfig.<domain>/…` and
//! `https://<domain>/.well-known/autoconfig/…` (each its own source), then the same over
//! plain HTTP only when both failed (less trusted, and said so). The file format and the web
//! client are in `discover::autoconfig`; fetching one file is shared with the ISPDB source.

use std::sync::Arc;

use super::Ctx;
use crate::discover::autoconfig;
use crate::discover::catalogue::{NoteKind, PolicyNote};
use crate::discover::egress::EgressKind;
use crate::discover::model::{Candidate, Confidence, SourceKind, SourceStatus};
use crate::ports::Security;

/// Builds an autoconfig URL for `host`, with a non-default port when configured.
fn url(scheme: &str, host: &str, port: u16, path: &str) -> String {
    let default = if scheme == "https" { 443 } else { 80 };
    if port == default {
        format!("{scheme}://{host}{path}")
    } else {
        format!("{scheme}://{host}:{port}{path}")
    }
}

/// Fetches and reads one autoconfig URL, noting it in the log first.
pub(crate) async fn fetch_config(
    ctx: &Ctx,
    url: &str,
    sent_address: bool,
    to_whom: &str,
) -> Result<autoconfig::ClientConfig, autoconfig::FetchFailure> {
    let Some(client) = &ctx.http else {
        return Err(autoconfig::FetchFailure::Connect(
            "no web client".to_owned(),
        ));
    };
    let kind = if url.starts_with("https:") {
        EgressKind::Https
    } else {
        EgressKind::Http
    };
    let detail = if sent_address {
        format!("asked {to_whom} for settings, sending your email address")
    } else {
        format!("asked {to_whom} for settings, sending only the domain")
    };
    ctx.recorder
        .push(kind, url.to_owned(), detail, sent_address);
    let body = autoconfig::fetch(
        client,
        url,
        ctx.opts.max_response_bytes,
        ctx.opts.request_timeout,
    )
    .await?;
    autoconfig::parse(&body, &ctx.addr)
}

/// The candidates of a config file, with warnings for unencrypted fetches and servers.
pub(crate) fn from_config(
    cfg: autoconfig::ClientConfig,
    source: SourceKind,
    confidence: Confidence,
) -> Vec<Candidate> {
    cfg.servers
        .into_iter()
        .map(|srv| {
            let mut notes = srv.notes;
            if source == SourceKind::AutoconfigHttp {
                notes.push(PolicyNote::new(NoteKind::Info, "These settings were fetched without encryption, so someone on the network could have changed them. Check the server name before you type your password."));
            }
            if srv.security == Security::None {
                notes.push(PolicyNote::new(NoteKind::Info, "This server is published without encryption: a password sent to it could be read on the way."));
            }
            Candidate {
                username: srv.username,
                provider_name: cfg.provider_name.clone(),
                notes,
                help_url: cfg.help_url.clone(),
                ..Candidate::new(srv.host, srv.port, srv.security, source, confidence)
            }
        })
        .collect()
}

pub(crate) fn failure_status(f: &autoconfig::FetchFailure) -> SourceStatus {
    if f.is_absence() {
        SourceStatus::NothingFound
    } else if *f == autoconfig::FetchFailure::Timeout {
        SourceStatus::TimedOut
    } else {
        SourceStatus::Failed
    }
}

fn servers_found(url: &str, n: usize) -> String {
    format!(
        "{url} lists {n} outgoing server{}.",
        if n == 1 { "" } else { "s" }
    )
}

/// Runs one HTTPS autoconfig location as its own source; true when it found servers.
async fn autoconfig_one(
    ctx: &Ctx,
    source: SourceKind,
    url: String,
    sent_address: bool,
    to_whom: &str,
) -> bool {
    ctx.tx.started(source);
    match fetch_config(ctx, &url, sent_address, to_whom).await {
        Ok(cfg) => {
            let cands = from_config(cfg, source, Confidence::High);
            let n = cands.len();
            ctx.tx.found(source, cands);
            ctx.tx
                .finished(source, SourceStatus::Found, servers_found(&url, n));
            true
        }
        Err(f) => {
            ctx.tx.finished(
                source,
                failure_status(&f),
                format!("{url} {}.", f.describe()),
            );
            false
        }
    }
}

/// The domain's own autoconfig: the two HTTPS locations in parallel, then HTTP only when both
/// failed (as Thunderbird does), the two HTTP locations in turn.
pub(crate) async fn run(ctx: Arc<Ctx>) {
    let d = &ctx.addr.ascii_domain;
    let o = &ctx.opts;
    let query = if o.share_address {
        format!("?emailaddress={}", percent_encode(&ctx.addr.ascii()))
    } else {
        String::new()
    };
    let auto_path = format!("/mail/config-v1.1.xml{query}");
    let wk_path = "/.well-known/autoconfig/mail/config-v1.1.xml";
    let auto_host = format!("autoconfig.{d}");
    let (a, b) = tokio::join!(
        autoconfig_one(
            &ctx,
            SourceKind::Autoconfig,
            url("https", &auto_host, o.autoconfig_https_port, &auto_path),
            o.share_address,
            &auto_host,
        ),
        autoconfig_one(
            &ctx,
            SourceKind::WellKnown,
            url("https", d, o.autoconfig_https_port, wk_path),
            false,
            d,
        ),
    );
    let s = SourceKind::AutoconfigHttp;
    if a || b {
        ctx.tx.finished(
            s,
            SourceStatus::Skipped,
            "Not needed: the encrypted locations answered.",
        );
        return;
    }
    if !o.http_fallback {
        ctx.tx.finished(
            s,
            SourceStatus::Skipped,
            "Skipped: the unencrypted fallback is switched off.",
        );
        return;
    }
    ctx.tx.started(s);
    let mut failures = Vec::new();
    for (u, sent, who) in [
        (
            url("http", &auto_host, o.autoconfig_http_port, &auto_path),
            o.share_address,
            auto_host.as_str(),
        ),
        (
            url("http", d, o.autoconfig_http_port, wk_path),
            false,
            d.as_str(),
        ),
    ] {
        match fetch_config(&ctx, &u, sent, who).await {
            Ok(cfg) => {
                let cands = from_config(cfg, s, Confidence::Low);
                let n = cands.len();
                ctx.tx.found(s, cands);
                ctx.tx
                    .finished(s, SourceStatus::Found, servers_found(&u, n));
                return;
            }
            Err(f) => failures.push((failure_status(&f), format!("{u} {}.", f.describe()))),
        }
    }
    let status = if failures
        .iter()
        .all(|(st, _)| *st == SourceStatus::NothingFound)
    {
        SourceStatus::NothingFound
    } else {
        SourceStatus::Failed
    };
    let detail: Vec<String> = failures.into_iter().map(|(_, d)| d).collect();
    ctx.tx.finished(s, status, detail.join(" "));
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
