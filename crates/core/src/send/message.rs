//! The test email and its envelope: a fixed message built with lettre from the settings, and
//! its transparency on the wire (RFC 5321 §4.5.2, leading dots doubled). Every test email
//! carries a short code in its subject ("Portolan test 4F7K") and its own Message-ID
//! (RFC 5322 §3.6.4), so the user can find it and a mail administrator can trace it.

use lettre::message::{Mailbox, SinglePart};
use lettre::Message;

use crate::error::{ErrorCode, UserError};
use crate::settings::{validate_address, SmtpSettings};

/// The start of every test email's subject, followed by its code (easy to find and filter).
pub const SUBJECT: &str = "Portolan test";

/// The characters of a test code: no 0/O, 1/I/L, so it can be read out and typed.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many characters a test code has.
pub const CODE_LEN: usize = 4;

/// What to send: the envelope and the formatted message.
#[derive(Debug, Clone)]
pub struct SendPlan {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) message: Vec<u8>,
    /// The short code in the subject, e.g. `4F7K`.
    pub(super) test_code: String,
    /// The Message-ID header's value, with its angle brackets.
    pub(super) message_id: String,
    /// The subject, e.g. `Portolan test 4F7K`.
    pub(super) subject: String,
}

/// `n` random bytes from the system's generator (a fixed fallback if it fails: the code only
/// has to be easy to find, not secret).
fn random_bytes<const N: usize>() -> [u8; N] {
    use ring::rand::SecureRandom;
    let mut b = [0u8; N];
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        for (i, x) in b.iter_mut().enumerate() {
            *x = (nanos >> ((i % 16) * 8)) as u8;
        }
    }
    b
}

/// A new test code: [`CODE_LEN`] characters of [`CODE_ALPHABET`].
pub fn new_test_code() -> String {
    random_bytes::<CODE_LEN>()
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A Message-ID for the test email: `<portolan.CODE.RANDOM@DOMAIN>` with the sender's domain in
/// ASCII (punycode), or `portolan.invalid` when it has none (RFC 5322 §3.6.4: dot-atom on both
/// sides, unique by the random part).
pub fn new_message_id(from: &str, code: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .and_then(|(_, d)| idna::domain_to_ascii(d.trim()).ok())
        .filter(|d| {
            !d.is_empty()
                && d.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        })
        .unwrap_or_else(|| "portolan.invalid".to_owned());
    let random: String = random_bytes::<8>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<portolan.{code}.{random}@{}>", domain.to_ascii_lowercase())
}

impl SendPlan {
    /// The fixed test message from `settings.from` to `to` (default: the sender itself).
    /// Refuses line breaks and NUL in every single-line field before anything is sent.
    pub fn test_message(settings: &SmtpSettings, to: Option<&str>) -> Result<Self, UserError> {
        let bad = |m: String| {
            UserError::new(
                ErrorCode::InvalidAddress,
                m,
                "Correct the address and try again.",
            )
        };
        // Validated as typed: a line break at either end is refused, not trimmed away.
        let to = to.unwrap_or(&settings.from);
        validate_address("recipient address", to).map_err(bad)?;
        validate_address("sender address", &settings.from).map_err(bad)?;
        let to = to.trim().to_owned();
        let from = settings.from.trim().to_owned();
        let from_box: Mailbox = from
            .parse()
            .map_err(|e| bad(format!("The sender address \"{from}\" is not valid ({e}).")))?;
        let to_box: Mailbox = to.parse().map_err(|e| {
            bad(format!(
                "The recipient address \"{to}\" is not valid ({e})."
            ))
        })?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
            .unwrap_or(0);
        let test_code = new_test_code();
        let message_id = new_message_id(&from, &test_code);
        let subject = format!("{SUBJECT} {test_code}");
        let body = format!(
            "This is a test email sent by Portolan, the mail settings assistant, to check that\n\
             sending works.\n\n\
             Test code: {test_code}\n\
             Server: {} port {} ({})\n\
             Sent: {}\n\n\
             If you received it, these settings work. You do not need to reply.\n",
            settings.host,
            settings.port,
            settings.security.label(),
            crate::tls::iso8601(now),
        );
        let message = Message::builder()
            .from(from_box)
            .to(to_box)
            .subject(subject.clone())
            .message_id(Some(message_id.clone()))
            .date_now()
            .singlepart(SinglePart::plain(body))
            .map_err(|e| bad(format!("The test message could not be built ({e}).")))?;
        Ok(Self {
            from,
            to,
            message: message.formatted(),
            test_code,
            message_id,
            subject,
        })
    }

    /// The recipient.
    pub fn to(&self) -> &str {
        &self.to
    }
}

/// The message with CR LF line ends, leading dots doubled (RFC 5321 §4.5.2), and the final
/// `.` line.
pub(super) fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 16);
    let text = String::from_utf8_lossy(message);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('.') {
            out.push(b'.');
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    // `split` yields an empty last piece after a final newline; drop its extra CR LF.
    if message.ends_with(b"\n") {
        out.truncate(out.len() - 2);
    }
    out.extend_from_slice(b".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Security;

    fn settings() -> SmtpSettings {
        SmtpSettings {
            host: "smtp.example.com".into(),
            port: 587,
            security: Security::Starttls,
            username: Some("a@example.com".into()),
            from: "a@example.com".into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
    }

    #[test]
    fn lines_are_dot_stuffed_and_terminated() {
        assert_eq!(dot_stuff(b"a\r\n.b\r\nc\r\n"), b"a\r\n..b\r\nc\r\n.\r\n");
        assert_eq!(dot_stuff(b"a\n.\n"), b"a\r\n..\r\n.\r\n");
    }

    #[test]
    fn line_breaks_in_addresses_are_refused_before_sending() {
        for to in [
            "b@example.com\r\nRCPT TO:<x@evil>",
            "b@example.com\0",
            "b@ex\nample.com",
        ] {
            let err = SendPlan::test_message(&settings(), Some(to)).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidAddress);
        }
        let mut s = settings();
        s.from = "a@example.com\r\nBcc: x@evil".into();
        assert!(SendPlan::test_message(&s, None).is_err());
    }

    #[test]
    fn test_message_goes_to_the_sender_by_default() {
        let p = SendPlan::test_message(&settings(), None).unwrap();
        assert_eq!(p.to(), "a@example.com");
        let text = String::from_utf8(p.message).unwrap();
        assert!(text.contains(&format!("Subject: Portolan test {}\r\n", p.test_code)));
        assert!(
            text.contains(&format!("Message-ID: {}\r\n", p.message_id)),
            "{text}"
        );
        assert!(text.contains("MIME-Version: 1.0\r\n"), "{text}");
        assert!(
            text.contains(&format!("Test code: {}", p.test_code)),
            "{text}"
        );
    }

    #[test]
    fn codes_are_short_readable_and_different() {
        let codes: std::collections::HashSet<String> = (0..50).map(|_| new_test_code()).collect();
        assert!(codes.len() > 40, "{codes:?}");
        for c in &codes {
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
        }
    }

    #[test]
    fn message_ids_use_the_sender_domain_in_ascii() {
        let id = new_message_id("a@Example.COM", "4F7K");
        assert!(id.starts_with("<portolan.4F7K."), "{id}");
        assert!(id.ends_with("@example.com>"), "{id}");
        assert_ne!(id, new_message_id("a@example.com", "4F7K"));
        let id = new_message_id("a@bücher.example", "4F7K");
        assert!(id.ends_with("@xn--bcher-kva.example>"), "{id}");
        let id = new_message_id("no-domain", "4F7K");
        assert!(id.ends_with("@portolan.invalid>"), "{id}");
        // dot-atom on both sides: no spaces, one @, angle brackets only at the ends.
        let inner = &id[1..id.len() - 1];
        assert_eq!(inner.matches('@').count(), 1);
        assert!(!inner.contains(['<', '>', ' ']));
    }
}
