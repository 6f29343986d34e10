//! The test email and its envelope: a fixed message built with lettre from the settings, and
//! its transparency on the wire (RFC 5321 §4.5.2, leading dots doubled).

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::Message;

use crate::error::{ErrorCode, UserError};
use crate::settings::{validate_address, SmtpSettings};

/// The test email's subject (fixed so it is easy to find and filter).
pub const SUBJECT: &str = "Portolan test email";

/// What to send: the envelope and the formatted message.
#[derive(Debug, Clone)]
pub struct SendPlan {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) message: Vec<u8>,
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
        let body = format!(
            "This is a test email sent by Portolan, the mail settings assistant, to check that\n\
             sending works.\n\n\
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
            .subject(SUBJECT)
            .header(ContentType::TEXT_PLAIN)
            .date_now()
            .body(body)
            .map_err(|e| bad(format!("The test message could not be built ({e}).")))?;
        Ok(Self {
            from,
            to,
            message: message.formatted(),
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
        assert!(text.contains("Subject: Portolan test email"), "{text}");
    }
}
