//! Live progress: the engine reports each step as it starts and ends, so the app and the CLI
//! show the same steps as they happen.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::report::probe::{PortResult, ProbeCandidate};
use crate::report::{Stage, Step};
use crate::transcript::TranscriptLine;

/// Something that happened during a check, a probe or a send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A step began.
    StepStarted {
        /// Which step.
        stage: Stage,
        /// Its plain-words name.
        label: String,
    },
    /// A step ended (its status says how).
    StepFinished {
        /// The finished step.
        step: Step,
    },
    /// A line of the (redacted) dialogue.
    Transcript {
        /// The line.
        line: TranscriptLine,
    },
    /// A probe finished one port.
    ProbePort {
        /// What the port does.
        result: PortResult,
    },
    /// The probe is sure of its recommendation (other ports may still be reporting).
    ProbeRecommendation {
        /// The recommended port and security.
        candidate: ProbeCandidate,
        /// Milliseconds since the probe started.
        after_ms: u32,
    },
}

/// Receives events of type `E` (the engine's [`Event`] unless said otherwise; discovery uses
/// its own `DiscoverEvent`). Implemented for channels and closures; `()` ignores everything.
pub trait Observer<E = Event>: Send + Sync {
    /// Called for each event, in order, from the engine's task. Must not block.
    fn event(&self, event: E);
}

impl<E> Observer<E> for () {
    fn event(&self, _: E) {}
}

impl<E: Send> Observer<E> for tokio::sync::mpsc::UnboundedSender<E> {
    fn event(&self, event: E) {
        // A closed receiver means nobody is watching any more; the work goes on.
        let _ = self.send(event);
    }
}

impl<E, F: Fn(E) + Send + Sync> Observer<E> for F {
    fn event(&self, event: E) {
        self(event)
    }
}
