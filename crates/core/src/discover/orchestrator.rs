//! The orchestrator: the catalogue first (offline; a domain match is the final answer), then
//! every network source as its own task within one time budget. A collector receives what the
//! sources say, tells the observer as it happens, stops guessing once another source has
//! answered, and when the budget ends lists what has not answered; then everything is ranked.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::address::{self, EmailAddress};
use super::autoconfig;
use super::catalogue;
use super::dns::Dns;
use super::egress::Recorder;
use super::model::{
    Candidate, DiscoverEvent, DiscoverOptions, Discovery, SourceKind, SourceReport, SourceStatus,
};
use super::rank;
use super::sources::{self, Ctx, Msg, Tx};
use crate::error::UserError;
use crate::observer::Observer;
use crate::tls::Trust;

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// Collects what the sources say, tells the observer, and keeps the first-proposal time.
struct Collector<'o> {
    start: Instant,
    observer: &'o dyn Observer<DiscoverEvent>,
    candidates: Vec<Candidate>,
    reports: Vec<SourceReport>,
    started: Vec<SourceKind>,
    first_ms: Option<u32>,
}

impl<'o> Collector<'o> {
    fn new(start: Instant, observer: &'o dyn Observer<DiscoverEvent>) -> Self {
        Self {
            start,
            observer,
            candidates: Vec::new(),
            reports: Vec::new(),
            started: Vec::new(),
            first_ms: None,
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Started(s) => {
                if !self.started.contains(&s) {
                    self.started.push(s);
                    self.observer.event(DiscoverEvent::SourceStarted {
                        source: s,
                        label: s.label().to_owned(),
                    });
                }
            }
            Msg::Found(cands) => {
                let after_ms = ms(self.start.elapsed());
                self.first_ms.get_or_insert(after_ms);
                for c in cands {
                    self.observer.event(DiscoverEvent::Found {
                        candidate: c.clone(),
                        after_ms,
                    });
                    self.candidates.push(c);
                }
            }
            Msg::Finished(s, status, detail) => self.finish(s, status, detail),
        }
    }

    fn finish(&mut self, source: SourceKind, status: SourceStatus, detail: String) {
        if self.is_finished(source) {
            return;
        }
        let found = self
            .candidates
            .iter()
            .filter(|c| c.source == source)
            .count();
        let report = SourceReport {
            source,
            label: source.label().to_owned(),
            status,
            detail,
            found: u32::try_from(found).unwrap_or(u32::MAX),
            elapsed_ms: ms(self.start.elapsed()),
        };
        self.observer.event(DiscoverEvent::SourceFinished {
            report: report.clone(),
        });
        self.reports.push(report);
    }

    fn is_finished(&self, s: SourceKind) -> bool {
        self.reports.iter().any(|r| r.source == s)
    }

    fn skip_rest(&mut self, why: &str) {
        for s in SourceKind::ALL {
            if !self.is_finished(s) {
                self.finish(s, SourceStatus::Skipped, why.to_owned());
            }
        }
    }
}

/// Finds candidate outgoing servers for `address`. Fails only for an invalid address (before
/// anything is sent); every source failure is reported inside the result instead.
pub async fn discover(
    address: &str,
    opts: &DiscoverOptions,
    observer: &dyn Observer<DiscoverEvent>,
) -> Result<Discovery, UserError> {
    let start = Instant::now();
    let addr = address::parse(address)?;
    let deadline = tokio::time::Instant::now() + opts.budget;
    let mut col = Collector::new(start, observer);
    let recorder = Recorder::default();

    // The catalogue first: it needs no network, and a domain match is the final answer.
    col.handle(Msg::Started(SourceKind::Catalogue));
    if let Err(e) = catalogue::providers() {
        col.finish(SourceKind::Catalogue, SourceStatus::Failed, e.message);
    } else if let Some(p) = catalogue::by_domain(&addr.ascii_domain) {
        col.handle(Msg::Found(sources::from_provider(
            p,
            SourceKind::Catalogue,
            &addr,
        )));
        col.finish(
            SourceKind::Catalogue,
            SourceStatus::Found,
            format!("{} is {}.", addr.domain, p.name),
        );
        col.skip_rest(&format!(
            "Not needed: {} is in the built-in provider list, so nothing was looked up on the network.",
            addr.domain
        ));
        return Ok(finish(addr, col, &recorder, start));
    } else {
        col.finish(
            SourceKind::Catalogue,
            SourceStatus::NothingFound,
            format!("{} is not in the built-in provider list.", addr.domain),
        );
    }
    if opts.offline {
        col.skip_rest("Skipped: offline mode, nothing is looked up on the network.");
        return Ok(finish(addr, col, &recorder, start));
    }

    let dns = Dns::new(opts.resolver, opts.dns_timeout, recorder.clone());
    let dns_error = dns.as_ref().err().cloned();
    let dns = dns.ok();
    let http = web_tls(opts).and_then(|tls| {
        autoconfig::client(tls, dns.clone(), recorder.clone(), opts.request_timeout)
            .map_err(|e| format!("the web client could not be set up ({e})"))
    });
    let http_error = http.as_ref().err().cloned();
    let (raw_tx, mut rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(Ctx {
        addr: addr.clone(),
        opts: opts.clone(),
        dns,
        http: http.ok(),
        recorder: recorder.clone(),
        tx: Tx(raw_tx),
    });

    let mut tasks = tokio::task::JoinSet::new();
    if ctx.dns.is_some() {
        tasks.spawn(sources::mx::run(ctx.clone()));
        tasks.spawn(sources::srv::run(ctx.clone()));
    } else {
        let why = format!(
            "Could not ask DNS: {}.",
            dns_error.unwrap_or_else(|| "no resolver".to_owned())
        );
        col.finish(SourceKind::Mx, SourceStatus::Failed, why.clone());
        col.finish(SourceKind::Srv, SourceStatus::Failed, why);
    }
    if ctx.http.is_some() {
        tasks.spawn(sources::autoconfig::run(ctx.clone()));
        tasks.spawn(sources::ispdb::run(ctx.clone()));
    } else {
        let why = format!(
            "Could not fetch web pages: {}.",
            http_error.unwrap_or_else(|| "no web client".to_owned())
        );
        for s in [
            SourceKind::Autoconfig,
            SourceKind::WellKnown,
            SourceKind::AutoconfigHttp,
            SourceKind::Ispdb,
        ] {
            col.finish(s, SourceStatus::Failed, why.clone());
        }
    }
    let guess_task = if !opts.guess {
        col.finish(
            SourceKind::Guess,
            SourceStatus::Skipped,
            "Skipped: trying common server names was switched off.".to_owned(),
        );
        None
    } else if opts.prober.is_none() || ctx.dns.is_none() {
        col.finish(
            SourceKind::Guess,
            SourceStatus::Skipped,
            "Skipped: no way to check guessed servers is available.".to_owned(),
        );
        None
    } else {
        Some(tasks.spawn(sources::guess::run(ctx.clone())))
    };
    drop(ctx);

    let others_done = |col: &Collector<'_>| {
        SourceKind::ALL
            .iter()
            .filter(|s| **s != SourceKind::Guess)
            .all(|s| col.is_finished(*s))
    };
    loop {
        if SourceKind::ALL.iter().all(|s| col.is_finished(*s)) {
            break;
        }
        // Guesses are the last resort: once every other source has answered with something,
        // stop probing.
        if !col.is_finished(SourceKind::Guess)
            && others_done(&col)
            && col.candidates.iter().any(|c| c.source != SourceKind::Guess)
        {
            if let Some(h) = &guess_task {
                h.abort();
            }
            col.finish(
                SourceKind::Guess,
                SourceStatus::Skipped,
                "Not needed: other sources already proposed servers.".to_owned(),
            );
            continue;
        }
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => col.handle(m),
                None => break,
            },
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    tasks.abort_all();
    // Whatever arrived before the tasks stopped still counts.
    while let Ok(m) = rx.try_recv() {
        col.handle(m);
    }
    let budget_s = opts.budget.as_secs_f32();
    for s in SourceKind::ALL {
        if !col.is_finished(s) {
            let (status, detail) = if col.started.contains(&s) {
                (
                    SourceStatus::TimedOut,
                    format!(
                        "Did not answer within the {budget_s:.0} s allowed for finding settings."
                    ),
                )
            } else {
                (
                    SourceStatus::Skipped,
                    "Not tried: time ran out first.".to_owned(),
                )
            };
            col.finish(s, status, detail);
        }
    }
    Ok(finish(addr, col, &recorder, start))
}

fn finish(
    addr: EmailAddress,
    col: Collector<'_>,
    recorder: &Recorder,
    start: Instant,
) -> Discovery {
    let left = recorder.snapshot();
    let address_shared = left.iter().any(|e| e.sent_address);
    let mut reports = col.reports;
    reports.sort_by_key(|r| {
        SourceKind::ALL
            .iter()
            .position(|s| *s == r.source)
            .unwrap_or(usize::MAX)
    });
    let candidates = rank::rank(col.candidates);
    let summary = match candidates.first() {
        Some(best) => format!(
            "Found {} possible server{} for {}; the best is {} port {} ({}), {}.",
            candidates.len(),
            if candidates.len() == 1 { "" } else { "s" },
            addr.domain,
            best.host,
            best.port,
            best.security.label(),
            best.origin
        ),
        None => format!(
            "No settings were found for {}. Ask your email provider or IT for the outgoing (SMTP) server name, or pick your provider from the list.",
            addr.domain
        ),
    };
    Discovery {
        address: addr.display(),
        domain: addr.domain,
        ascii_domain: addr.ascii_domain,
        candidates,
        sources: reports,
        left_computer: left,
        address_shared,
        summary,
        elapsed_ms: ms(start.elapsed()),
        first_candidate_ms: col.first_ms,
    }
}

/// The web client's TLS: the options' trust (the platform's authorities when none is given),
/// HTTP/1.1 only.
fn web_tls(opts: &DiscoverOptions) -> Result<rustls::ClientConfig, String> {
    let trust = match &opts.trust {
        Some(t) => t.clone(),
        None => Trust::platform(),
    };
    let mut cfg = trust
        .client_config()
        .map_err(|e| format!("the encryption settings could not be made ({e})"))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}
