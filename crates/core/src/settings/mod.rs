//! `SmtpSettings`: one way to send mail, everything but the password, with a clear message per
//! field when something is wrong.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::ports::Security;

mod window;
pub use crate::error::FieldError;
pub use window::WindowSettings;

/// The longest host name DNS allows.
pub const MAX_HOST_LEN: usize = 253;
/// The longest user name or address Portolan accepts (RFC 5321 caps a path at 256 octets).
pub const MAX_FIELD_LEN: usize = 256;

/// A certificate the user chose to trust for one server only (DESIGN.md §5): pinned to the
/// host, the port and the certificate's SHA-256 fingerprint, never global.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CertException {
    /// The host name the exception was made for.
    pub host: String,
    /// The port the exception was made for.
    pub port: u16,
    /// SHA-256 of the certificate (DER), lowercase hex with colons, e.g. `ab:cd:…`.
    pub sha256: String,
}

/// One way to send mail: server, port, security and sign-in name. Never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SmtpSettings {
    /// Server name (or IP address) to connect to.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// The sign-in name; `None` to send without signing in (a relay).
    pub username: Option<String>,
    /// The address mail is sent from.
    pub from: String,
    /// The user's explicit, warned choice to sign in over an unencrypted connection.
    #[serde(default)]
    pub allow_plaintext_auth: bool,
    /// A certificate trusted for this host and port only.
    #[serde(default)]
    pub cert_exception: Option<CertException>,
    /// The name this computer gives in its hello (EHLO), for servers that want a full name
    /// (`laptop.example.com`); `None` gives its address as a literal (`[192.0.2.1]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ehlo_name: Option<String>,
}

impl SmtpSettings {
    /// Every problem with these settings, or `Ok` if they can be used. Runs before any network
    /// traffic.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(m) = validate_host(&self.host) {
            errors.push(FieldError {
                field: "host".into(),
                message: m,
            });
        }
        if self.port == 0 {
            errors.push(FieldError {
                field: "port".into(),
                message: "The port cannot be 0. Use 465 or 587 unless your provider says \
                          otherwise."
                    .into(),
            });
        }
        if let Some(user) = &self.username {
            if let Err(m) = validate_single_line("user name", user, MAX_FIELD_LEN) {
                errors.push(FieldError {
                    field: "username".into(),
                    message: m,
                });
            } else if user.trim().is_empty() {
                errors.push(FieldError {
                    field: "username".into(),
                    message: "The user name is empty. Type the name you sign in with (often \
                              your full email address), or choose to send without signing in."
                        .into(),
                });
            }
        }
        if let Err(m) = validate_address("sender address", &self.from) {
            errors.push(FieldError {
                field: "from".into(),
                message: m,
            });
        }
        if let Some(e) = &self.cert_exception {
            if let Err(m) = validate_exception(e) {
                errors.push(FieldError {
                    field: "cert_exception".into(),
                    message: m,
                });
            }
        }
        if let Some(name) = &self.ehlo_name {
            if let Err(m) = validate_ehlo_name(name) {
                errors.push(FieldError {
                    field: "ehlo_name".into(),
                    message: m,
                });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The validation problems as one `UserError` (code `invalid_settings`).
    pub fn validate_for_user(&self) -> Result<(), UserError> {
        self.validate().map_err(|errs| {
            let message = errs
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            UserError::new(
                ErrorCode::InvalidSettings,
                message,
                "Correct the field and try again.",
            )
        })
    }
}

/// The name given in EHLO goes on the command line as is: one word, no control characters, a
/// domain name or an address literal such as `[192.0.2.1]` (RFC 5321 §4.1.3), in ASCII.
pub fn validate_ehlo_name(name: &str) -> Result<(), String> {
    validate_single_line("EHLO name", name, MAX_HOST_LEN)?;
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(
            "The EHLO name is empty or contains a space; it must be one word, such as \
                    laptop.example.com."
                .into(),
        );
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']')))
    {
        return Err(format!(
            "The EHLO name cannot contain \"{c}\"; it must be a name such as \
             laptop.example.com or an address such as [192.0.2.1]."
        ));
    }
    Ok(())
}

/// Refuses control characters (CR, LF, NUL, …) and over-long values in a one-line field.
pub fn validate_single_line(what: &str, value: &str, max: usize) -> Result<(), String> {
    if value.chars().any(char::is_control) {
        return Err(format!(
            "The {what} contains a line break or another invisible control character. Type it \
             again on one line."
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(format!(
            "The {what} is {len} characters long; at most {max} are allowed. Check that you \
             pasted the right thing."
        ));
    }
    Ok(())
}

/// Characters that show as nothing (or as a line break) and would silently change a name:
/// IDNA drops some of them, so a pasted "smtp\u{200b}.example.com" is not the name it looks
/// like.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{2028}'
            | '\u{2029}'
            | '\u{00ad}'
            | '\u{034f}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
    )
}

/// A host name or IP address: no scheme, no port, no spaces, no address.
pub fn validate_host(host: &str) -> Result<(), String> {
    validate_single_line("server name", host, MAX_HOST_LEN)?;
    if host.chars().any(is_invisible) {
        return Err(
            "The server name contains an invisible character (a zero-width space, a soft \
             hyphen, a direction mark or a line separator), often picked up when copying. Type \
             the name again by hand."
                .into(),
        );
    }
    let h = host.trim();
    if h.is_empty() {
        return Err(
            "The server name is empty. Type the name your provider gives, such as \
                    smtp.example.com."
                .into(),
        );
    }
    if h.contains("://") {
        return Err(
            "The server name should not start with \"smtp://\" or \"https://\". Type only \
                    the name, such as smtp.example.com."
                .into(),
        );
    }
    if h.contains('@') {
        return Err(
            "That looks like an email address. The server name is the mail server's \
                    name, such as smtp.example.com."
                .into(),
        );
    }
    if h.chars().any(char::is_whitespace) {
        return Err(
            "The server name contains a space. Type it without spaces, such as \
                    smtp.example.com."
                .into(),
        );
    }
    if let Ok(ip) = h.parse::<std::net::IpAddr>() {
        if ip.is_unspecified() || ip.is_multicast() || ip == std::net::Ipv4Addr::BROADCAST {
            return Err(format!(
                "The server name {ip} is not the address of a server. Type the mail server's \
                 name, such as smtp.example.com, or its own IP address."
            ));
        }
        return Ok(());
    }
    if h.starts_with('[') {
        return Err(
            "The server name has square brackets. Type an IPv6 address without them (and \
             without a port), such as 2001:db8::25; the port has its own field."
                .into(),
        );
    }
    if h.contains(':') || h.contains('/') {
        return Err(
            "Type only the server name here, without a port or a path; the port has its \
                    own field."
                .into(),
        );
    }
    let ascii = host_ascii(h).map_err(|()| {
        format!(
            "The server name \"{h}\" is not a valid international name. Check it for typing \
             mistakes, or type its ASCII form (xn--…)."
        )
    })?;
    if let Some(c) = ascii
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(format!(
            "The server name cannot contain \"{c}\". Type only the name, such as \
             smtp.example.com."
        ));
    }
    if ascii.len() > MAX_HOST_LEN {
        return Err(format!(
            "The server name is too long for DNS ({} characters in its ASCII form; at most \
             {MAX_HOST_LEN}). Check that you pasted the right thing.",
            ascii.len()
        ));
    }
    let name = ascii.strip_suffix('.').unwrap_or(&ascii);
    let labels: Vec<&str> = name.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Err(
            "The server name has an empty part (two dots in a row, or a dot at the start). \
             Check it for typing mistakes, such as smtp.example.com."
                .into(),
        );
    }
    if let Some(bad) = labels.iter().find(|l| !valid_a_label(l)) {
        return Err(format!(
            "The part \"{bad}\" of the server name starts with \"xn--\" but is not a valid \
             international name (punycode). Check it for typing mistakes, or type the name in \
             its own letters."
        ));
    }
    if labels.iter().any(|l| l.len() > 63) {
        return Err(
            "A part of the server name between two dots is longer than DNS allows (63 \
             characters). Check that you pasted the right thing."
                .into(),
        );
    }
    // No top-level domain starts with a digit, and the system's resolver would read "587",
    // "127.1" or "0x7f000001" as an IPv4 address in an old shorthand.
    if labels
        .last()
        .is_some_and(|l| l.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Err(format!(
            "\"{h}\" is neither a server name nor a complete IP address. Type the name, such \
             as smtp.example.com (the port has its own field), or an address like 192.0.2.25."
        ));
    }
    Ok(())
}

/// Whether a label is fine as far as punycode goes: not an `xn--` label, or one that decodes
/// to a non-ASCII name (an empty or undecodable `xn--` label is a typing mistake).
fn valid_a_label(label: &str) -> bool {
    let Some(rest) = label
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("xn--"))
        .and_then(|_| label.get(4..))
    else {
        return true;
    };
    if rest.is_empty() {
        return false;
    }
    match idna::punycode::decode_to_string(&rest.to_ascii_lowercase()) {
        Some(decoded) => !decoded.is_empty() && !decoded.is_ascii(),
        None => false,
    }
}

/// The server name as DNS and TLS know it: trimmed, an international (IDN) name in its ASCII
/// (punycode) form, e.g. `bücher.example` → `xn--bcher-kva.example`. ASCII names and IP
/// addresses are returned as typed.
#[allow(clippy::result_unit_err)]
pub fn host_ascii(host: &str) -> Result<String, ()> {
    let h = host.trim();
    if h.is_ascii() {
        return Ok(h.to_owned());
    }
    let name = h.strip_suffix('.').unwrap_or(h);
    idna::domain_to_ascii_strict(name).map_err(|_| ())
}

/// Whether `host` names this computer: `localhost` (and names under it), a loopback address
/// (127.0.0.0/8, ::1). A server there (a bridge, a local relay) is not reached through any
/// network, and makes its own certificate.
pub fn on_this_computer(host: &str) -> bool {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let bare = h.trim_start_matches('[').trim_end_matches(']');
    h == "localhost"
        || h.ends_with(".localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A pinned certificate exception: a host on one line and a SHA-256 fingerprint.
fn validate_exception(e: &CertException) -> Result<(), String> {
    validate_single_line("certificate exception's server name", &e.host, MAX_HOST_LEN)?;
    let fp = &e.sha256;
    let hex = fp.chars().filter(char::is_ascii_hexdigit).count();
    if hex != 64 || fp.chars().any(|c| !(c.is_ascii_hexdigit() || c == ':')) {
        return Err(
            "The certificate exception's fingerprint is not a SHA-256 fingerprint (64 hex \
             digits, like ab:cd:…). Remove the exception and trust the certificate again."
                .into(),
        );
    }
    Ok(())
}

/// An email address (sender or recipient) on one line, checked before anything is sent by
/// the one address check of `crate::address`; the message names the field (`what`).
pub fn validate_address(what: &str, addr: &str) -> Result<(), String> {
    crate::address::check(what, addr)
        .map(|_| ())
        .map_err(|p| p.sentence())
}

/// The longest profile name, in characters.
pub const MAX_NAME_LEN: usize = 100;

/// Checks a profile's name (saved, or read from an exported file); returns it trimmed, or the
/// sentence that says what is wrong.
pub fn validate_profile_name(name: &str) -> Result<String, String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(
            "The profile name is empty. Give it a name you will recognise, such as \
                    \"Work\" or \"Website\"."
                .into(),
        );
    }
    if n.chars().any(char::is_control) {
        return Err(
            "The profile name contains a line break or another invisible control character. \
             Type it again on one line."
                .into(),
        );
    }
    if n.chars().count() > MAX_NAME_LEN {
        return Err(format!(
            "The profile name is longer than {MAX_NAME_LEN} characters. Choose a shorter one."
        ));
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests;
