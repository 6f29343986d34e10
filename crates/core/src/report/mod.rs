//! What a check (or a send) found, step by step: the report the app shows, the CLI prints as
//! JSON and a helpdesk reads, and what a probe found ([`probe`]). Only data and its words
//! live here; the engine fills it in (the `recorder`), [`support`] renders it as text and
//! [`details`] as the labelled lines of the app's "Details" panel.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ports::Security;
use crate::smtp::{Ehlo, Reply};
use crate::tls::TlsInfo;
use crate::transcript::TranscriptLine;
use crate::verdict::Verdict;

pub mod details;
pub mod probe;
pub mod support;

pub use details::{details, Detail};
pub use support::{support_text, MAX_REPORT_LEN};

/// A step of the dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Looking up the server name.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// Setting up encryption and checking the certificate.
    Tls,
    /// Waiting for the server's greeting.
    Greeting,
    /// Saying hello (EHLO) and reading what the server offers.
    Ehlo,
    /// Asking to upgrade with STARTTLS.
    Starttls,
    /// Signing in.
    Auth,
    /// Giving the sender address.
    MailFrom,
    /// Giving the recipient address.
    RcptTo,
    /// Sending the message.
    Data,
    /// Saying goodbye.
    Quit,
}

impl Stage {
    /// The step's plain-words name.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Resolve => "Look up the server name",
            Stage::Connect => "Connect",
            Stage::Tls => "Encryption and certificate",
            Stage::Greeting => "Server greeting",
            Stage::Ehlo => "Say hello (EHLO)",
            Stage::Starttls => "Upgrade with STARTTLS",
            Stage::Auth => "Sign in",
            Stage::MailFrom => "Sender address",
            Stage::RcptTo => "Recipient address",
            Stage::Data => "Send the message",
            Stage::Quit => "Say goodbye",
        }
    }

    /// The step's name in a list of steps: saying hello again once STARTTLS has encrypted
    /// the connection says so, so the two hello rows are not alike.
    pub fn step_label(self, after_starttls: bool) -> &'static str {
        match self {
            Stage::Ehlo if after_starttls => "Say hello again, encrypted (EHLO)",
            _ => self.label(),
        }
    }

    /// The stage's name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Resolve => "resolve",
            Stage::Connect => "connect",
            Stage::Tls => "tls",
            Stage::Greeting => "greeting",
            Stage::Ehlo => "ehlo",
            Stage::Starttls => "starttls",
            Stage::Auth => "auth",
            Stage::MailFrom => "mail_from",
            Stage::RcptTo => "rcpt_to",
            Stage::Data => "data",
            Stage::Quit => "quit",
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// It worked.
    Ok,
    /// It failed; the verdict explains.
    Failed,
    /// Not done (e.g. sign-in without a password).
    Skipped,
    /// It worked with a caveat (e.g. the server did not say goodbye properly).
    Warning,
}

/// One finished step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Step {
    /// Which step.
    pub stage: Stage,
    /// How it ended.
    pub status: StepStatus,
    /// How long it took.
    pub duration_ms: u32,
    /// One line, plain words.
    pub summary: String,
    /// More, for the curious and for helpdesks.
    pub detail: Option<String>,
}

/// What the server announced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServerInfo {
    /// The greeting text (after `220`).
    pub banner: String,
    /// The name the server gave in its EHLO reply.
    pub ehlo_domain: String,
    /// Every EHLO keyword line, as sent.
    pub keywords: Vec<String>,
    /// The AUTH mechanisms offered (uppercase).
    pub auth_mechanisms: Vec<String>,
    /// The largest message accepted, in bytes (SIZE), if announced.
    #[ts(type = "number | null")]
    pub size_limit: Option<u64>,
    /// STARTTLS offered.
    pub starttls: bool,
    /// PIPELINING offered.
    pub pipelining: bool,
    /// 8BITMIME offered.
    pub eight_bit_mime: bool,
    /// SMTPUTF8 offered.
    pub smtputf8: bool,
    /// Whether these keywords were read over an encrypted connection.
    pub encrypted: bool,
}

impl ServerInfo {
    /// What the greeting and one EHLO reply announced.
    pub fn new(banner: &str, ehlo: Ehlo, encrypted: bool) -> Self {
        Self {
            banner: banner.to_owned(),
            ehlo_domain: ehlo.domain,
            keywords: ehlo.keywords,
            auth_mechanisms: ehlo.auth_mechanisms,
            size_limit: ehlo.size_limit,
            starttls: ehlo.starttls,
            pipelining: ehlo.pipelining,
            eight_bit_mime: ehlo.eight_bit_mime,
            smtputf8: ehlo.smtputf8,
            encrypted,
        }
    }

    /// Reads the keywords of an EHLO reply ([`Ehlo::parse`]).
    pub fn from_ehlo(banner: &str, reply: &Reply, encrypted: bool) -> Self {
        Self::new(banner, Ehlo::parse(reply), encrypted)
    }
}

/// Everything a check found, for the app, the CLI's JSON and helpdesks. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Report {
    /// The server name checked.
    pub host: String,
    /// The port checked.
    pub port: u16,
    /// The security checked.
    pub security: Security,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The diagnosis.
    pub verdict: Verdict,
    /// What TLS showed (even when verification failed).
    pub tls: Option<TlsInfo>,
    /// What the server announced (after encryption, when there was some).
    pub server: Option<ServerInfo>,
    /// The dialogue, credentials redacted.
    pub transcript: Vec<TranscriptLine>,
    /// The test email's acceptance, for `send`.
    pub sent: Option<SentInfo>,
    /// How long everything took.
    pub total_ms: u32,
}

impl Report {
    /// The stage that failed, if any.
    pub fn failed_stage(&self) -> Option<Stage> {
        self.steps
            .iter()
            .find(|s| s.status == StepStatus::Failed)
            .map(|s| s.stage)
    }
}

/// The server's acceptance of the test email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SentInfo {
    /// The sender (the envelope's and the header's From).
    pub from: String,
    /// Where it was sent.
    pub to: String,
    /// The reply code (250).
    pub code: u16,
    /// The server's final reply, e.g. `250 2.0.0 Ok: queued as 4Fxyz`: the queue id there is
    /// what a mail administrator needs to trace the message.
    pub reply: String,
    /// The short code in the subject (e.g. `4F7K`), to find the email in a mailbox.
    pub test_code: String,
    /// The subject, e.g. `Portolan test 4F7K`.
    pub subject: String,
    /// The email's Message-ID header, with its angle brackets: what a mail administrator
    /// searches the logs for.
    pub message_id: String,
    /// What to ask next: did it arrive?
    pub ask: ArrivalQuestion,
}

/// "Did it arrive?", asked after the server accepted the test email, in the core's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ArrivalQuestion {
    /// The question.
    pub question: String,
    /// The answer that finishes ("Yes, it arrived").
    pub yes: String,
    /// The answer that asks for help ("No, it did not arrive").
    pub no: String,
    /// What "yes" means, shown once it is chosen.
    pub arrived: String,
}

impl ArrivalQuestion {
    /// The question about a test email with subject `subject` sent to `to`.
    pub fn new(to: &str, subject: &str) -> Self {
        Self {
            question: format!(
                "Did it arrive? Look in the mailbox of {to} for \"{subject}\" (it can take a \
                 minute or two)."
            ),
            yes: "Yes, it arrived".to_owned(),
            no: "No, it did not arrive".to_owned(),
            arrived: "These settings send mail that arrives. You can save them now.".to_owned(),
        }
    }
}

/// A date as people write it ("4 December 2027"), from the engine's ISO 8601 forms
/// (`2027-12-04T13:48:25Z` or `2027-12-04`); anything else is returned as it is.
pub fn date_for_people(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let day = iso.get(..10).filter(|_| {
        iso.get(10..)
            .is_some_and(|t| t.is_empty() || t.starts_with('T'))
    });
    match day.and_then(calendar_date) {
        Some((y, m, d)) => format!("{d} {} {y}", MONTHS[usize::from(m - 1)]),
        None => iso.to_owned(),
    }
}

/// `YYYY-MM-DD` as numbers, when it is a real date.
pub fn calendar_date(s: &str) -> Option<(u16, u8, u8)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (u16, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}
