//! The network sources, one file each, and what they share: the context every source task
//! owns, and the channel on which a source says it started, what it found and how it ended.
//! Each source writes what it is about to send into the egress log before sending it.

pub(crate) mod autoconfig;
pub(crate) mod guess;
pub(crate) mod ispdb;
pub(crate) mod mx;
pub(crate) mod srv;

use tokio::sync::mpsc;

use super::address::EmailAddress;
use super::catalogue::Provider;
use super::dns::{Dns, LookupFailure};
use super::egress::Recorder;
use super::model::{Candidate, Confidence, DiscoverOptions, SourceKind, SourceStatus};

/// Messages from the source tasks to the collector.
pub(crate) enum Msg {
    Started(SourceKind),
    Found(Vec<Candidate>),
    Finished(SourceKind, SourceStatus, String),
}

/// A sender that stamps nothing and never fails (a closed collector means the budget ended).
#[derive(Clone)]
pub(crate) struct Tx(pub(crate) mpsc::UnboundedSender<Msg>);

impl Tx {
    pub(crate) fn started(&self, s: SourceKind) {
        let _ = self.0.send(Msg::Started(s));
    }
    pub(crate) fn found(&self, s: SourceKind, c: Vec<Candidate>) {
        if !c.is_empty() {
            debug_assert!(c.iter().all(|x| x.source == s));
            let _ = self.0.send(Msg::Found(c));
        }
    }
    pub(crate) fn finished(&self, s: SourceKind, status: SourceStatus, detail: impl Into<String>) {
        let _ = self.0.send(Msg::Finished(s, status, detail.into()));
    }
}

/// What every source task needs, owned so the tasks can be spawned.
pub(crate) struct Ctx {
    pub(crate) addr: EmailAddress,
    pub(crate) opts: DiscoverOptions,
    pub(crate) dns: Option<Dns>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) recorder: Recorder,
    pub(crate) tx: Tx,
}

/// Candidates of a catalogue provider (matched by domain, or by MX): its servers for this
/// address, with its notes in the core's words. A server the provider's documentation does not
/// confirm is proposed with less confidence and a note saying it is what is usually used.
pub(crate) fn from_provider(
    p: &Provider,
    source: SourceKind,
    addr: &EmailAddress,
) -> Vec<Candidate> {
    let notes = p.policy_notes();
    p.servers_for(addr)
        .iter()
        .map(|s| {
            let confidence = if s.source.verified {
                Confidence::High
            } else {
                Confidence::Normal
            };
            let mut notes = notes.clone();
            notes.extend(p.server_notes(s));
            Candidate {
                username: p.username_for(addr),
                username_hint: p.username_words(),
                provider_id: Some(p.id.clone()),
                provider_name: Some(p.name.clone()),
                notes,
                help_url: p.help.clone(),
                ..Candidate::new(s.host.clone(), s.port, s.security, source, confidence)
            }
        })
        .collect()
}

/// A failed DNS look-up in words.
fn describe_lookup(what: &str, f: &LookupFailure) -> String {
    match f {
        LookupFailure::NotFound => format!("No {what} record."),
        other => format!("{what}: {}.", other.describe()),
    }
}

/// How a source whose only question failed fared.
fn status_of(f: &LookupFailure) -> SourceStatus {
    match f {
        LookupFailure::NotFound => SourceStatus::NothingFound,
        LookupFailure::Timeout => SourceStatus::TimedOut,
        LookupFailure::Other(_) => SourceStatus::Failed,
    }
}
