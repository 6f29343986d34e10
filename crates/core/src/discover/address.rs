//! The address the user typed, checked before anything leaves the computer: one `@`, no spaces
//! or control characters, parts within the SMTP limits (RFC 5321 §4.5.3.1), and the domain
//! turned into its ASCII (punycode) form so IDN domains can be looked up.

use crate::error::{ErrorCode, UserError};

/// Longest local part SMTP allows, in octets (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;
/// Longest whole address SMTP allows in a path, in octets (RFC 5321 §4.5.3.1.3 minus `<>`).
const MAX_ADDRESS: usize = 254;
/// Longest domain name in its ASCII form (RFC 1035, without the root dot).
const MAX_DOMAIN: usize = 253;

/// A checked email address, split into the parts discovery needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress {
    /// The local part exactly as typed (before the `@`).
    pub local: String,
    /// The domain as the user knows it (Unicode, lower case).
    pub domain: String,
    /// The domain as DNS knows it (ASCII, punycode for IDN labels, lower case).
    pub ascii_domain: String,
}

impl EmailAddress {
    /// The address with the domain as typed (Unicode), e.g. for display and `%EMAILADDRESS%`.
    pub fn display(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }

    /// The address with the ASCII domain, the form sent in protocol fields.
    pub fn ascii(&self) -> String {
        format!("{}@{}", self.local, self.ascii_domain)
    }
}

fn invalid(message: impl Into<String>, hint: impl Into<String>) -> UserError {
    UserError::new(ErrorCode::InvalidAddress, message, hint)
}

/// Checks an address and splits it; nothing is looked up on the network.
pub fn parse(input: &str) -> Result<EmailAddress, UserError> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(invalid(
            "No email address was given.",
            "Type the address you will send from, like name@example.com.",
        ));
    }
    if typed.chars().any(|c| c == '\r' || c == '\n') {
        return Err(invalid(
            "The address contains a line break.",
            "Type the address on one line, like name@example.com.",
        ));
    }
    if typed.chars().any(char::is_control) {
        return Err(invalid(
            "The address contains an invisible control character.",
            "Type the address again instead of pasting it, like name@example.com.",
        ));
    }
    if typed.chars().any(char::is_whitespace) {
        return Err(invalid(
            "The address contains a space.",
            "Remove the spaces; an address looks like name@example.com.",
        ));
    }
    let Some((local, domain)) = typed.rsplit_once('@') else {
        return Err(invalid(
            format!("\"{typed}\" has no @, so it is not an email address."),
            "Type the whole address, like name@example.com.",
        ));
    };
    if local.is_empty() {
        return Err(invalid(
            "The address has nothing before the @.",
            "Type the whole address, like name@example.com.",
        ));
    }
    if domain.is_empty() {
        return Err(invalid(
            "The address has nothing after the @.",
            "Add the domain, the part after the @, like name@example.com.",
        ));
    }
    if local.contains('@') && !(local.starts_with('"') && local.ends_with('"')) {
        return Err(invalid(
            "The address contains more than one @.",
            "Keep only one @, like name@example.com.",
        ));
    }
    if local.len() > MAX_LOCAL {
        return Err(invalid(
            format!(
                "The part before the @ is {} characters long; mail servers accept at most {MAX_LOCAL}.",
                local.len()
            ),
            "Check that the address was typed or pasted correctly.",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(invalid(
            "The part before the @ starts or ends with a dot, or has two dots in a row.",
            "Check the address for a stray dot.",
        ));
    }
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let Ok(ascii_domain) = idna::domain_to_ascii_strict(domain) else {
        return Err(invalid(
            format!("\"{domain}\" is not a valid domain name."),
            "Check the part after the @ for typing mistakes; it looks like example.com.",
        ));
    };
    if ascii_domain.len() > MAX_DOMAIN
        || ascii_domain
            .split('.')
            .any(|label| label.is_empty() || label.len() > 63)
    {
        return Err(invalid(
            "The domain after the @ is longer than DNS allows.",
            "Check that the address was typed or pasted correctly.",
        ));
    }
    if !ascii_domain.contains('.') {
        return Err(invalid(
            format!("\"{domain}\" has no dot, so it is not a domain on the internet."),
            "Type the whole domain, like example.com.",
        ));
    }
    if ascii_domain.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(invalid(
            "The part after the @ is an IP address, not a domain.",
            "Type the address with its domain name, like name@example.com.",
        ));
    }
    if local.len() + 1 + ascii_domain.len() > MAX_ADDRESS {
        return Err(invalid(
            format!("The address is longer than the {MAX_ADDRESS} characters mail servers accept."),
            "Check that the address was typed or pasted correctly.",
        ));
    }
    let (unicode, _) = idna::domain_to_unicode(&ascii_domain);
    Ok(EmailAddress {
        local: local.to_owned(),
        domain: unicode,
        ascii_domain,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::error::ErrorCode;

    #[test]
    fn plain_address_is_split_and_lower_cased() {
        let a = parse("  Alice@Example.COM ").unwrap();
        assert_eq!(a.local, "Alice");
        assert_eq!(a.ascii_domain, "example.com");
        assert_eq!(a.domain, "example.com");
    }

    #[test]
    fn idn_domain_becomes_punycode() {
        let a = parse("jörg@bücher.example").unwrap();
        assert_eq!(a.ascii_domain, "xn--bcher-kva.example");
        assert_eq!(a.domain, "bücher.example");
        assert_eq!(a.display(), "jörg@bücher.example");
    }

    #[test]
    fn bad_addresses_are_refused_with_a_reason() {
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "alice@example.com\r\nRCPT TO:<x@y>",
            "alice@exa mple.com",
            "al ice@example.com",
            "alice@@example.com",
            "alice@localhost",
            "alice@-bad-.com",
            "alice@127.0.0.1",
            ".alice@example.com",
            "a\u{0}lice@example.com",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidAddress, "{bad:?}");
            assert!(!err.message.is_empty() && !err.hint.is_empty());
        }
    }

    #[test]
    fn over_long_parts_are_refused() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(parse(&long_local).unwrap_err().message.contains("64"));
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert_eq!(
            parse(&long_label).unwrap_err().code,
            ErrorCode::InvalidAddress
        );
        let long_domain = format!("a@{}com", "b.".repeat(130));
        assert_eq!(
            parse(&long_domain).unwrap_err().code,
            ErrorCode::InvalidAddress
        );
    }
}
