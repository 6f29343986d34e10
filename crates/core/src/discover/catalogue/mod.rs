//! The built-in provider catalogue (`data/providers.toml`): reviewed outgoing settings of common
//! mailbox providers and sending services, matched by the address's domain or by the host of
//! the domain's most-preferred MX record.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::ports::Security;

pub mod ispdb;

/// The catalogue file, reviewed by people; each entry names its source.
pub const CATALOGUE_TOML: &str = include_str!("../../../data/providers.toml");

/// What sort of service a provider is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// A mailbox with an address (Gmail, Fastmail, …).
    Mailbox,
    /// A relay for apps and websites (SendGrid, Amazon SES, …).
    SendingService,
    /// A program on this computer that sends for the provider (Proton Mail Bridge).
    Bridge,
}

/// How the provider expects the user name to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UsernameRule {
    /// The full email address.
    Address,
    /// Only the part before the `@`.
    LocalPart,
    /// A fixed word, e.g. SendGrid's `apikey`.
    Literal,
    /// Credentials made in the service's dashboard; the hint says where.
    FromService,
}

/// The kind of a rule shown before the password is typed; the UI may pick an icon from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The normal password is refused; an app password is needed.
    AppPassword,
    /// Passwords are refused altogether; only OAuth sign-in works.
    OauthOnly,
    /// An administrator must switch SMTP sign-in on first.
    AdminEnableSmtpAuth,
    /// The password is an API key or token, not the account password.
    ApiKey,
    /// A switch in the provider's settings must be turned on first.
    EnableInSettings,
    /// A helper program on this computer does the sending.
    Bridge,
    /// Only some (paid) plans include SMTP.
    PaidPlan,
    /// Anything else worth knowing.
    Info,
}

/// A rule or fact shown before the password is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PolicyNote {
    /// What sort of rule this is.
    pub kind: NoteKind,
    /// The rule in plain words, with what to do.
    pub text: String,
}

/// One server of a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ServerEntry {
    /// Host name (or loopback IP for a bridge).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
}

/// One provider of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Stable identifier.
    pub id: String,
    /// The name users see.
    pub name: String,
    /// Mailbox, sending service or bridge.
    pub kind: ProviderKind,
    /// Address domains that mean this provider.
    pub domains: Vec<String>,
    /// Suffixes of the most-preferred MX host that mean this provider.
    pub mx: Vec<String>,
    /// The provider's page with these settings.
    pub help: String,
    /// Where the facts come from.
    pub source: String,
    /// Whether the facts were checked against the provider's documentation.
    pub verified: bool,
    /// How to write the user name.
    pub username: UsernameRule,
    /// The fixed user name, for [`UsernameRule::Literal`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username_value: Option<String>,
    /// Where to find the user name, for [`UsernameRule::FromService`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username_hint: Option<String>,
    /// Servers in the provider's order of preference.
    pub servers: Vec<ServerEntry>,
    /// Rules shown before the password is typed.
    pub notes: Vec<PolicyNote>,
}

impl Provider {
    /// The user name to propose for `local@domain`, when the rule gives one.
    pub fn username_for(&self, local: &str, address: &str) -> Option<String> {
        match self.username {
            UsernameRule::Address => Some(address.to_owned()),
            UsernameRule::LocalPart => Some(local.to_owned()),
            UsernameRule::Literal => self.username_value.clone(),
            UsernameRule::FromService => None,
        }
    }

    /// Whether `mx_host` (lower case, no trailing dot) is one of this provider's, and how
    /// specific the match is (longer pattern = more specific).
    fn mx_match(&self, mx_host: &str) -> Option<usize> {
        self.mx
            .iter()
            .filter(|p| mx_host == p.as_str() || mx_host.ends_with(&format!(".{p}")))
            .map(String::len)
            .max()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    provider: Vec<Provider>,
}

/// Parses a catalogue file; used for the embedded file and by its validation test.
pub fn parse(text: &str) -> Result<Vec<Provider>, String> {
    toml::from_str::<CatalogueFile>(text)
        .map(|f| f.provider)
        .map_err(|e| e.to_string())
}

/// The embedded catalogue. A broken file is caught by the test suite; at run time it degrades
/// to an empty list with an error the caller can show.
pub fn providers() -> Result<&'static [Provider], UserError> {
    static CACHE: OnceLock<Result<Vec<Provider>, String>> = OnceLock::new();
    match CACHE.get_or_init(|| parse(CATALOGUE_TOML)) {
        Ok(list) => Ok(list),
        Err(e) => Err(UserError::new(
            ErrorCode::CatalogueDamaged,
            format!("The built-in provider list could not be read: {e}"),
            "Reinstall Portolan; meanwhile the other ways of finding settings still work.",
        )),
    }
}

/// The provider whose domain list holds `ascii_domain`.
pub fn by_domain(ascii_domain: &str) -> Option<&'static Provider> {
    let domain = ascii_domain.trim_end_matches('.').to_ascii_lowercase();
    providers()
        .ok()?
        .iter()
        .find(|p| p.domains.contains(&domain))
}

/// The provider whose MX patterns match `mx_host` most specifically.
pub fn by_mx(mx_host: &str) -> Option<&'static Provider> {
    let host = mx_host.trim_end_matches('.').to_ascii_lowercase();
    providers()
        .ok()?
        .iter()
        .filter_map(|p| p.mx_match(&host).map(|len| (len, p)))
        .max_by_key(|(len, _)| *len)
        .map(|(_, p)| p)
}

/// The provider with this id.
pub fn by_id(id: &str) -> Option<&'static Provider> {
    providers().ok()?.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_and_mx_lookups_find_the_right_provider() {
        assert_eq!(by_domain("gmail.com").unwrap().id, "gmail");
        assert_eq!(by_domain("HOTMAIL.COM").unwrap().id, "outlook-com");
        assert!(by_domain("example.com").is_none());
        assert_eq!(by_mx("aspmx.l.google.com.").unwrap().id, "google-workspace");
        assert_eq!(
            by_mx("contoso-com.mail.protection.outlook.com").unwrap().id,
            "microsoft-365"
        );
        assert_eq!(by_mx("mxa.eu.mailgun.org").unwrap().id, "mailgun-eu");
        assert_eq!(by_mx("mxa.mailgun.org").unwrap().id, "mailgun-us");
        // A pattern matches whole labels only: "gmail.com" is not "mail.com".
        assert!(by_mx("gmail.com").is_none());
        assert!(by_mx("evilmail.ru").is_none());
    }

    #[test]
    fn username_rules_fill_the_user_name() {
        let sendgrid = by_id("sendgrid").unwrap();
        assert_eq!(
            sendgrid.username_for("a", "a@example.com").as_deref(),
            Some("apikey")
        );
        let gmail = by_id("gmail").unwrap();
        assert_eq!(
            gmail.username_for("a", "a@gmail.com").as_deref(),
            Some("a@gmail.com")
        );
        assert!(by_id("postmark")
            .unwrap()
            .username_for("a", "a@x.com")
            .is_none());
    }
}
