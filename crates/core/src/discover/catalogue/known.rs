//! The catalogue's answer to "which provider runs this server?", for the check's verdict
//! (`CheckOptions::provider`), and the list of pages the app may open.

use serde::Serialize;
use ts_rs::TS;

use super::{by_domain, by_id, providers, NoteKind, PolicyNote, Provider, Security};
use crate::diagnose::{Family, KnownProvider};
use crate::error::{ErrorCode, UserError};
use crate::settings::SmtpSettings;

/// The provider behind `settings`: the one named by `provider_id` (the discovery candidate's
/// or the saved profile's, which may have been found through the domain's MX alone) when the
/// catalogue knows it and it lists this server; else the sender domain's provider when it
/// lists this server; else the first provider that lists this server. An id the catalogue
/// does not know, or one whose provider does not list this server (a forged id, or a host
/// changed since), is not believed: the server decides. Outlook.com personal accounts are
/// only recognised by their address or their id (Microsoft 365 shares their servers).
pub fn known_provider(settings: &SmtpSettings, provider_id: Option<&str>) -> Option<KnownProvider> {
    let host = settings
        .host
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let domain = settings
        .from
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default();
    if let Some(p) = provider_id.map(str::trim).and_then(by_id) {
        if serves(p, &host, Some(&domain)) {
            return Some(known(p));
        }
    }
    if let Some(p) = by_domain(&domain) {
        if serves(p, &host, Some(&domain)) {
            return Some(known(p));
        }
    }
    // A server on this computer (a bridge, a local relay) is told by the address only:
    // 127.0.0.1 is everyone's.
    if crate::settings::on_this_computer(&host) {
        return None;
    }
    providers()
        .ok()?
        .iter()
        .find(|p| family(&p.id) != Family::OutlookPersonal && serves(p, &host, None))
        .map(known)
}

/// Whether `p` lists `host` among its servers. A host made from the address's domain
/// (`mail.%EMAILDOMAIN%`, a hoster's pattern) counts only when the address's `domain` is
/// given, i.e. the provider was found by the address.
fn serves(p: &Provider, host: &str, domain: Option<&str>) -> bool {
    !host.is_empty()
        && p.servers.iter().any(|s| {
            let h = match (s.host.contains('%'), domain) {
                (false, _) => s.host.clone(),
                (true, Some(d)) => s.host.replace("%EMAILDOMAIN%", d),
                (true, None) => return false,
            };
            h.eq_ignore_ascii_case(host) && s.security != Security::None
        })
}

fn family(id: &str) -> Family {
    match id {
        "gmail" | "google-workspace" => Family::Google,
        "microsoft-365" => Family::Microsoft365,
        "outlook-com" => Family::OutlookPersonal,
        "yahoo" | "aol" => Family::Yahoo,
        _ => Family::Other,
    }
}

fn https(link: &str) -> bool {
    link.starts_with("https://") && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// What the verdict needs to know of `p`.
pub fn known(p: &Provider) -> KnownProvider {
    let app_password_page = p
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::AppPassword)
        .find_map(|n| n.link.clone().filter(|l| https(l)));
    let mut names: Vec<String> = p
        .servers
        .iter()
        .filter(|s| !s.host.contains('%'))
        .map(|s| s.host.to_ascii_lowercase())
        .collect();
    names.extend(p.mx.iter().cloned());
    names.dedup();
    KnownProvider {
        id: p.id.clone(),
        name: p.name.clone(),
        family: family(&p.id),
        app_password_page,
        help: p.help.clone().filter(|l| https(l)),
        names,
    }
}

/// Whether the app may open `url`: an https page the built-in catalogue names (a provider's
/// help page, the page where credentials or app passwords are made, a note's page), exactly.
/// Nothing else is ever opened.
pub fn is_catalogue_link(url: &str) -> bool {
    https(url)
        && providers().is_ok_and(|list| {
            list.iter().any(|p| {
                p.help.as_deref() == Some(url)
                    || p.username_link.as_deref() == Some(url)
                    || p.notes.iter().any(|n| n.link.as_deref() == Some(url))
            })
        })
}

/// `url` when the app may open it ([`is_catalogue_link`]), else the error that says nothing
/// was opened.
pub fn checked_link(url: &str) -> Result<&str, UserError> {
    if is_catalogue_link(url) {
        Ok(url)
    } else {
        Err(UserError::with_code_hint(
            ErrorCode::LinkRefused,
            "Portolan opens only the providers' own pages from its built-in list; this \
             address is not one of them, so nothing was opened.",
        ))
    }
}

/// What a provider asks before the password is typed, for settings that did not come with a
/// discovery's proposal (an opened profile, a server or address typed by hand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProviderNotes {
    /// The catalogue's id of the provider.
    pub provider_id: String,
    /// Its name, as users know it.
    pub provider_name: String,
    /// Its rules in the core's words (dated ones with their date, unconfirmed ones as what is
    /// usually so), the same a discovery's proposal shows.
    pub notes: Vec<PolicyNote>,
}

/// The notes to show before the password for sending from `from` through `host`: the notes of
/// the provider [`known_provider`] finds (the `provider_id` a discovery, a chosen service or a
/// saved profile named, believed only for its own servers; else the server and the sender's
/// domain). Outlook.com's (no passwords from other apps since 16 September 2024) come for an
/// Outlook.com address whatever the server, and for Outlook.com's own server, since the notice
/// is what such an account must know before typing a password; the verdict still treats that
/// server as Microsoft 365's too. `None` when no provider is known or it has nothing to say.
pub fn notes_before_password(
    host: &str,
    from: &str,
    provider_id: Option<&str>,
) -> Option<ProviderNotes> {
    // Longer than any server name or address: nothing to look up (the form says what is wrong).
    if host.len() > 255 || from.len() > 320 || provider_id.is_some_and(|id| id.len() > 100) {
        return None;
    }
    let settings = SmtpSettings {
        host: host.to_owned(),
        port: 587,
        security: Security::Starttls,
        username: None,
        from: from.to_owned(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    };
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default();
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let outlook = |p: &&Provider| family(&p.id) == Family::OutlookPersonal;
    let provider = by_domain(&domain).filter(outlook).or_else(|| {
        match known_provider(&settings, provider_id) {
            Some(k) => by_id(&k.id),
            None => providers()
                .ok()?
                .iter()
                .filter(outlook)
                .find(|p| serves(p, &host, None)),
        }
    })?;
    let notes = provider.policy_notes();
    (!notes.is_empty()).then(|| ProviderNotes {
        provider_id: provider.id.clone(),
        provider_name: provider.name.clone(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(host: &str, from: &str) -> SmtpSettings {
        SmtpSettings {
            host: host.into(),
            port: 465,
            security: Security::Tls,
            username: Some(from.into()),
            from: from.into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
    }

    #[test]
    fn providers_are_known_by_server_and_address() {
        let g = known_provider(&settings("smtp.gmail.com", "a@gmail.com"), None).unwrap();
        assert_eq!(g.family, Family::Google);
        assert_eq!(
            g.app_password_page.as_deref(),
            Some("https://myaccount.google.com/apppasswords")
        );
        // A Workspace address on a custom domain is known by the server.
        let w = known_provider(&settings("smtp.gmail.com", "a@firma.example"), None).unwrap();
        assert_eq!(w.family, Family::Google);
        for (host, from, id) in [
            ("smtp.mail.yahoo.com", "a@yahoo.com", "yahoo"),
            ("smtp.aol.com", "a@aol.com", "aol"),
            ("smtp.mail.me.com", "a@icloud.com", "icloud"),
        ] {
            let p = known_provider(&settings(host, from), None).unwrap();
            assert_eq!(p.id, id);
            assert!(p.app_password_page.is_some(), "{id}");
        }
        let o = known_provider(&settings("smtp-mail.outlook.com", "a@hotmail.com"), None).unwrap();
        assert_eq!(o.family, Family::OutlookPersonal);
        let m = known_provider(&settings("smtp.office365.com", "a@firma.example"), None).unwrap();
        assert_eq!(m.family, Family::Microsoft365);
        assert!(known_provider(&settings("mail.example.net", "a@example.net"), None).is_none());
        // A server on this computer is known by the address only (Proton Mail Bridge
        // listens on 127.0.0.1, and so does any local relay).
        assert!(known_provider(&settings("127.0.0.1", "a@example.net"), None).is_none());
        let bridge = known_provider(&settings("127.0.0.1", "a@proton.me"), None).unwrap();
        assert!(bridge.id.starts_with("proton"), "{}", bridge.id);
    }

    #[test]
    fn the_candidates_provider_is_believed_only_for_its_own_servers() {
        // A custom domain whose MX is Outlook.com's: the server alone does not say (Microsoft
        // 365 shares it), the discovery candidate's id does.
        let s = settings("smtp-mail.outlook.com", "ann@firma.example");
        assert!(known_provider(&s, None).is_none());
        let o = known_provider(&s, Some("outlook-com")).unwrap();
        assert_eq!(o.family, Family::OutlookPersonal);
        assert_eq!(
            known_provider(&s, Some(" outlook-com ")).unwrap().id,
            "outlook-com"
        );
        // A hoster's pattern (`mail.%EMAILDOMAIN%`) counts for the sender's own domain.
        let lv = settings("mail.firma.example", "ann@firma.example");
        assert!(known_provider(&lv, None).is_none());
        assert_eq!(
            known_provider(&lv, Some("inbox.lv")).unwrap().id,
            "inbox.lv"
        );
        let other = settings("mail.other.example", "ann@firma.example");
        assert!(known_provider(&other, Some("inbox.lv")).is_none());
        // A sending service chosen from the list.
        let ses = settings("email-smtp.eu-west-1.amazonaws.com", "shop@firma.example");
        assert_eq!(
            known_provider(&ses, Some("amazon-ses-eu-west-1"))
                .unwrap()
                .id,
            "amazon-ses-eu-west-1"
        );
        // An unknown or forged id falls back to the server's name.
        let g = settings("smtp.gmail.com", "ann@gmail.com");
        for forged in [
            "no-such-provider",
            "",
            "GMAIL",
            "outlook-com",
            "zoho",
            "../gmail",
        ] {
            assert_eq!(
                known_provider(&g, Some(forged)).unwrap().id,
                "gmail",
                "{forged}"
            );
        }
        let z = known_provider(&settings("mail.example.net", "a@example.net"), Some("zoho"));
        assert!(z.is_none(), "{z:?}");
    }

    #[test]
    fn outlook_com_notice_comes_for_its_addresses_its_server_and_its_id() {
        let outlook = |host: &str, from: &str, id: Option<&str>| {
            notes_before_password(host, from, id).is_some_and(|n| {
                n.provider_id == "outlook-com"
                    && n.notes.iter().any(|x| {
                        x.kind == NoteKind::OauthOnly
                            && x.text.contains("since 16 September 2024")
                            && x.text.starts_with("As of ")
                            && x.as_of.is_some()
                    })
            })
        };
        // An opened profile or a typed address: the address decides, whatever the server.
        assert!(outlook("smtp-mail.outlook.com", "ann@hotmail.com", None));
        assert!(outlook("smtp.office365.com", "ann@outlook.com", None));
        assert!(outlook("", "ann@live.fr", None));
        assert!(outlook("smtp.example.net", " Ann@Hotmail.de ", None));
        // A typed server that is Outlook.com's, with any address.
        assert!(outlook("SMTP-MAIL.OUTLOOK.COM.", "ann@firma.example", None));
        assert!(outlook("smtp-mail.outlook.com", "", None));
        // A profile made from a discovery that found Outlook.com through the MX.
        assert!(outlook(
            "smtp-mail.outlook.com",
            "ann@firma.example",
            Some("outlook-com")
        ));
        // Microsoft 365's own server says Microsoft 365's notes, not Outlook.com's.
        let m = notes_before_password("smtp.office365.com", "ann@firma.example", None).unwrap();
        assert_eq!(m.provider_id, "microsoft-365");
        assert!(m
            .notes
            .iter()
            .all(|n| !n.text.contains("16 September 2024")));
        assert!(!outlook(
            "smtp.office365.com",
            "ann@firma.example",
            Some("outlook-com")
        ));
        // Other providers say theirs; an unknown server says nothing.
        let g = notes_before_password("smtp.gmail.com", "ann@gmail.com", None).unwrap();
        assert!(g.notes.iter().any(|n| n.kind == NoteKind::AppPassword));
        assert!(notes_before_password("mail.example.net", "ann@example.net", None).is_none());
        assert!(notes_before_password("", "", None).is_none());
        assert!(notes_before_password("mail.example.net", "not an address", Some("x")).is_none());
        let huge = "a".repeat(10 << 20);
        assert!(notes_before_password(&huge, "ann@hotmail.com", None).is_none());
    }

    #[test]
    fn only_catalogue_https_links_may_be_opened() {
        assert!(is_catalogue_link(
            "https://myaccount.google.com/apppasswords"
        ));
        assert!(!is_catalogue_link(
            "http://myaccount.google.com/apppasswords"
        ));
        assert!(!is_catalogue_link(
            "https://myaccount.google.com/apppasswords/../x"
        ));
        assert!(!is_catalogue_link("https://evil.example/"));
        assert!(!is_catalogue_link("file:///etc/passwd"));
        assert!(!is_catalogue_link(""));
    }
}
