//! "Works from this computer" is not "works from your web host": a one-file PHP page that runs
//! the check's network steps (name lookup, connection to each port, greeting, EHLO, STARTTLS
//! or encryption from the start, and the certificate) on a WordPress or other PHP host, where
//! people rarely have a terminal. It holds no password and never signs in; the server is baked
//! in and the page reads nothing from the request, so it cannot be pointed elsewhere; it stops
//! working after a baked-in time; its file name has a random part; and it tells the user to
//! delete it afterwards.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::escape::php_str;
use super::{Ctx, ExportError, Unwritable};
use crate::ports::Security;
use crate::settings::SmtpSettings;

/// How long a page works after it is made.
pub const HOST_CHECK_VALID_FOR: Duration = Duration::from_secs(3600);

/// The page's body (its constants are written in front of it).
const BODY: &str = include_str!("host_check.php");

/// Seconds since 1970.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

fn valid_for() -> i64 {
    i64::try_from(HOST_CHECK_VALID_FOR.as_secs()).unwrap_or(3600)
}

/// One host check page as made for one export choice: the random part of its file name and
/// the time it stops working. The window keeps it from the preview to the copy, so the page
/// shown, the page copied and the file name are the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HostCheckStamp {
    /// The random part of the file name: 16 lowercase hex digits, hard to guess, so strangers
    /// do not find the page.
    pub token: String,
    /// When the page stops working (seconds since 1970).
    #[ts(type = "number")]
    pub expires: i64,
}

impl HostCheckStamp {
    /// A new page: a random file name, working for [`HOST_CHECK_VALID_FOR`] from now.
    pub fn new() -> Self {
        use ring::rand::SecureRandom;
        let mut b = [0u8; 8];
        if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
            b = now().to_le_bytes();
        }
        Self {
            token: b.iter().map(|x| format!("{x:02x}")).collect(),
            expires: now() + valid_for(),
        }
    }

    /// Whether a stamp that came back from the window may make the page at `now`: a token as
    /// [`HostCheckStamp::new`] makes them, and a page that still works and works no longer
    /// than a new one would.
    pub fn usable(&self, now: i64) -> bool {
        self.token.len() == 16
            && self
                .token
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && self.expires > now
            && self.expires <= now.saturating_add(valid_for())
    }

    /// `portolan-check-<token>.php`.
    pub fn file_name(&self) -> String {
        format!("portolan-check-{}.php", self.token)
    }
}

impl Default for HostCheckStamp {
    fn default() -> Self {
        Self::new()
    }
}

/// What the user must know about the page.
pub(crate) fn warnings(file_name: &str) -> Vec<String> {
    vec![format!(
        "Save this as {file_name} and upload it to your web host (for WordPress, next to \
         wp-config.php), open it in your browser (https://your-site/{file_name}), read the \
         result, then delete it. It holds no password and checks only this server; it stops \
         working after {} minutes.",
        HOST_CHECK_VALID_FOR.as_secs() / 60
    )]
}

/// The ports the page tries: the settings' own first, then the usual submission ports with
/// their usual security, so the result can say which one works from the host instead.
fn ports(s: &SmtpSettings) -> Vec<(u16, Security)> {
    let mut v = vec![(s.port, s.security)];
    for (p, sec) in [
        (465, Security::Tls),
        (587, Security::Starttls),
        (2525, Security::Starttls),
        (25, Security::Starttls),
    ] {
        if p != s.port {
            v.push((p, sec));
        }
    }
    v
}

/// The page for `c`'s server, working until `expires` (seconds since 1970).
pub(crate) fn page(c: &Ctx, expires: i64) -> Result<String, Unwritable> {
    let host = c.s.host.trim();
    // The settings were validated; a quote or control character would still not reach PHP
    // unescaped (php_str), but a host name never has one.
    if host.is_empty() || host.chars().any(|ch| ch.is_control() || ch.is_whitespace()) {
        return Err(Unwritable::new("server name", "is not a host name"));
    }
    let ascii = crate::settings::host_ascii(host)
        .map_err(|()| Unwritable::new("server name", "is not a valid internet host name"))?;
    let expires_text = crate::tls::iso8601(expires)
        .replace('T', " ")
        .replace('Z', " UTC");
    let port_list: Vec<String> = ports(c.s)
        .iter()
        .map(|(p, sec)| format!("[{p}, {}]", php_str(sec.as_str())))
        .collect();
    let body = BODY.strip_prefix("<?php\n").unwrap_or(BODY);
    Ok(format!(
        "<?php\n\
         /*\n \
         * Portolan host check for {ascii}: made by Portolan, the mail settings assistant.\n \
         * Open this page in your browser on your web host to see whether the host can reach\n \
         * the mail server: name lookup, connection to each port, greeting, encryption and\n \
         * certificate. It holds no password, never signs in, sends no email, reads nothing\n \
         * from the request and checks only {ascii}.\n \
         * It stops working at {expires_text}. Delete this file when you have read the result.\n \
         */\n\
         define('PORTOLAN_HOST', {host_php});\n\
         define('PORTOLAN_PORTS', [{ports}]);\n\
         define('PORTOLAN_EXPIRES', {expires});\n\
         define('PORTOLAN_EXPIRES_TEXT', {expires_php});\n\
         define('PORTOLAN_EHLO', {ehlo_php});\n\
         {body}",
        host_php = php_str(&ascii),
        ports = port_list.join(", "),
        expires_php = php_str(&expires_text),
        ehlo_php = php_str(c.s.ehlo_name.as_deref().unwrap_or("localhost")),
    ))
}

/// The page for `settings`, working until `expires` (seconds since 1970); for tests and for
/// callers that choose the time.
pub fn host_check_page(settings: &SmtpSettings, expires: i64) -> Result<String, ExportError> {
    settings.validate().map_err(ExportError::InvalidSettings)?;
    let ctx = Ctx {
        s: settings,
        name: None,
        profile_id: None,
        password: None,
        provider_id: None,
    };
    page(&ctx, expires).map_err(|u| ExportError::NotRepresentable {
        format: super::info(super::FormatId::CheckPhp).label,
        field: u.field.to_owned(),
        reason: u.reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(port: u16, security: Security) -> SmtpSettings {
        SmtpSettings {
            host: "smtp.example.com".into(),
            port,
            security,
            username: Some("me@example.com".into()),
            from: "me@example.com".into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
    }

    #[test]
    fn the_page_bakes_in_one_server_and_reads_no_request() {
        let p = host_check_page(&s(587, Security::Starttls), 1_800_000_000).unwrap();
        assert!(p.contains("define('PORTOLAN_HOST', 'smtp.example.com');"));
        assert!(p.contains(
            "define('PORTOLAN_PORTS', [[587, 'starttls'], [465, 'tls'], [2525, 'starttls'], \
             [25, 'starttls']]);"
        ));
        assert!(p.contains("define('PORTOLAN_EXPIRES', 1800000000);"));
        for input in [
            "$_GET",
            "$_POST",
            "$_REQUEST",
            "$_COOKIE",
            "$_SERVER",
            "$argv",
            "getenv",
        ] {
            assert!(!p.contains(input), "{input}");
        }
        assert!(!p.contains("AUTH"), "never signs in");
        assert!(p.contains("Delete this file"));
    }

    #[test]
    fn file_names_have_a_random_part() {
        let (a, b) = (HostCheckStamp::new(), HostCheckStamp::new());
        assert_ne!(a.token, b.token);
        let name = a.file_name();
        assert!(
            name.starts_with("portolan-check-") && name.ends_with(".php"),
            "{name}"
        );
        assert_eq!(name.len(), "portolan-check-.php".len() + 16);
        assert!(a.usable(now()));
    }

    #[test]
    fn a_stamp_from_the_window_is_used_only_as_new_ones_are_made() {
        let t = 1_800_000_000;
        let ok = HostCheckStamp {
            token: "0123456789abcdef".into(),
            expires: t + 3600,
        };
        assert!(ok.usable(t));
        assert!(ok.usable(t + 3599));
        assert!(!ok.usable(t + 3600), "expired");
        assert!(!ok.usable(t - 1), "works longer than a new page would");
        for token in [
            "0123456789ABCDEF",
            "0123456789abcde",
            "../../etc/passwd",
            "0123456789abcdeg",
        ] {
            let bad = HostCheckStamp {
                token: token.into(),
                ..ok.clone()
            };
            assert!(!bad.usable(t), "{token}");
        }
        let forever = HostCheckStamp {
            expires: i64::MAX,
            ..ok
        };
        assert!(!forever.usable(t));
    }

    #[test]
    fn an_international_name_is_baked_in_as_ascii() {
        let mut set = s(465, Security::Tls);
        set.host = "smtp.bücher.example".into();
        let p = host_check_page(&set, 0).unwrap();
        assert!(p.contains("'smtp.xn--bcher-kva.example'"), "{p}");
    }
}
