//! What a verdict knows about the provider behind the server: filled from the built-in
//! catalogue (by the server's name, the sender's domain, or the provider a discovery or saved
//! profile named) and handed to the check in its options, so the first fix can be the one
//! that works at that provider.

/// The providers whose replies some verdicts read differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// Gmail and Google Workspace: `534 5.7.9` means "an app password is required".
    Google,
    /// Microsoft 365 (Exchange Online): SMTP AUTH can be off for the tenant, by Security
    /// Defaults, or for the mailbox.
    Microsoft365,
    /// Outlook.com personal accounts: no passwords for other apps since 16 September 2024.
    OutlookPersonal,
    /// Yahoo and AOL (the same servers): `#AUTH005` after too many refused sign-ins.
    Yahoo,
    /// Any other.
    #[default]
    Other,
}

/// The provider a check talks to, as the catalogue knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KnownProvider {
    /// The catalogue's id (`gmail`, `microsoft-365`, …).
    pub id: String,
    /// The name users see.
    pub name: String,
    /// Whose replies these are.
    pub family: Family,
    /// The https page where an app password is made, when the provider refuses the normal
    /// password for apps (always a link from the catalogue).
    pub app_password_page: Option<String>,
    /// The provider's https help page for these settings (from the catalogue).
    pub help: Option<String>,
    /// The provider's own names: its servers' hosts, address domains and MX suffixes. A
    /// certificate for one of these (or a name in the same domain) is the provider's.
    pub names: Vec<String>,
}

impl KnownProvider {
    /// Whether `cert_name` (from a certificate, possibly `*.x`) belongs to this provider: it
    /// lies in the same registered domain as one of the provider's names.
    pub fn owns_name(&self, cert_name: &str) -> bool {
        let name = cert_name.trim_start_matches("*.").to_ascii_lowercase();
        let base = registered_domain(&name);
        !base.is_empty()
            && self
                .names
                .iter()
                .any(|n| registered_domain(&n.to_ascii_lowercase()) == base)
    }
}

/// The registered part of a host name, without a public-suffix list: the last two labels, or
/// the last three when the second-to-last is a short second-level label under a country code
/// (`example.co.uk`, `example.com.au`).
fn registered_domain(host: &str) -> String {
    let host = host.trim_end_matches('.');
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n < 2 {
        return String::new();
    }
    let take = if n >= 3 && labels[n - 1].len() == 2 && labels[n - 2].len() <= 3 {
        3
    } else {
        2
    };
    labels[n - take..].join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_same_provider_are_recognised() {
        let p = KnownProvider {
            names: vec!["smtp.gmail.com".into(), "googlemail.com".into()],
            ..KnownProvider::default()
        };
        assert!(p.owns_name("smtp.gmail.com"));
        assert!(p.owns_name("*.gmail.com"));
        assert!(p.owns_name("SMTP.googlemail.com"));
        assert!(!p.owns_name("mail.example-hosting.net"));
        assert!(!p.owns_name("gmail.com.evil.net"));
        assert!(!p.owns_name("localhost"));
        let uk = KnownProvider {
            names: vec!["smtp.provider.co.uk".into()],
            ..KnownProvider::default()
        };
        assert!(uk.owns_name("mail.provider.co.uk"));
        assert!(!uk.owns_name("other.co.uk"));
    }
}
