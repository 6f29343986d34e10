//! The built-in provider catalogue, offline: Thunderbird's ISPDB (`data/ispdb.json`, generated
//! by `scripts/ispdb-import.sh`, MPL-2.0) merged with Portolan's own layer
//! (`data/providers.toml`): policy notes, help links, corrections and the sending services.
//! Every fact carries its source (a documentation address and the date it was read) and whether
//! it was verified; unverified facts are put to the user as what is usually so.
//!
//! Providers are matched by the address's domain, or by the host of the domain's
//! most-preferred MX record (the most specific suffix wins; on a tie, a suffix the own layer
//! names wins over an ISPDB domain).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::error::{ErrorCode, UserError};
use crate::ports::Security;

pub mod ispdb;
mod known;
mod merge;
mod model;
mod own;
mod services;

pub use self::known::{
    checked_link, is_catalogue_link, known, known_provider, notes_before_password, ProviderNotes,
};
pub use self::merge::build;
use self::merge::*;
pub use self::model::*;
pub use self::services::{
    find_sending_service, sending_service, sending_service_views, SendingService,
};

/// Portolan's own layer, reviewed by people; every fact names its source.
pub const CATALOGUE_TOML: &str = include_str!("../../../data/providers.toml");
/// The merged catalogue and its indexes.
#[derive(Debug)]
pub struct Catalogue {
    /// Every provider: the own layer's entries first (in the file's order), then the ISPDB's
    /// that no own entry completes (by file name).
    pub providers: Vec<Provider>,
    by_domain: HashMap<String, usize>,
    /// Address domains the own layer takes from another provider's ISPDB entry.
    pub overridden_domains: Vec<(String, String, String)>,
}
/// The embedded catalogue, merged once. A broken file is caught by the test suite; at run time
/// it degrades to an error the caller can show.
pub fn catalogue() -> Result<&'static Catalogue, UserError> {
    static CACHE: OnceLock<Result<Catalogue, String>> = OnceLock::new();
    match CACHE.get_or_init(|| build(ispdb::ISPDB_JSON, CATALOGUE_TOML)) {
        Ok(c) => Ok(c),
        Err(e) => Err(UserError::new(
            ErrorCode::CatalogueDamaged,
            format!("The built-in provider list could not be read: {e}"),
            "Reinstall Portolan; meanwhile the other ways of finding settings still work.",
        )),
    }
}

/// Every provider of the embedded catalogue.
pub fn providers() -> Result<&'static [Provider], UserError> {
    catalogue().map(|c| c.providers.as_slice())
}

/// The provider whose domain list holds `ascii_domain`.
pub fn by_domain(ascii_domain: &str) -> Option<&'static Provider> {
    let domain = ascii_domain.trim_end_matches('.').to_ascii_lowercase();
    let c = catalogue().ok()?;
    c.by_domain.get(&domain).map(|&i| &c.providers[i])
}

/// The provider whose MX suffixes match `mx_host` most specifically.
pub fn by_mx(mx_host: &str) -> Option<&'static Provider> {
    let host = mx_host.trim_end_matches('.').to_ascii_lowercase();
    let mut best: Option<((usize, bool), &'static Provider)> = None;
    for p in providers().ok()? {
        if let Some(m) = p.mx_match(&host) {
            // On a full tie the earlier entry (the own layer's) stays.
            if best.is_none_or(|(b, _)| m > b) {
                best = Some((m, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// The provider with this id.
pub fn by_id(id: &str) -> Option<&'static Provider> {
    providers().ok()?.iter().find(|p| p.id == id)
}

/// The sending services, in the catalogue's order (for "I send through a service").
pub fn sending_services() -> Vec<&'static Provider> {
    providers()
        .map(|list| {
            list.iter()
                .filter(|p| p.kind == ProviderKind::SendingService)
                .collect()
        })
        .unwrap_or_default()
}
impl Catalogue {
    /// Every fact with its source: each provider's identity, help link, user-name rule,
    /// servers and notes.
    pub fn facts(&self) -> impl Iterator<Item = (&Provider, &FactSource)> {
        self.providers.iter().flat_map(|p| {
            std::iter::once(&p.source)
                .chain(p.help_source.iter())
                .chain(std::iter::once(&p.username_source))
                .chain(p.servers.iter().map(|s| &s.source))
                .chain(p.notes.iter().map(|n| &n.source))
                .map(move |f| (p, f))
        })
    }

    /// What is wrong with the catalogue's content, one line per problem (empty when sound):
    /// sources without an https address or a real date, links that are not https, servers
    /// Portolan should not offer, notes about a date without the date of their statement.
    pub fn audit(&self) -> Vec<String> {
        let mut out = Vec::new();
        let https = |u: &str| {
            u.starts_with("https://")
                && u.len() > "https://".len()
                && !u.contains(char::is_whitespace)
        };
        let sample = super::address::parse("user@example.com").ok();
        for (p, f) in self.facts() {
            if !https(&f.url) {
                out.push(format!(
                    "{}: a source that is not an https address: {}",
                    p.id, f.url
                ));
            }
            if parse_date(&f.read).is_none() {
                out.push(format!(
                    "{}: a source read on no real date: {}",
                    p.id, f.read
                ));
            }
        }
        for p in &self.providers {
            let id = &p.id;
            if p.id.is_empty()
                || !p
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            {
                out.push(format!("{id}: an id of other than a-z, 0-9, '-' and '.'"));
            }
            if p.ispdb.is_none() && p.id.contains('.') {
                out.push(format!(
                    "{id}: an own entry's id has a dot (reserved for ISPDB files)"
                ));
            }
            if p.name.trim().is_empty() {
                out.push(format!("{id}: no name"));
            }
            if p.region.is_some() && p.kind != ProviderKind::SendingService {
                out.push(format!(
                    "{id}: a region on an entry that is not a sending service"
                ));
            }
            for (what, link) in [("help", &p.help), ("user-name", &p.username_link)] {
                if let Some(l) = link {
                    if !https(l) {
                        out.push(format!("{id}: a {what} link that is not https: {l}"));
                    }
                }
            }
            if p.ispdb.is_none() && p.help.is_none() {
                out.push(format!("{id}: no help link"));
            }
            for d in p.domains.iter().chain(&p.mx).chain(&p.mx_implicit) {
                if !catalogue_host(d) || d.parse::<std::net::IpAddr>().is_ok() {
                    out.push(format!("{id}: not a domain: {d}"));
                }
            }
            match p.username {
                UsernameRule::Literal | UsernameRule::Pattern
                    if p.username_value.as_deref().is_none_or(str::is_empty) =>
                {
                    out.push(format!("{id}: the user name's value is missing"));
                }
                UsernameRule::FromService
                    if p.username_hint.as_deref().is_none_or(str::is_empty) =>
                {
                    out.push(format!("{id}: say where the user name is found"));
                }
                _ => {}
            }
            if p.servers.is_empty() {
                out.push(format!("{id}: no server"));
            }
            for s in &p.servers {
                let host = match &sample {
                    Some(a) => super::autoconfig::substitute(&s.host, a),
                    None => s.host.clone(),
                };
                if !catalogue_host(&host) {
                    out.push(format!("{id}: bad host {}", s.host));
                }
                if s.port == 0 {
                    out.push(format!("{id}: port 0"));
                }
                if s.host.parse::<std::net::IpAddr>().is_ok()
                    && p.kind != ProviderKind::Bridge
                    && !p
                        .servers
                        .iter()
                        .any(|o| o.host.parse::<std::net::IpAddr>().is_err())
                {
                    out.push(format!("{id}: only an IP address, and not a bridge"));
                }
                // The ISPDB's servers are as Thunderbird documents them (a few odd ports, some
                // unencrypted); Portolan's own must be conventional and encrypted.
                if s.source.origin == FactOrigin::Portolan {
                    let ok_port = match s.port {
                        465 | 2465 | 8465 => s.security == Security::Tls,
                        587 | 2525 | 2587 | 8025 | 1025 => s.security == Security::Starttls,
                        25 => s.security == Security::Starttls,
                        _ => false,
                    };
                    if !ok_port {
                        out.push(format!(
                            "{id}: unusual port or security {} {:?}",
                            s.port, s.security
                        ));
                    }
                }
            }
            for n in &p.notes {
                if n.text.trim().len() < 20 {
                    out.push(format!("{id}: a note too short to help"));
                }
                if let Some(l) = &n.link {
                    if !https(l) {
                        out.push(format!("{id}: a note link that is not https: {l}"));
                    }
                }
                for d in n.as_of.iter().chain(&n.deadline) {
                    if parse_date(d).is_none() {
                        out.push(format!("{id}: a note date that is not a real date: {d}"));
                    }
                }
                if n.deadline.is_some() && n.as_of.is_none() {
                    out.push(format!(
                        "{id}: a note about a date must say the date of its statement (as_of)"
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
