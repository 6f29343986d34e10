//! The one check of an email address, made before anything leaves the computer: the first
//! screen (the app's `check_address`), discovery, the sender and recipient of a check or a
//! test email, and the CLI all use it, so an address one of them accepts the others accept too.
//!
//! One `@`, no spaces or control characters, no `<>,;` (a name or a list, not an address), no
//! stray dots before the `@`, parts within the SMTP limits (RFC 5321 §4.5.3.1), and the domain
//! turned into its ASCII (punycode) form so IDN domains can be looked up. An address literal
//! (`name@[192.0.2.1]`) is a valid address to send from or to, but has nothing to look up.

use crate::error::{ErrorCode, UserError};

/// Longest local part SMTP allows, in octets (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;
/// Longest whole address SMTP allows in a path, in octets (RFC 5321 §4.5.3.1.3 minus `<>`).
const MAX_ADDRESS: usize = 254;
/// Longest domain name in its ASCII form (RFC 1035, without the root dot).
const MAX_DOMAIN: usize = 253;
/// Longest text looked at at all, in characters (a pasted page is refused before any parsing).
const MAX_TYPED: usize = 256;

/// A checked email address, split into the parts discovery needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress {
    /// The local part exactly as typed (before the `@`).
    pub local: String,
    /// The domain as the user knows it (Unicode, lower case), or an address literal
    /// (`[192.0.2.1]`).
    pub domain: String,
    /// The domain as DNS knows it (ASCII, punycode for IDN labels, lower case), or the literal.
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

    /// Whether the domain is an address literal (`[192.0.2.1]`), which has no settings to
    /// look up.
    pub fn is_literal(&self) -> bool {
        self.ascii_domain.starts_with('[')
    }
}

/// Why an address was refused: what is wrong, naming the field, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressProblem {
    /// What is wrong, e.g. "The sender address contains a space."
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl AddressProblem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Message and hint as one sentence pair, for a field's error.
    pub fn sentence(&self) -> String {
        format!("{} {}", self.message, self.hint)
    }
}

impl From<AddressProblem> for UserError {
    fn from(p: AddressProblem) -> Self {
        UserError::new(ErrorCode::InvalidAddress, p.message, p.hint)
    }
}

/// Checks the address the user will send from and splits it, for discovery: the one check,
/// and a domain to look up (not an address literal). Nothing is looked up on the network.
pub fn parse(input: &str) -> Result<EmailAddress, UserError> {
    let addr = check("address", input)?;
    if addr.is_literal() {
        return Err(AddressProblem::new(
            "The address has an IP address after the @ instead of a domain, so there are no \
             settings to look up.",
            "Type the address with its domain name, like name@example.com.",
        )
        .into());
    }
    Ok(addr)
}

/// Checks an address and splits it. `what` names it in the sentences ("address", "sender
/// address", "recipient address").
pub fn check(what: &str, input: &str) -> Result<EmailAddress, AddressProblem> {
    let typed = input.trim();
    let like = "like name@example.com.";
    if typed.is_empty() {
        return Err(AddressProblem::new(
            format!("No {what} was given."),
            format!("Type the address, {like}"),
        ));
    }
    let chars = typed.chars().count();
    if chars > MAX_TYPED {
        return Err(AddressProblem::new(
            format!("The {what} is {chars} characters long; at most {MAX_TYPED} are allowed."),
            "Check that you pasted the right thing.",
        ));
    }
    // Line breaks and control characters count even at the ends: the value is used as given.
    if input.chars().any(|c| c == '\r' || c == '\n') {
        return Err(AddressProblem::new(
            format!("The {what} contains a line break."),
            format!("Type it on one line, {like}"),
        ));
    }
    if input.chars().any(char::is_control) {
        return Err(AddressProblem::new(
            format!("The {what} contains an invisible control character."),
            format!("Type it again instead of pasting it, {like}"),
        ));
    }
    if typed.chars().any(char::is_whitespace) {
        return Err(AddressProblem::new(
            format!("The {what} contains a space."),
            format!("Remove the spaces; an address looks {like}"),
        ));
    }
    if let Some(c) = typed.chars().find(|c| matches!(c, '<' | '>' | ',' | ';')) {
        return Err(AddressProblem::new(
            format!("The {what} cannot contain \"{c}\"."),
            format!("Type only one address, without a name or brackets, {like}"),
        ));
    }
    let Some((local, domain)) = typed.rsplit_once('@') else {
        return Err(AddressProblem::new(
            format!("The {what} \"{typed}\" has no @, so it is not an email address."),
            format!("Type the whole address, {like}"),
        ));
    };
    if local.is_empty() {
        return Err(AddressProblem::new(
            format!("The {what} has nothing before the @."),
            format!("Type the whole address, {like}"),
        ));
    }
    if domain.is_empty() {
        return Err(AddressProblem::new(
            format!("The {what} has nothing after the @."),
            format!("Add the domain, the part after the @, {like}"),
        ));
    }
    if local.contains('@') && !(local.starts_with('"') && local.ends_with('"')) {
        return Err(AddressProblem::new(
            format!("The {what} contains more than one @."),
            format!("Keep only one @, {like}"),
        ));
    }
    if local.len() > MAX_LOCAL {
        return Err(AddressProblem::new(
            format!(
                "The part before the @ in the {what} is {} characters long; mail servers \
                 accept at most {MAX_LOCAL}.",
                local.len()
            ),
            "Check that the address was typed or pasted correctly.",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(AddressProblem::new(
            format!(
                "The part before the @ in the {what} starts or ends with a dot, or has two \
                 dots in a row."
            ),
            "Check the address for a stray dot.",
        ));
    }
    let ascii_domain =
        if let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
            let literal_ok = inner.parse::<std::net::Ipv4Addr>().is_ok()
                || inner
                    .get(..5)
                    .is_some_and(|p| p.eq_ignore_ascii_case("IPv6:"))
                    && inner[5..].parse::<std::net::Ipv6Addr>().is_ok();
            if !literal_ok {
                return Err(AddressProblem::new(
                    format!(
                    "The {what} has something in brackets after the @ that is not an IP address."
                ),
                    format!("Type the domain after the @, {like}"),
                ));
            }
            domain.to_owned()
        } else {
            let domain = domain.strip_suffix('.').unwrap_or(domain);
            let Ok(ascii) = idna::domain_to_ascii_strict(domain) else {
                return Err(AddressProblem::new(
                    format!("The domain of the {what}, \"{domain}\", is not a valid domain name."),
                    "Check the part after the @ for typing mistakes; it looks like example.com.",
                ));
            };
            if ascii.len() > MAX_DOMAIN
                || ascii
                    .split('.')
                    .any(|label| label.is_empty() || label.len() > 63)
            {
                return Err(AddressProblem::new(
                    format!("The domain of the {what} is longer than DNS allows."),
                    "Check that the address was typed or pasted correctly.",
                ));
            }
            if ascii.parse::<std::net::Ipv4Addr>().is_ok() {
                return Err(AddressProblem::new(
                    format!("The {what} has an IP address after the @ instead of a domain."),
                    format!("Type the address with its domain name, {like}"),
                ));
            }
            if !ascii.contains('.') {
                return Err(AddressProblem::new(
                    format!(
                    "The domain of the {what}, \"{domain}\", has no dot, so it is not a domain \
                     on the internet."
                ),
                    "Type the whole domain, like example.com.",
                ));
            }
            ascii
        };
    if local.len() + 1 + ascii_domain.len() > MAX_ADDRESS {
        return Err(AddressProblem::new(
            format!("The {what} is longer than the {MAX_ADDRESS} characters mail servers accept."),
            "Check that the address was typed or pasted correctly.",
        ));
    }
    let domain = if ascii_domain.starts_with('[') {
        ascii_domain.clone()
    } else {
        idna::domain_to_unicode(&ascii_domain).0
    };
    Ok(EmailAddress {
        local: local.to_owned(),
        domain,
        ascii_domain,
    })
}

#[cfg(test)]
mod tests {
    use super::{check, parse};
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

    #[test]
    fn the_three_faces_agree_on_stray_dots_and_angle_brackets() {
        // Once accepted by the first screen and refused later (or the other way round).
        for (typed, said) in [
            ("a..b@example.com", "two dots in a row"),
            ("a<b@example.com", "\"<\""),
        ] {
            let first_screen = parse(typed).unwrap_err();
            assert!(
                first_screen.message.contains(said),
                "{}",
                first_screen.message
            );
            let sender = check("sender address", typed).unwrap_err();
            assert!(
                sender.message.contains("sender address"),
                "{}",
                sender.message
            );
            assert!(sender.message.contains(said), "{}", sender.message);
        }
    }

    #[test]
    fn an_address_literal_is_an_address_but_has_nothing_to_look_up() {
        let a = check("sender address", "alice@[192.0.2.1]").unwrap();
        assert!(a.is_literal());
        assert_eq!(a.ascii(), "alice@[192.0.2.1]");
        assert!(check("sender address", "alice@[IPv6:2001:db8::25]").is_ok());
        assert!(check("sender address", "alice@[example.com]").is_err());
        assert!(parse("alice@[192.0.2.1]")
            .unwrap_err()
            .message
            .contains("no settings to look up"));
    }
}
