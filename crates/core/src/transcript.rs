//! The redacted record of an SMTP dialogue, safe to show, copy and send to a helpdesk.
//!
//! Redaction happens when a line is recorded, never later: the arguments of `AUTH` and every
//! client line sent in answer to a `334` challenge are replaced before they are stored. As a
//! second guard, [`scrub`] removes the password and its base64 forms from any text.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What replaces a credential in the transcript.
pub const REDACTED: &str = "<redacted>";
/// The longest line kept in a transcript; longer lines are cut (the dialogue itself is
/// bounded separately).
const MAX_SHOWN: usize = 512;

/// Who sent a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Portolan sent it.
    Client,
    /// The server sent it.
    Server,
    /// Portolan's own note (TLS started, connection closed, …).
    Note,
}

/// One line of the dialogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TranscriptLine {
    /// Who sent it.
    pub direction: Direction,
    /// The text, printable ASCII, credentials replaced by `<redacted>`.
    pub text: String,
    /// Milliseconds since the check started.
    pub at_ms: u32,
}

/// Records the dialogue, redacting credentials as it goes.
#[derive(Debug, Default, Clone)]
pub struct Transcript {
    lines: Vec<TranscriptLine>,
    /// The server asked for a credential (`334`): the next client line is secret.
    awaiting_secret: bool,
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a line Portolan sent, redacting AUTH arguments and answers to `334`.
    pub fn client(&mut self, line: &str, at_ms: u32) -> TranscriptLine {
        let text = if self.awaiting_secret {
            REDACTED.to_owned()
        } else {
            redact_auth_command(line)
        };
        self.awaiting_secret = false;
        self.push(Direction::Client, &text, at_ms)
    }

    /// Records a line the server sent. A `334` line means the next client line is secret.
    pub fn server(&mut self, line: &str, at_ms: u32) -> TranscriptLine {
        if line.starts_with("334") {
            self.awaiting_secret = true;
        }
        self.push(Direction::Server, line, at_ms)
    }

    /// Records Portolan's own note.
    pub fn note(&mut self, text: &str, at_ms: u32) -> TranscriptLine {
        self.push(Direction::Note, text, at_ms)
    }

    /// Forgets the pending `334` state (a new command was sent after a failed exchange).
    pub fn reset_secret_state(&mut self) {
        self.awaiting_secret = false;
    }

    fn push(&mut self, direction: Direction, text: &str, at_ms: u32) -> TranscriptLine {
        let line = TranscriptLine {
            direction,
            text: printable(text, MAX_SHOWN),
            at_ms,
        };
        self.lines.push(line.clone());
        line
    }

    /// The recorded lines.
    pub fn lines(&self) -> &[TranscriptLine] {
        &self.lines
    }

    /// The recorded lines, consuming the transcript.
    pub fn into_lines(self) -> Vec<TranscriptLine> {
        self.lines
    }
}

/// `AUTH PLAIN <b64>` → `AUTH PLAIN <redacted>`; other commands are returned unchanged.
fn redact_auth_command(line: &str) -> String {
    let mut words = line.splitn(3, ' ');
    let verb = words.next().unwrap_or_default();
    if !verb.eq_ignore_ascii_case("AUTH") {
        return line.to_owned();
    }
    match (words.next(), words.next()) {
        (Some(mech), Some(_)) => format!("{verb} {mech} {REDACTED}"),
        (Some(mech), None) => format!("{verb} {mech}"),
        _ => verb.to_owned(),
    }
}

/// Text with control and non-ASCII bytes escaped (`\r`, `\n`, `\x1b`, …), cut to `max` chars.
pub fn printable(text: &str, max: usize) -> String {
    escape_bytes(text.as_bytes(), max)
}

/// Bytes as printable ASCII with escapes, at most `max` characters (then `…`).
pub fn escape_bytes(bytes: &[u8], max: usize) -> String {
    let mut out = String::new();
    for &b in bytes {
        if out.len() >= max {
            out.push('…');
            break;
        }
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Every form in which `secret` could appear on the wire: itself, the base64 of
/// `\0user\0secret` (AUTH PLAIN), and the part of its base64 encoding that does not depend on
/// what precedes it, for each of the three byte alignments.
pub fn secret_forms(user: &str, secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    forms.push(STANDARD.encode(format!("\0{user}\0{secret}")));
    for pad in 0..3usize {
        let mut buf = vec![0u8; pad];
        buf.extend_from_slice(secret.as_bytes());
        let enc = STANDARD.encode(&buf);
        // The first group mixes the padding with the secret unless pad is 0; the last group
        // may mix with what follows. Keep only the groups made of the secret alone.
        let start = if pad == 0 { 0 } else { 4 };
        let full_groups = buf.len() / 3;
        let end = full_groups * 4;
        if end > start && end - start >= 4 {
            forms.push(enc[start..end].to_owned());
        }
    }
    forms.retain(|f| f.len() >= 4);
    forms.sort();
    forms.dedup();
    forms
}

/// `text` with every form of `secret` replaced by `<redacted>`.
pub fn scrub(text: &str, user: &str, secret: &str) -> String {
    let mut out = text.to_owned();
    for form in secret_forms(user, secret) {
        out = out.replace(&form, REDACTED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "Canary-7f3e-Pa55!";

    #[test]
    fn auth_arguments_and_answers_to_334_are_redacted() {
        let mut t = Transcript::new();
        let plain = STANDARD.encode(format!("\0alice\0{CANARY}"));
        t.client(&format!("AUTH PLAIN {plain}"), 0);
        t.server("235 2.7.0 ok", 0);
        t.client("AUTH LOGIN", 0);
        t.server("334 VXNlcm5hbWU6", 0);
        t.client(&STANDARD.encode("alice"), 0);
        t.server("334 UGFzc3dvcmQ6", 0);
        t.client(&STANDARD.encode(CANARY), 0);
        t.server("535 5.7.8 no", 0);
        t.client("QUIT", 0);
        let all: Vec<&str> = t.lines().iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            all,
            [
                "AUTH PLAIN <redacted>",
                "235 2.7.0 ok",
                "AUTH LOGIN",
                "334 VXNlcm5hbWU6",
                "<redacted>",
                "334 UGFzc3dvcmQ6",
                "<redacted>",
                "535 5.7.8 no",
                "QUIT"
            ]
        );
        let joined = all.join("\n");
        for form in secret_forms("alice", CANARY) {
            assert!(!joined.contains(&form), "{form} leaked");
        }
    }

    #[test]
    fn secret_forms_cover_every_base64_alignment() {
        let forms = secret_forms("alice", CANARY);
        for prefix in ["", "a", "ab", "abc"] {
            let enc = STANDARD.encode(format!("{prefix}{CANARY}"));
            assert!(
                forms.iter().any(|f| enc.contains(f.as_str())),
                "alignment of {prefix:?} not covered"
            );
        }
        let scrubbed = scrub(
            &format!("x {} y", STANDARD.encode(format!("ab{CANARY}xyz"))),
            "alice",
            CANARY,
        );
        assert!(scrubbed.contains(REDACTED), "{scrubbed}");
    }

    #[test]
    fn control_bytes_are_escaped() {
        assert_eq!(
            escape_bytes(b"SSH-2.0\r\n\x00\xff", 100),
            "SSH-2.0\\r\\n\\x00\\xff"
        );
        assert_eq!(escape_bytes(b"abcdef", 3), "abc…");
    }
}
