//! SMTP replies: a three-digit code, an optional enhanced status code (RFC 3463), text lines.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An enhanced status code such as `5.7.8` (class.subject.detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnhancedCode {
    /// 2, 4 or 5.
    pub class: u8,
    /// The subject (e.g. 7 for security).
    pub subject: u16,
    /// The detail.
    pub detail: u16,
}

impl EnhancedCode {
    /// Parses `X.Y.Z` at the start of `text`, if it is there and its class matches `code`.
    pub fn parse(text: &str, code: u16) -> Option<Self> {
        let token = text.split_whitespace().next()?;
        let mut parts = token.splitn(3, '.');
        let class: u8 = parts.next()?.parse().ok()?;
        let subject: u16 = parts.next()?.parse().ok()?;
        let detail: u16 = parts.next()?.parse().ok()?;
        let class_ok = matches!(class, 2 | 4 | 5) && u16::from(class) == code / 100;
        (class_ok && subject < 1000 && detail < 1000).then_some(Self {
            class,
            subject,
            detail,
        })
    }

    /// True when this is `class.subject.detail`.
    pub fn is(&self, class: u8, subject: u16, detail: u16) -> bool {
        self.class == class && self.subject == subject && self.detail == detail
    }
}

impl std::fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One complete SMTP reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit reply code.
    pub code: u16,
    /// The enhanced status code of the first line, if any.
    pub enhanced: Option<EnhancedCode>,
    /// The text of each line, after the code and separator.
    pub lines: Vec<String>,
}

impl Reply {
    /// 2xx.
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// 3xx (e.g. 334, 354).
    pub fn is_intermediate(&self) -> bool {
        (300..400).contains(&self.code)
    }

    /// 4xx: try again later.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }

    /// 5xx: refused.
    pub fn is_permanent(&self) -> bool {
        (500..600).contains(&self.code)
    }

    /// The reply as one line, `250 2.0.0 Ok: queued as X`, for messages.
    pub fn one_line(&self) -> String {
        format!("{} {}", self.code, self.lines.join(" ").trim())
    }
}

/// A reply line split into code, "last line?" and text; `None` when it is not SMTP.
pub fn parse_line(line: &str) -> Option<(u16, bool, &str)> {
    let bytes = line.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !(b'2'..=b'5').contains(&bytes[0]) {
        return None;
    }
    let code: u16 = line[..3].parse().ok()?;
    match bytes.get(3) {
        None => Some((code, true, "")),
        Some(b' ') => Some((code, true, &line[4..])),
        Some(b'-') => Some((code, false, &line[4..])),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enhanced_code_must_match_reply_class() {
        assert_eq!(
            EnhancedCode::parse("5.7.8 Error: authentication failed", 535),
            Some(EnhancedCode {
                class: 5,
                subject: 7,
                detail: 8
            })
        );
        assert_eq!(EnhancedCode::parse("5.7.8 nope", 250), None);
        assert_eq!(EnhancedCode::parse("mx.example.com ESMTP", 220), None);
        assert_eq!(EnhancedCode::parse("5.7.139", 435), None);
    }

    #[test]
    fn reply_lines_are_recognised() {
        assert_eq!(parse_line("250-SIZE 1000"), Some((250, false, "SIZE 1000")));
        assert_eq!(parse_line("250 OK"), Some((250, true, "OK")));
        assert_eq!(parse_line("220"), Some((220, true, "")));
        assert_eq!(parse_line("SSH-2.0-OpenSSH"), None);
        assert_eq!(parse_line("* OK IMAP4rev1"), None);
        assert_eq!(parse_line("999 nope"), None);
        assert_eq!(parse_line("250_x"), None);
    }
}
