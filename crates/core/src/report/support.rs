//! "Copy a report for support": a check's [`Report`] as plain text a helpdesk can read. It
//! holds what the report holds and nothing more: no password (the transcript is already
//! redacted), the server's own words, the steps, and the diagnosis.

use std::fmt::Write as _;

use super::{Report, StepStatus};
use crate::transcript::Direction;

/// The longest report text; a transcript is bounded already, this bounds everything else.
pub const MAX_REPORT_LEN: usize = 256 * 1024;

/// The report as plain text, for an email or a ticket to whoever runs the mail server.
pub fn support_text(report: &Report) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Portolan connection report (Portolan {})",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        t,
        "Server: {} port {} — {}",
        one_line(&report.host),
        report.port,
        report.security.label()
    );
    let _ = writeln!(t, "Result: {}", one_line(&report.verdict.title));
    let _ = writeln!(t, "Code: {}", report.verdict.code.as_str());
    let _ = writeln!(t);
    let _ = writeln!(t, "{}", one_line(&report.verdict.explanation));
    if !report.verdict.fixes.is_empty() {
        let _ = writeln!(t);
        let _ = writeln!(t, "What to try:");
        for fix in &report.verdict.fixes {
            let _ = writeln!(t, "- {}", one_line(&fix.label));
        }
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "Steps ({} ms in all):", report.total_ms);
    for step in &report.steps {
        let mark = match step.status {
            StepStatus::Ok => "ok  ",
            StepStatus::Failed => "FAIL",
            StepStatus::Skipped => "skip",
            StepStatus::Warning => "warn",
        };
        let _ = writeln!(
            t,
            "  [{mark}] {} ({} ms): {}",
            step.stage.label(),
            step.duration_ms,
            one_line(&step.summary)
        );
        if let Some(d) = &step.detail {
            let _ = writeln!(t, "         {}", one_line(d));
        }
    }
    if let Some(tls) = &report.tls {
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "Encryption: {} {}",
            tls.version.as_deref().unwrap_or("(no handshake)"),
            tls.cipher.as_deref().unwrap_or("")
        );
        let _ = writeln!(
            t,
            "Certificate verified: {}",
            if tls.verified { "yes" } else { "no" }
        );
        if let Some(e) = &tls.verify_error {
            let _ = writeln!(t, "Why not: {}", one_line(e));
        }
        if tls.exception_used {
            let _ = writeln!(t, "Accepted by the user's exception for this server only.");
        }
        if let Some(i) = &tls.interception {
            let _ = writeln!(t, "Intercepted by: {}", one_line(i));
        }
        for (n, c) in tls.chain.iter().enumerate() {
            let _ = writeln!(t, "  #{n} subject: {}", one_line(&c.subject));
            let _ = writeln!(t, "     issuer:  {}", one_line(&c.issuer));
            let _ = writeln!(t, "     names:   {}", one_line(&c.names.join(", ")));
            let _ = writeln!(t, "     valid:   {} to {}", c.not_before, c.not_after);
            let _ = writeln!(t, "     sha256:  {}", one_line(&c.sha256));
        }
    }
    if let Some(s) = &report.server {
        let _ = writeln!(t);
        let _ = writeln!(t, "Server greeting: {}", one_line(&s.banner));
        let _ = writeln!(t, "Server offers: {}", one_line(&s.keywords.join(", ")));
    }
    if let Some(sent) = &report.sent {
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "Test email to {}: {}",
            one_line(&sent.to),
            one_line(&sent.reply)
        );
    }
    if !report.transcript.is_empty() {
        let _ = writeln!(t);
        let _ = writeln!(t, "Conversation with the server (sign-in details removed):");
        for line in &report.transcript {
            let who = match line.direction {
                Direction::Client => "C:",
                Direction::Server => "S:",
                Direction::Note => "--",
            };
            let _ = writeln!(t, "{:>6} ms {who} {}", line.at_ms, one_line(&line.text));
            if t.len() > MAX_REPORT_LEN {
                break;
            }
        }
    }
    if t.len() > MAX_REPORT_LEN {
        let mut cut = MAX_REPORT_LEN;
        while !t.is_char_boundary(cut) {
            cut -= 1;
        }
        t.truncate(cut);
        t.push_str("\n… (report shortened)\n");
    }
    t
}

/// Keeps every value on its line: control characters (CR, LF, escape codes) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Security;
    use crate::report::{Stage, Step};
    use crate::transcript::TranscriptLine;
    use crate::verdict::{Verdict, VerdictCode};

    fn report() -> Report {
        Report {
            host: "smtp.example.com".into(),
            port: 587,
            security: Security::Starttls,
            steps: vec![Step {
                stage: Stage::Connect,
                status: StepStatus::Ok,
                duration_ms: 12,
                summary: "Connected\r\nFAKE".into(),
                detail: None,
            }],
            verdict: Verdict::new(VerdictCode::Ok, "It works", "All good.", vec![]),
            tls: None,
            server: None,
            transcript: vec![TranscriptLine {
                direction: Direction::Client,
                text: "AUTH PLAIN <redacted>".into(),
                at_ms: 3,
            }],
            sent: None,
            total_ms: 15,
        }
    }

    #[test]
    fn the_report_names_server_result_steps_and_conversation() {
        let t = support_text(&report());
        assert!(t.contains("Server: smtp.example.com port 587"), "{t}");
        assert!(t.contains("Result: It works"), "{t}");
        assert!(t.contains("[ok  ] "), "{t}");
        assert!(t.contains("C: AUTH PLAIN <redacted>"), "{t}");
    }

    #[test]
    fn server_text_cannot_forge_lines_of_the_report() {
        let t = support_text(&report());
        assert!(!t.contains("\nFAKE"), "{t}");
        assert!(t.contains("Connected  FAKE"), "{t}");
    }

    #[test]
    fn a_huge_transcript_is_cut_to_the_bound() {
        let mut r = report();
        r.transcript = (0..20_000)
            .map(|i: u32| TranscriptLine {
                direction: Direction::Server,
                text: format!("250-{}", "x".repeat(60 + (i % 7) as usize)),
                at_ms: i,
            })
            .collect();
        let t = support_text(&r);
        assert!(t.len() <= MAX_REPORT_LEN + 64, "{}", t.len());
        assert!(t.ends_with("(report shortened)\n"));
    }
}
