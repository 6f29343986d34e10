//! Which password goes where an export left it out: the account's own password is wrong for
//! providers that want an app password, and for sending services whose SMTP password is an API
//! key or a credential made in their dashboard. The catalogue says which.

use crate::discover::catalogue::{self, NoteKind, Provider, ProviderKind, UsernameRule};
use crate::settings::SmtpSettings;

/// The catalogue's provider for these settings: the one whose server this is, else the one of
/// the sender's domain.
fn provider_for(s: &SmtpSettings) -> Option<&'static Provider> {
    let host = s.host.trim().trim_end_matches('.').to_ascii_lowercase();
    let by_host = catalogue::providers().ok().and_then(|list| {
        list.iter()
            .find(|p| p.servers.iter().any(|e| e.host.eq_ignore_ascii_case(&host)))
    });
    by_host.or_else(|| {
        let domain = s.from.rsplit_once('@')?.1;
        catalogue::by_domain(&idna::domain_to_ascii(domain).ok()?)
    })
}

/// What to write instead of the password, e.g. "use an app password made at Gmail, not your
/// normal password".
pub fn password_words(s: &SmtpSettings) -> String {
    let account = || match s.username.as_deref() {
        Some(u) => format!("use the password of the account {u}"),
        None => "use the password of this account".to_owned(),
    };
    let Some(p) = provider_for(s) else {
        return account();
    };
    // The account and its dashboard are the service's, not a region's: "Amazon SES", not
    // "Amazon SES (Europe, Ireland)".
    let name = &p.brand;
    let has = |k: NoteKind| p.notes.iter().any(|n| n.kind == k);
    if has(NoteKind::ApiKey) {
        format!("use your {name} API key (the SMTP password {name} shows), not your {name} account password")
    } else if has(NoteKind::AppPassword) {
        format!(
            "use an app password made in your {name} account settings, not your normal password"
        )
    } else if p.kind == ProviderKind::SendingService || p.username == UsernameRule::FromService {
        format!(
            "use the SMTP password {name} gave you with the user name (made in the {name} \
             dashboard), not your {name} account password"
        )
    } else if p.kind == ProviderKind::Bridge {
        format!("use the password {name} shows for this account, not your normal password")
    } else {
        account()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Security;

    fn s(host: &str, from: &str) -> SmtpSettings {
        SmtpSettings {
            host: host.into(),
            port: 587,
            security: Security::Starttls,
            username: Some(from.into()),
            from: from.into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
    }

    #[test]
    fn the_password_words_follow_the_catalogue() {
        let gmail = password_words(&s("smtp.gmail.com", "me@gmail.com"));
        assert!(
            gmail.contains("app password") && gmail.contains("Gmail"),
            "{gmail}"
        );
        let sendgrid = password_words(&s("smtp.sendgrid.net", "shop@example.org"));
        assert!(sendgrid.contains("API key"), "{sendgrid}");
        let ses = password_words(&s("email-smtp.eu-west-1.amazonaws.com", "shop@example.org"));
        assert_eq!(
            ses,
            "use your Amazon SES API key (the SMTP password Amazon SES shows), not your Amazon \
             SES account password"
        );
        let own = password_words(&s("mail.example.org", "me@example.org"));
        assert_eq!(own, "use the password of the account me@example.org");
    }
}
