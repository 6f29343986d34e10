//! Everything the CLI prints, in one place: each result as JSON (`--json`) or in plain words,
//! the live progress, and the one shape of a failure. The words themselves come from the core;
//! this file lays them out for a terminal: the check, the probe and discovery here, the saved
//! profiles, exports and sending services in `profiles`.

use std::io::Write;

use portolan_core::check::{Report, Step, StepStatus};
use portolan_core::discover::catalogue::SendingService;
use portolan_core::discover::{DiscoverEvent, Discovery, EgressKind, SourceStatus};
use portolan_core::error::{FaceError, UserError};
use portolan_core::export::{Exported, FormatInfo};
use portolan_core::observer::Event;
use portolan_core::probe::{PortState, ProbeReport};
use portolan_core::profiles::{DeleteOutcome, Profile, ProfileNotice};
use portolan_core::settings::SmtpSettings;
use portolan_core::transcript::Direction;
use portolan_core::words;
use serde::Serialize;

mod profiles;
pub use profiles::*;

/// The width text is wrapped at.
const WIDTH: usize = 78;

/// Where a command's output goes: plain words, or JSON for scripts (`--json`).
#[derive(Debug, Clone, Copy)]
pub struct Out {
    json: bool,
}

impl Out {
    /// Output in words, or in JSON when `json` is set.
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether `--json` was given.
    pub fn json(self) -> bool {
        self.json
    }

    /// Prints a command's result: the value as JSON with `--json`, else `words(value)`.
    pub fn show<T: Serialize + ?Sized>(
        self,
        value: &T,
        words: impl FnOnce(&T),
    ) -> Result<(), UserError> {
        if self.json {
            let s =
                serde_json::to_string_pretty(value).map_err(|e| FaceError::Json(e.to_string()))?;
            outln!("{s}");
        } else {
            words(value);
        }
        Ok(())
    }

    /// Prints a failure: `{"error": {code, message, hint}}` on stdout with `--json`, else the
    /// message and the hint on stderr.
    pub fn failure(self, e: &UserError) {
        if self.json {
            let s = serde_json::to_string_pretty(&serde_json::json!({ "error": e }))
                .unwrap_or_default();
            outln!("{s}");
        } else {
            eprintln!("✗ {}", e.message);
            if !e.hint.is_empty() {
                eprintln!("  {}", e.hint);
            }
        }
    }

    /// Something to know beside the result (a notice, a warning): on stderr in both modes.
    pub fn note(self, text: &str) {
        eprintln!("! {text}");
    }

    /// The profiles file's notices (a damaged file set aside, a migration).
    pub fn notices(self, notices: &[ProfileNotice]) {
        for n in notices {
            self.note(&n.message);
        }
    }

    /// A line saying what is about to happen; words only.
    pub fn intro(self, line: &str) {
        if !self.json {
            outln!("{line}");
        }
    }
}

/// Greedy word wrap with an indent.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        lines.push(line);
    }
    lines.join("\n")
}

// ---- check and send ----

/// "It did not arrive": the steps in order, then the records they rest on.
pub fn delivery(h: &portolan_core::delivery::DeliveryHelp) {
    outln!("{}", h.title);
    for (i, s) in h.steps.iter().enumerate() {
        outln!("\n{}. {}", i + 1, s.title);
        outln!("{}", wrap(&s.text, 76, "   "));
    }
    let s = &h.sender;
    if s.spf_record.is_some() || s.dmarc_record.is_some() {
        outln!();
    }
    if let Some(r) = &s.spf_record {
        outln!("  SPF record of {}: {r}", s.domain);
    }
    if let Some(r) = &s.dmarc_record {
        outln!("  DMARC record of {}: {r}", s.domain);
    }
}

/// What `check` is about to do.
pub fn check_intro(s: &SmtpSettings, with_password: bool) -> String {
    words::check_intro(s, with_password)
}

/// What `send` is about to do.
pub fn send_intro(s: &SmtpSettings, to: Option<&str>) -> String {
    words::send_intro(s, to)
}

/// A step as one line, under the name the engine gave it when it started:
/// `  ✓ Connect — Connected to 1.2.3.4:587 (3 ms)`.
pub fn step_line(step: &Step, label: &str) -> String {
    let mark = match step.status {
        StepStatus::Ok => "✓",
        StepStatus::Failed => "✗",
        StepStatus::Skipped => "–",
        StepStatus::Warning => "!",
    };
    let mut s = format!(
        "  {mark} {label} — {} ({} ms)",
        step.summary, step.duration_ms
    );
    if let Some(d) = &step.detail {
        s.push_str(&format!("\n      {d}"));
    }
    s
}

/// An observer printing each step as it finishes (words only), named as it started (the
/// second hello says it is after encryption).
pub fn live_steps(out: Out) -> impl Fn(Event) + Send + Sync {
    let started = std::sync::Mutex::new(None::<String>);
    move |e| {
        if out.json {
            return;
        }
        match e {
            Event::StepStarted { label, .. } => {
                if let Ok(mut s) = started.lock() {
                    *s = Some(label);
                }
            }
            Event::StepFinished { step } => {
                let label = started
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .unwrap_or_else(|| step.stage.label().to_owned());
                outln!("{}", step_line(&step, &label));
                let _ = std::io::stdout().flush();
            }
            _ => {}
        }
    }
}

/// The verdict, the fixes and (optionally) the transcript, after the live steps.
pub fn conclusion(report: &Report, transcript: bool) {
    let v = &report.verdict;
    let phrases = words::phrases();
    let mark = if v.finished {
        "✓"
    } else if v.ok {
        "!"
    } else {
        "✗"
    };
    outln!("\n{mark} {} [{}]", v.title, v.code);
    outln!("{}", wrap(&v.explanation, 76, "  "));
    if let Some(c) = portolan_core::report::details::certificate(report) {
        outln!("{}", wrap(&format!("{}: {}", c.label, c.text), 76, "  "));
    }
    if let Some(sent) = &report.sent {
        outln!(
            "  {}",
            phrases
                .accepted_for
                .replace("{to}", &sent.to)
                .replace("{reply}", &sent.reply)
        );
        outln!("  Subject: {}", sent.subject);
        outln!("  Test code: {}", sent.test_code);
        outln!("  Message-ID: {}", sent.message_id);
        outln!("{}", wrap(&sent.ask.question, 76, "  "));
        outln!(
            "  If it does not arrive: portolan delivery --from {} --host {} --to {}",
            sent.from,
            report.host,
            sent.to
        );
    }
    if !v.fixes.is_empty() {
        outln!("  {}", phrases.fixes_heading);
        for f in &v.fixes {
            outln!("   • {}", f.label);
            if let Some(link) = &f.link {
                outln!("     {link}");
            }
            if let Some(text) = &f.copy_text {
                outln!("     ----- copy from here -----");
                for line in text.lines() {
                    outln!("{}", wrap(line, 76, "     "));
                }
                outln!("     ----- to here -----");
            }
        }
    }
    if transcript {
        outln!("\n{}", phrases.transcript_heading);
        for l in &report.transcript {
            let who = match l.direction {
                Direction::Client => "C:",
                Direction::Server => "S:",
                Direction::Note => "--",
            };
            outln!("  {who} {}", l.text);
        }
    }
}

// ---- probe ----

/// What `probe` is about to do.
pub fn probe_intro(host: &str, ports: usize) -> String {
    words::probe_intro(host, ports)
}

fn state_mark(s: PortState) -> &'static str {
    match s {
        PortState::Works => "✓",
        PortState::WorksUnencrypted => "!",
        _ => "✗",
    }
}

/// An observer printing each port as it answers, and the recommendation (words only).
pub fn live_ports(out: Out) -> impl Fn(Event) + Send + Sync {
    move |e| {
        if out.json {
            return;
        }
        match e {
            Event::ProbePort { result } => outln!(
                "  {} {:>5} {} — {} ({} ms)",
                state_mark(result.state),
                result.candidate.port,
                result.candidate.security.label(),
                result.summary,
                result.duration_ms
            ),
            Event::ProbeRecommendation {
                candidate,
                after_ms,
            } => outln!("  → {}", words::probe_recommended(candidate, after_ms)),
            _ => {}
        }
    }
}

/// The recommendation after the live lines.
pub fn probe_conclusion(report: &ProbeReport) {
    outln!("\n{}", wrap(&report.recommendation, 76, ""));
    if let Some(note) = &report.network_note {
        outln!("{}", wrap(note, 76, ""));
    }
    if !report.next_steps.is_empty() {
        outln!("\n{}", words::phrases().probe_next);
        for step in &report.next_steps {
            outln!("{}", wrap(step, 76, "    ").replacen("    ", "  • ", 1));
        }
    }
}

// ---- discover ----

/// An observer printing each proposal as it arrives, on stderr (words only).
pub fn live_proposals(out: Out) -> impl Fn(DiscoverEvent) + Send + Sync {
    move |e| {
        if out.json {
            return;
        }
        if let DiscoverEvent::Found {
            candidate,
            after_ms,
        } = e
        {
            eprintln!(
                "… {} port {} ({}) after {after_ms} ms",
                candidate.host,
                candidate.port,
                candidate.source.label()
            );
        }
    }
}

fn status_mark(s: SourceStatus) -> &'static str {
    match s {
        SourceStatus::Found => "✓",
        SourceStatus::NothingFound => "–",
        SourceStatus::Skipped => "·",
        SourceStatus::Failed | SourceStatus::TimedOut => "✗",
    }
}

/// A discovery: the ranked proposals, what was tried and what left the computer.
pub fn discovery(d: &Discovery) -> String {
    let mut out = String::new();
    out.push_str(&wrap(&d.summary, WIDTH, ""));
    out.push('\n');
    for (i, c) in d.candidates.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} port {} — {}{}\n",
            i + 1,
            c.host,
            c.port,
            c.security.label(),
            if c.confirmed {
                " (a mail server answered there)"
            } else {
                ""
            }
        ));
        let mut from = c.origin.clone();
        if let Some(p) = &c.provider_name {
            from = format!("{p}, {from}");
        }
        out.push_str(&wrap(&format!("Where from: {from}."), WIDTH, "   "));
        out.push('\n');
        match (&c.username, &c.username_hint) {
            (Some(u), _) => out.push_str(&format!("   User name: {u}\n")),
            (None, Some(h)) => {
                out.push_str(&wrap(&format!("User name: {h}"), WIDTH, "   "));
                out.push('\n');
            }
            (None, None) => out.push_str("   No sign-in.\n"),
        }
        for n in &c.notes {
            out.push_str(&wrap(&format!("! {}", n.text), WIDTH, "   "));
            out.push('\n');
        }
        if let Some(h) = &c.help_url {
            out.push_str(&format!("   Help: {h}\n"));
        }
    }
    out.push_str("\nWhat was tried:\n");
    // Sources skipped for one shared reason (offline, a catalogue hit) make one line.
    let skipped: Vec<_> = d
        .sources
        .iter()
        .filter(|r| r.status == SourceStatus::Skipped)
        .collect();
    let shared_skip = skipped.len() > 1 && skipped.iter().all(|r| r.detail == skipped[0].detail);
    for r in &d.sources {
        if shared_skip && r.status == SourceStatus::Skipped {
            continue;
        }
        out.push_str(&wrap(
            &format!("{} {}: {}", status_mark(r.status), r.label, r.detail),
            WIDTH,
            "  ",
        ));
        out.push('\n');
    }
    if shared_skip {
        out.push_str(&wrap(
            &format!(
                "· The other {} sources: {}",
                skipped.len(),
                skipped[0].detail
            ),
            WIDTH,
            "  ",
        ));
        out.push('\n');
    }
    out.push_str("\nWhat left this computer:\n");
    if d.left_computer.is_empty() {
        out.push_str("  Nothing.\n");
    }
    for e in &d.left_computer {
        let kind = match e.kind {
            EgressKind::Dns => "DNS",
            EgressKind::Https => "HTTPS",
            EgressKind::Http => "HTTP",
            EgressKind::Smtp => "SMTP",
        };
        out.push_str(&wrap(
            &format!("{kind} {} — {}", e.target, e.detail),
            WIDTH,
            "  ",
        ));
        out.push('\n');
    }
    out.push_str(if d.address_shared {
        "Your email address was sent, as you allowed.\n"
    } else {
        "Your email address itself was sent to no one.\n"
    });
    out
}
