//! What a probe found: for each port and security tried, what the port does (in a word the UI
//! can switch on, and in words), and the probe's recommendation. Only data and its words live
//! here; [`crate::probe`] fills it in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ports::Security;
use crate::tls::TlsInfo;
use crate::verdict::VerdictCode;

/// One port and the security to try on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct ProbeCandidate {
    /// The port.
    pub port: u16,
    /// The security to try on it.
    pub security: Security,
}

impl ProbeCandidate {
    /// A candidate.
    pub const fn new(port: u16, security: Security) -> Self {
        Self { port, security }
    }
}

/// What a port does, in a word the UI can switch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PortState {
    /// Answers, encrypted with a trusted certificate.
    Works,
    /// Answers, but offers no encryption (typical of port 25).
    WorksUnencrypted,
    /// Nothing listens (connection refused).
    Refused,
    /// No answer at all: dropped by a firewall, most likely.
    NoAnswer,
    /// Answers, but expects encryption from the start.
    SpeaksTlsFirst,
    /// Answers in plain text (STARTTLS or nothing), not with encryption from the start.
    SpeaksPlain,
    /// Encrypts, but the certificate is not valid for this name.
    CertProblem,
    /// Something answers, but not a mail server.
    NotSmtp,
    /// Busy, or refuses this computer.
    Busy,
    /// The probe stopped before this port finished.
    Cancelled,
    /// Anything else (see the verdict code).
    Other,
}

impl PortState {
    /// A few words for the state, shown first (the result's `detail` says the rest).
    pub fn label(self) -> &'static str {
        match self {
            PortState::Works => "Works",
            PortState::WorksUnencrypted => "Works, but without encryption",
            PortState::Refused => "Refused",
            PortState::NoAnswer => "No answer (not offered, or blocked)",
            PortState::SpeaksTlsFirst => "Answers, encrypted from the start",
            PortState::SpeaksPlain => "Answers, starts unencrypted",
            PortState::CertProblem => "Certificate problem",
            PortState::NotSmtp => "Not a mail server",
            PortState::Busy => "Busy",
            PortState::Cancelled => "Stopped",
            PortState::Other => "Did not work",
        }
    }

    /// Whether a port in this state can be used as it is.
    pub fn works(self) -> bool {
        self == PortState::Works
    }
}

/// The result for one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PortResult {
    /// The candidate tried.
    pub candidate: ProbeCandidate,
    /// What it does.
    pub state: PortState,
    /// `state` in a few words, e.g. "Refused".
    pub state_label: String,
    /// What else to say about it, beside `state_label` (may be empty), e.g. "Nothing listens
    /// on this port".
    pub detail: String,
    /// The verdict of the check behind it.
    pub verdict: VerdictCode,
    /// The whole result in one line, e.g. "Refused: nothing listens on this port".
    pub summary: String,
    /// The sign-in methods offered, when it answered.
    pub auth_mechanisms: Vec<String>,
    /// What TLS showed, when it got that far.
    pub tls: Option<TlsInfo>,
    /// How long this port took.
    pub duration_ms: u32,
}

/// The probe's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProbeReport {
    /// The host probed.
    pub host: String,
    /// One result per candidate, in the candidates' order.
    pub results: Vec<PortResult>,
    /// The best-ranked candidate that works.
    pub recommended: Option<ProbeCandidate>,
    /// The recommendation (or its absence) in plain words.
    pub recommendation: String,
    /// The words of the button that applies `recommended`, e.g. "Use port 587 (Upgrade with
    /// STARTTLS)".
    pub use_label: Option<String>,
    /// What to say once `recommended` is applied to the settings.
    pub used_note: Option<String>,
    /// When the recommendation was certain, in ms since the start.
    pub recommended_after_ms: Option<u32>,
    /// A pattern worth telling, e.g. "your network seems to block ports 25 and 587".
    pub network_note: Option<String>,
    /// When no port works: what to do next, one sentence each (another network, the
    /// provider's page, a sending service). Empty when a port works or the probe was stopped.
    pub next_steps: Vec<String>,
    /// How long the whole probe took.
    pub total_ms: u32,
}

impl PortResult {
    /// A result with its words: `state`'s label, then `detail` (a sentence, may be empty).
    pub(crate) fn new(
        candidate: ProbeCandidate,
        state: PortState,
        verdict: VerdictCode,
        detail: String,
        duration_ms: u32,
    ) -> Self {
        let label = state.label();
        let summary = match detail.chars().next() {
            None => label.to_owned(),
            Some(first) => format!(
                "{label}: {}{}",
                first.to_lowercase(),
                &detail[first.len_utf8()..]
            ),
        };
        Self {
            candidate,
            state,
            state_label: label.to_owned(),
            detail,
            verdict,
            summary,
            auth_mechanisms: Vec::new(),
            tls: None,
            duration_ms,
        }
    }
}
