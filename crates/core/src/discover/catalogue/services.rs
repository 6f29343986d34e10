//! "I send through a service": the catalogue's sending services as the window and the CLI show
//! them. A transactional service cannot be found from an address (the domain's MX points at
//! the mailbox host), so the user picks it from this list; each entry says, in the core's
//! words, what goes in the user-name field, where the key is made, and what to know before the
//! password is typed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{sending_services, PolicyNote, Provider, ServerEntry, UsernameRule};
use crate::error::{ErrorCode, UserError};
use crate::ports::Security;
use crate::settings::SmtpSettings;

/// One sending service, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SendingService {
    /// The catalogue's id (e.g. `sendgrid`, `amazon-ses-eu-west-1`).
    pub id: String,
    /// The full name users see (e.g. "Amazon SES (Europe, Ireland)").
    pub name: String,
    /// The service without its region or variant (e.g. "Amazon SES"), to group the list.
    pub service: String,
    /// The region or variant, when the service has several entries (e.g. "Europe, Ireland"),
    /// from the catalogue's `region` field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub region: Option<String>,
    /// The fixed user name to fill in (e.g. `apikey`), when the service has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username: Option<String>,
    /// What goes in the user-name field, in plain words ("usually" when unconfirmed).
    pub username_words: String,
    /// The service's https page where the key or SMTP credentials are made, when the
    /// catalogue names one (the app's `open_page` opens it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key_link: Option<String>,
    /// The label of the button that opens `key_link`.
    pub key_link_label: String,
    /// The servers, in the service's order of preference.
    pub servers: Vec<ServerEntry>,
    /// What to know before the password is typed, in the core's words.
    pub notes: Vec<PolicyNote>,
    /// The first server and the user name, as proposed settings (the sender address empty).
    pub proposal: SmtpSettings,
}

fn https(link: &str) -> bool {
    link.starts_with("https://") && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// What goes in the user-name field of `p`, in the core's words.
fn username_words(p: &Provider) -> String {
    let unconfirmed = |text: String| {
        format!(
            "Usually: {text} (Portolan could not confirm this in {}'s documentation.)",
            p.brand
        )
    };
    let text = match (
        p.username,
        p.username_value.as_deref(),
        p.username_hint.as_deref(),
    ) {
        (UsernameRule::Literal, Some(v), _) => format!(
            "The user name is the word {v}, exactly as written. \
             The password is the key you make at {}, not your account password.",
            p.name
        ),
        (_, _, Some(hint)) => hint.to_owned(),
        (UsernameRule::Address, _, _) => "The user name is the address you send from.".to_owned(),
        _ => format!(
            "Use the SMTP user name {} shows where you make your SMTP credentials.",
            p.name
        ),
    };
    if p.username_source.verified {
        text
    } else {
        unconfirmed(text)
    }
}

/// The page where the key is made: the user-name rule's link, else an API-key note's, else
/// the help page; https only.
fn key_link(p: &Provider) -> Option<String> {
    p.username_link
        .iter()
        .chain(p.notes.iter().filter_map(|n| n.link.as_ref()))
        .chain(p.help.iter())
        .find(|l| https(l))
        .cloned()
}

impl SendingService {
    /// The view of a catalogue provider (meant for sending services; any provider works).
    pub fn of(p: &Provider) -> Self {
        // The catalogue says the region: "Amazon SES (Europe, Ireland)" has one, "SendGrid
        // (Twilio)" is a name.
        let (service, region) = (p.brand.clone(), p.region.clone());
        let username = match p.username {
            UsernameRule::Literal => p.username_value.clone(),
            _ => None,
        };
        let servers: Vec<ServerEntry> = p
            .servers
            .iter()
            .filter(|s| !s.host.contains('%'))
            .cloned()
            .collect();
        let mut notes = p.policy_notes();
        if let Some(first) = servers.first() {
            notes.extend(p.server_notes(first));
        }
        let proposal = match servers.first() {
            Some(s) => SmtpSettings {
                host: s.host.clone(),
                port: s.port,
                security: s.security,
                username: Some(username.clone().unwrap_or_default()),
                from: String::new(),
                allow_plaintext_auth: false,
                cert_exception: None,
                ehlo_name: None,
            },
            None => SmtpSettings {
                host: String::new(),
                port: 587,
                security: Security::Starttls,
                username: Some(username.clone().unwrap_or_default()),
                from: String::new(),
                allow_plaintext_auth: false,
                cert_exception: None,
                ehlo_name: None,
            },
        };
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            service,
            region,
            username,
            username_words: username_words(p),
            key_link: key_link(p),
            key_link_label: format!("Make the key at {}", p.name),
            servers,
            notes,
            proposal,
        }
    }

    /// The proposed settings for sending from `from` through this service.
    pub fn settings(&self, from: &str) -> SmtpSettings {
        SmtpSettings {
            from: from.trim().to_owned(),
            ..self.proposal.clone()
        }
    }
}

/// Every sending service of the catalogue, in its order.
pub fn sending_service_views() -> Vec<SendingService> {
    sending_services()
        .into_iter()
        .map(SendingService::of)
        .collect()
}

/// The sending service with this id.
pub fn sending_service(id: &str) -> Option<SendingService> {
    sending_service_views().into_iter().find(|s| s.id == id)
}

/// The sending service with this id, or the error that says there is none.
pub fn find_sending_service(id: &str) -> Result<SendingService, UserError> {
    sending_service(id.trim()).ok_or_else(|| {
        let shown: String = id.trim().chars().take(60).collect();
        UserError::new(
            ErrorCode::InvalidOption,
            format!("Portolan's list of sending services has no service called \"{shown}\"."),
            "Use one of the ids in the list of sending services (portolan services shows it).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::is_catalogue_link;
    use super::*;

    #[test]
    fn every_service_says_what_the_user_name_is_and_where_the_key_is_made() {
        let all = sending_service_views();
        assert!(all.len() >= 25, "{}", all.len());
        for s in &all {
            assert!(!s.username_words.trim().is_empty(), "{}", s.id);
            assert!(!s.servers.is_empty(), "{}", s.id);
            assert_eq!(s.proposal.host, s.servers[0].host, "{}", s.id);
            assert_eq!(s.proposal.port, s.servers[0].port, "{}", s.id);
            if let Some(l) = &s.key_link {
                assert!(l.starts_with("https://"), "{}: {l}", s.id);
                assert!(is_catalogue_link(l), "{}: {l} must be openable", s.id);
            }
            match &s.username {
                Some(u) => assert_eq!(s.proposal.username.as_deref(), Some(u.as_str())),
                None => assert_eq!(s.proposal.username.as_deref(), Some("")),
            }
        }
    }

    #[test]
    fn sendgrid_user_name_is_the_literal_apikey() {
        let s = sending_service("sendgrid").unwrap();
        assert_eq!(s.username.as_deref(), Some("apikey"));
        assert!(s.username_words.contains("apikey"), "{}", s.username_words);
        assert!(!s.username_words.starts_with("Usually"));
        let settings = s.settings(" me@example.com ");
        assert_eq!(settings.host, "smtp.sendgrid.net");
        assert_eq!(settings.port, 587);
        assert_eq!(settings.security, Security::Starttls);
        assert_eq!(settings.username.as_deref(), Some("apikey"));
        assert_eq!(settings.from, "me@example.com");
        assert_eq!(
            s.key_link.as_deref(),
            Some("https://app.sendgrid.com/settings/api_keys")
        );
        // Not a region: no other entry is called SendGrid.
        assert_eq!(s.region, None);
    }

    #[test]
    fn ses_regions_map_to_their_hosts_and_warn_about_iam_keys() {
        let all = sending_service_views();
        let ses: Vec<_> = all.iter().filter(|s| s.service == "Amazon SES").collect();
        assert!(ses.len() >= 10, "{}", ses.len());
        for s in ses {
            let region = s.id.strip_prefix("amazon-ses-").unwrap();
            assert_eq!(
                s.proposal.host,
                format!("email-smtp.{region}.amazonaws.com"),
                "{}",
                s.id
            );
            assert!(s.region.is_some(), "{}", s.id);
            assert_eq!(s.username, None);
            assert!(s.username_words.contains("not your AWS access keys"));
            assert!(s
                .key_link
                .as_deref()
                .is_some_and(|l| l.contains(&format!("region={region}"))));
            assert!(s.notes.iter().any(|n| n.text.contains("IAM")), "{}", s.id);
        }
        let eu = sending_service("mailgun-eu").unwrap();
        assert_eq!(eu.service, "Mailgun");
        assert_eq!(eu.region.as_deref(), Some("EU region"));
        assert_eq!(eu.proposal.host, "smtp.eu.mailgun.org");
    }

    #[test]
    fn unconfirmed_facts_are_put_as_usual() {
        // Resend's literal user name is not confirmed in the catalogue.
        let r = sending_service("resend").unwrap();
        assert!(
            r.username_words.starts_with("Usually: "),
            "{}",
            r.username_words
        );
        assert!(r.username_words.contains("resend"));
        assert!(sending_service("gmail").is_none());
        assert!(sending_service("no-such-service").is_none());
        let e = find_sending_service("no-such-service").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidOption);
        assert!(e.message.contains("no-such-service"));
        assert_eq!(find_sending_service(" postmark ").unwrap().id, "postmark");
    }

    #[test]
    fn the_region_is_the_catalogues_field_and_groups_the_entries() {
        let all = sending_service_views();
        for s in &all {
            match &s.region {
                Some(r) => assert_eq!(s.name, format!("{} ({r})", s.service), "{}", s.id),
                None => assert_eq!(s.name, s.service, "{}", s.id),
            }
        }
        let smtp2go: Vec<_> = all.iter().filter(|s| s.service == "SMTP2GO").collect();
        let regions: Vec<_> = smtp2go.iter().map(|s| s.region.as_deref()).collect();
        assert_eq!(
            regions,
            [
                None,
                Some("US servers"),
                Some("EU servers"),
                Some("Australian servers")
            ]
        );
        // A name with brackets is not a region unless the catalogue says so.
        let sendgrid = sending_service("sendgrid").unwrap();
        assert_eq!(
            (sendgrid.service.as_str(), sendgrid.region),
            ("SendGrid (Twilio)", None)
        );
        let brevo = sending_service("brevo").unwrap();
        assert_eq!(brevo.region, None);
        // A region must be plain words.
        let broken = super::super::CATALOGUE_TOML.replacen(
            "region = \"Europe, Ireland\"",
            "region = \"Europe (Ireland)\"",
            1,
        );
        let err = super::super::build(super::super::ispdb::ISPDB_JSON, &broken).unwrap_err();
        assert!(err.contains("a region must be plain words"), "{err}");
    }
}
