//! The record of what left the computer during a discovery: every DNS question, every URL and
//! every server contacted, written down *before* it is sent so that a source cut off by the
//! time budget still shows what it asked.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of traffic left the computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EgressKind {
    /// A DNS question to the resolver.
    Dns,
    /// An encrypted web request.
    Https,
    /// An unencrypted web request.
    Http,
    /// A connection to a mail server (greeting, EHLO and QUIT only; no password).
    Smtp,
}

/// One thing that left the computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Egress {
    /// DNS, HTTPS, HTTP or SMTP.
    pub kind: EgressKind,
    /// What was asked: `MX example.com`, a URL, or `smtp.example.com port 465`.
    pub target: String,
    /// To whom and what it revealed, in plain words.
    pub detail: String,
    /// Whether the user's email address itself was sent.
    pub sent_address: bool,
}

/// Shared, append-only log; cheap to clone into each source's task.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Egress>>>);

impl Recorder {
    /// Notes something about to leave the computer.
    pub fn push(&self, kind: EgressKind, target: String, detail: String, sent_address: bool) {
        let mut log = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // The same question asked twice (e.g. A records for one host by two sources) is one
        // line for the user.
        if !log.iter().any(|e| e.kind == kind && e.target == target) {
            log.push(Egress {
                kind,
                target,
                detail,
                sent_address,
            });
        }
    }

    /// Everything noted so far, in order.
    pub fn snapshot(&self) -> Vec<Egress> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
