//! The EHLO reply read into what the engine decides on: the server's name, the extensions it
//! offers (RFC 5321 §4.1.1.1) and their parameters.

use super::reply::Reply;

/// What one EHLO reply offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ehlo {
    /// The name the server gave on the reply's first line.
    pub domain: String,
    /// Every keyword line after the first, as sent.
    pub keywords: Vec<String>,
    /// The AUTH mechanisms offered (uppercase, each once, in the server's order).
    pub auth_mechanisms: Vec<String>,
    /// The largest message accepted, in bytes (SIZE), if announced.
    pub size_limit: Option<u64>,
    /// STARTTLS offered.
    pub starttls: bool,
    /// PIPELINING offered (RFC 2920).
    pub pipelining: bool,
    /// 8BITMIME offered.
    pub eight_bit_mime: bool,
    /// SMTPUTF8 offered.
    pub smtputf8: bool,
}

impl Ehlo {
    /// Reads the keywords of a (positive) EHLO reply. Unknown keywords are kept in
    /// `keywords` only; `AUTH=` (the old form some servers still send) counts as `AUTH`.
    pub fn parse(reply: &Reply) -> Self {
        let mut ehlo = Ehlo {
            domain: reply
                .lines
                .first()
                .and_then(|l| l.split_whitespace().next())
                .unwrap_or_default()
                .to_owned(),
            ..Self::default()
        };
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split([' ', '=']);
            let kw = words.next().unwrap_or_default().to_ascii_uppercase();
            match kw.as_str() {
                "AUTH" => {
                    for m in words.filter(|w| !w.is_empty()) {
                        let m = m.to_ascii_uppercase();
                        if !ehlo.auth_mechanisms.contains(&m) {
                            ehlo.auth_mechanisms.push(m);
                        }
                    }
                }
                "SIZE" => ehlo.size_limit = words.next().and_then(|w| w.parse().ok()),
                "STARTTLS" => ehlo.starttls = true,
                "PIPELINING" => ehlo.pipelining = true,
                "8BITMIME" => ehlo.eight_bit_mime = true,
                "SMTPUTF8" => ehlo.smtputf8 = true,
                _ => {}
            }
            ehlo.keywords.push(line.clone());
        }
        ehlo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&str]) -> Reply {
        Reply {
            code: 250,
            enhanced: None,
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    #[test]
    fn keywords_and_parameters_are_read() {
        let e = Ehlo::parse(&reply(&[
            "mx.example.com Hello [192.0.2.1]",
            "PIPELINING",
            "SIZE 10240000",
            "auth plain LOGIN",
            "AUTH=PLAIN XOAUTH2",
            "STARTTLS",
            "8BITMIME",
            "SMTPUTF8",
            "X-UNKNOWN 1",
        ]));
        assert_eq!(e.domain, "mx.example.com");
        assert_eq!(e.auth_mechanisms, ["PLAIN", "LOGIN", "XOAUTH2"]);
        assert_eq!(e.size_limit, Some(10_240_000));
        assert!(e.starttls && e.pipelining && e.eight_bit_mime && e.smtputf8);
        assert_eq!(e.keywords.len(), 8);
    }

    #[test]
    fn a_bare_reply_offers_nothing() {
        let e = Ehlo::parse(&reply(&[]));
        assert_eq!(e, Ehlo::default());
        let e = Ehlo::parse(&reply(&["mx", "SIZE", "SIZE lots"]));
        assert_eq!(e.size_limit, None);
    }
}
