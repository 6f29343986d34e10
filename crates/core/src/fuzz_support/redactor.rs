//! The transcript and its scrub: no form of the password survives.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::transcript::{self, Transcript, REDACTED};

/// The longest transcript line: 512 shown characters, one escape that began at the limit
/// (`\xNN`), and the `…` that marks the cut.
const MAX_TRANSCRIPT_TEXT: usize = 512 + 3 + '…'.len_utf8();

/// A dialogue with credentials: what the engine sends for them is never recorded, every line
/// is printable and bounded, and `scrub` leaves no form of the password.
pub fn redactor(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let user = lines.next().unwrap_or_default();
    let secret = lines.next().unwrap_or_default();
    let plain = STANDARD.encode(format!("\0{user}\0{secret}"));
    let secret64 = STANDARD.encode(secret);
    let user64 = STANDARD.encode(user);
    let expand = |l: &str| {
        l.replace("{PLAIN}", &plain)
            .replace("{SECRET64}", &secret64)
            .replace("{USER64}", &user64)
            .replace("{SECRET}", secret)
    };

    let mut t = Transcript::new();
    let mut awaiting = false;
    for (i, line) in lines.take(64).enumerate() {
        if let Some(rest) = line.strip_prefix("S: ") {
            // As the check records it: a server may quote the credential back, so every form
            // of the password is removed before the line is recorded.
            let rest = expand(rest);
            let scrubbed = transcript::scrub(&rest, user, secret);
            let rec = t.server(&scrubbed, 0);
            assert_eq!(
                rec.text,
                transcript::printable(&scrubbed, 512),
                "server line {i}"
            );
            check_scrub(&rest, user, secret);
            if plain_text(&rest) && plain_text(secret) && !secret.contains(['<', '>']) {
                // No form holds `<` or `>`, so none can span a mark and its neighbour.
                for form in transcript::secret_forms(user, secret) {
                    for piece in rec.text.split(REDACTED) {
                        assert!(!piece.contains(&form), "server line {i} shows a credential");
                    }
                }
            }
            if scrubbed.starts_with("334") {
                awaiting = true;
            }
        } else if let Some(rest) = line.strip_prefix("N: ") {
            let rec = t.note(&expand(rest), 0);
            check_printable(&rec.text);
        } else if line == "R" {
            t.reset_secret_state();
            awaiting = false;
        } else {
            let sent = expand(line.strip_prefix("C: ").unwrap_or(line));
            let rec = t.client(&sent, 0);
            let expected = if awaiting {
                REDACTED.to_owned()
            } else {
                auth_shown(&sent).unwrap_or_else(|| transcript::printable(&sent, 512))
            };
            assert_eq!(rec.text, expected, "client line {i}");
            // What is recorded for a credential does not depend on it: the same line with
            // another password is recorded the same way. (Checking for the password's forms
            // would fail for a password such as "PLAIN <redacted", which the record holds.)
            if awaiting || sent == format!("AUTH PLAIN {plain}") {
                let other = format!("{secret}\u{1}other");
                let plain2 = STANDARD.encode(format!("\0{user}\0{other}"));
                let sent2 = line
                    .strip_prefix("C: ")
                    .unwrap_or(line)
                    .replace("{PLAIN}", &plain2)
                    .replace("{SECRET64}", &STANDARD.encode(&other))
                    .replace("{USER64}", &user64)
                    .replace("{SECRET}", &other);
                let mut t2 = Transcript::new();
                if awaiting {
                    t2.server("334 ", 0);
                }
                let rec2 = t2.client(&sent2, 0);
                assert_eq!(
                    rec.text, rec2.text,
                    "client line {i} depends on the credential"
                );
            }
            awaiting = false;
        }
    }
    for l in t.lines() {
        check_printable(&l.text);
    }

    let joined: String = t
        .lines()
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    check_scrub(&joined, user, secret);
    check_scrub(&expand(&text), user, secret);
    check_forms_complete(user, secret);
}

/// Printable ASCII without a backslash: text the transcript records as it is, so a form of the
/// password in the record can only come from the text itself.
fn plain_text(text: &str) -> bool {
    text.bytes()
        .all(|b| (0x20..=0x7e).contains(&b) && b != b'\\')
}

/// What the transcript shows for an `AUTH <mechanism> <argument>` line, if it is one.
fn auth_shown(line: &str) -> Option<String> {
    let mut words = line.splitn(3, ' ');
    let verb = words.next()?;
    if !verb.eq_ignore_ascii_case("AUTH") {
        return None;
    }
    let shown = match (words.next(), words.next()) {
        (Some(mech), Some(_)) => format!("{verb} {mech} {REDACTED}"),
        (Some(mech), None) => format!("{verb} {mech}"),
        _ => verb.to_owned(),
    };
    Some(transcript::printable(&shown, 512))
}

fn check_printable(text: &str) {
    assert!(
        text.len() <= MAX_TRANSCRIPT_TEXT,
        "a line of {} bytes",
        text.len()
    );
    let body = text.strip_suffix('…').unwrap_or(text);
    assert!(
        body.bytes().all(|b| (0x20..=0x7e).contains(&b)),
        "a transcript line holds a control or non-ASCII character"
    );
}

/// `scrub` leaves no form of the password outside the `<redacted>` marks it puts in, and
/// changes nothing when there is nothing to hide.
fn check_scrub(text: &str, user: &str, secret: &str) {
    let forms = transcript::secret_forms(user, secret);
    let out = transcript::scrub(text, user, secret);
    for piece in out.split(REDACTED) {
        for (n, form) in forms.iter().enumerate() {
            assert!(!piece.contains(form.as_str()), "form {n} survived scrub");
        }
    }
    if !forms.iter().any(|f| text.contains(f.as_str())) {
        assert_eq!(out, text, "scrub changed a text without a credential");
    }
}

/// The forms cover the password's base64 at every alignment, whatever surrounds it.
fn check_forms_complete(user: &str, secret: &str) {
    if secret.len() < 5 {
        return;
    }
    let forms = transcript::secret_forms(user, secret);
    assert!(forms.iter().all(|f| f.len() >= 4), "a form shorter than 4");
    for pad in 0..3 {
        let mut buf: Vec<u8> = user.bytes().chain([0u8; 3]).take(pad).collect();
        buf.extend_from_slice(secret.as_bytes());
        buf.extend_from_slice(user.as_bytes());
        let enc = STANDARD.encode(&buf);
        assert!(
            forms.iter().any(|f| enc.contains(f.as_str())),
            "base64 after {pad} bytes is not covered"
        );
    }
}
