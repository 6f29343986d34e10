//! The recorder: builds a [`Report`] while a session runs. Each step is timed and streamed to
//! the observer as it starts and ends, each line of the dialogue goes into the redacted
//! transcript, and every text that leaves it has the password removed in all its forms.

use std::time::{Duration, Instant};

use crate::observer::{Event, Observer};
use crate::ports::Security;
use crate::report::{Report, SentInfo, ServerInfo, Stage, Step, StepStatus};
use crate::sensitive::Password;
use crate::smtp::conn::Wire;
use crate::tls::TlsInfo;
use crate::transcript::Transcript;
use crate::verdict::Verdict;

/// Milliseconds, saturating.
pub(crate) fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// Builds the report as steps happen, and streams them to the observer.
pub(crate) struct Recorder<'a> {
    start: Instant,
    steps: Vec<Step>,
    transcript: Transcript,
    current: Option<(Stage, Instant)>,
    observer: &'a dyn Observer,
    /// What TLS showed, once a handshake was tried.
    pub(crate) tls: Option<TlsInfo>,
    /// What the server announced in its latest EHLO reply.
    pub(crate) server: Option<ServerInfo>,
    /// The sign-in name and password, when a password is given: every form of it is removed
    /// from what the server says and from every summary, since servers may quote the
    /// credential back (e.g. `535 … failed for AHVzZXIA…`).
    secret: Option<(String, Password)>,
}

impl<'a> Recorder<'a> {
    /// A recorder whose clock starts now.
    pub(crate) fn new(observer: &'a dyn Observer) -> Self {
        Self {
            start: Instant::now(),
            steps: Vec::new(),
            transcript: Transcript::new(),
            current: None,
            observer,
            tls: None,
            server: None,
            secret: None,
        }
    }

    /// Removes every form of this credential from what is recorded from now on.
    pub(crate) fn hide(&mut self, user: &str, password: &Password) {
        self.secret = Some((user.trim().to_owned(), password.clone()));
    }

    /// `text` without any form of the password.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match &self.secret {
            Some((user, pw)) => crate::transcript::scrub(text, user, pw.expose()),
            None => text.to_owned(),
        }
    }

    /// Starts a step (and tells the observer).
    pub(crate) fn begin(&mut self, stage: Stage) {
        self.current = Some((stage, Instant::now()));
        let encrypted = self.steps.iter().any(|s| s.stage == Stage::Starttls);
        self.observer.event(Event::StepStarted {
            stage,
            label: stage.step_label(encrypted).to_owned(),
        });
    }

    /// Whether a step has begun and not ended.
    pub(crate) fn in_step(&self) -> bool {
        self.current.is_some()
    }

    /// Ends the current step (nothing when none is running).
    pub(crate) fn end(&mut self, status: StepStatus, summary: String, detail: Option<String>) {
        let Some((stage, began)) = self.current.take() else {
            return;
        };
        let summary = self.scrub(&summary);
        let detail = detail.map(|d| self.scrub(&d));
        let step = Step {
            stage,
            status,
            duration_ms: ms(began.elapsed()),
            summary,
            detail,
        };
        self.steps.push(step.clone());
        self.observer.event(Event::StepFinished { step });
    }

    /// Ends the current step as done.
    pub(crate) fn ok(&mut self, summary: impl Into<String>) {
        self.end(StepStatus::Ok, summary.into(), None);
    }

    /// Ends the current step as failed.
    pub(crate) fn fail(&mut self, summary: impl Into<String>, detail: Option<String>) {
        self.end(StepStatus::Failed, summary.into(), detail);
    }

    /// Adds Portolan's own line to the transcript.
    pub(crate) fn note(&mut self, text: &str) {
        let line = self.transcript.note(text, self.at());
        self.observer.event(Event::Transcript { line });
    }

    /// Whether a sign-in step has succeeded.
    pub(crate) fn signed_in(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.stage == Stage::Auth && s.status == StepStatus::Ok)
    }

    /// Milliseconds since the recorder started.
    pub(crate) fn at(&self) -> u32 {
        ms(self.start.elapsed())
    }

    /// The finished report; every text in the verdict and the acceptance is scrubbed too.
    pub(crate) fn into_report(
        self,
        host: &str,
        port: u16,
        security: Security,
        mut verdict: Verdict,
        mut sent: Option<SentInfo>,
    ) -> Report {
        verdict.title = self.scrub(&verdict.title);
        verdict.explanation = self.scrub(&verdict.explanation);
        for fix in &mut verdict.fixes {
            fix.label = self.scrub(&fix.label);
        }
        if let Some(sent) = &mut sent {
            sent.reply = self.scrub(&sent.reply);
        }
        let total_ms = self.at();
        Report {
            host: host.to_owned(),
            port,
            security,
            steps: self.steps,
            verdict,
            tls: self.tls,
            server: self.server,
            transcript: self.transcript.into_lines(),
            sent,
            total_ms,
        }
    }
}

impl Wire for Recorder<'_> {
    fn client_line(&mut self, line: &str) {
        let line = self.transcript.client(line, self.at());
        self.observer.event(Event::Transcript { line });
    }

    fn server_line(&mut self, line: &str) {
        let line = self.scrub(line);
        let line = self.transcript.server(&line, self.at());
        self.observer.event(Event::Transcript { line });
    }
}

/// A wire that records nothing: side connections, and the goodbye read after the report.
pub(crate) struct Silent;

impl Wire for Silent {
    fn client_line(&mut self, _: &str) {}
    fn server_line(&mut self, _: &str) {}
}
