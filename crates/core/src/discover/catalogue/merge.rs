//! Merging Thunderbird's ISPDB data with Portolan's own layer; any inconsistency is an error
//! naming the entry.

use std::collections::HashMap;

use super::*;

/// Merges the ISPDB data and the own layer; any inconsistency is an error naming the entry.
pub fn build(ispdb_json: &str, own_toml: &str) -> Result<Catalogue, String> {
    let data = ispdb::parse(ispdb_json).map_err(|e| format!("ispdb.json: {e}"))?;
    let own = own::parse(own_toml).map_err(|e| format!("providers.toml: {e}"))?;
    let ispdb_fact = |file: &str| FactSource {
        url: data.source.file_url(&format!("{file}.xml")),
        read: data.source.date.clone(),
        verified: true,
        origin: FactOrigin::Ispdb,
    };
    let mut used: HashMap<&str, &str> = HashMap::new();
    let mut ids = std::collections::HashSet::new();
    let mut providers = Vec::new();
    for def in &own {
        let entry = def.id.as_str();
        let isp = match def.ispdb.as_deref() {
            Some(file) => {
                if let Some(other) = used.insert(file, entry) {
                    return Err(format!(
                        "{entry}: the ISPDB file {file} is completed by {other} already"
                    ));
                }
                Some(
                    data.providers
                        .iter()
                        .find(|p| p.file == file)
                        .ok_or_else(|| format!("{entry}: no ISPDB file {file}"))?,
                )
            }
            None => None,
        };
        let source = |key: &str, verified: bool| -> Result<FactSource, String> {
            if key == "ispdb" {
                let file = def
                    .ispdb
                    .as_deref()
                    .ok_or_else(|| format!("{entry}: source \"ispdb\" without an ISPDB file"))?;
                return Ok(FactSource {
                    verified,
                    ..ispdb_fact(file)
                });
            }
            let s = def
                .sources
                .get(key)
                .ok_or_else(|| format!("{entry}: unknown source \"{key}\""))?;
            Ok(FactSource {
                url: s.url.clone(),
                read: s.read.clone(),
                verified,
                origin: FactOrigin::Portolan,
            })
        };
        if !ids.insert(entry) {
            return Err(format!("{entry}: the id is used twice"));
        }
        let mut p = match isp {
            Some(isp) => from_ispdb(isp, ispdb_fact(&isp.file)),
            None => {
                if def.servers.is_none() || def.username.is_none() || def.help.is_none() {
                    return Err(format!(
                        "{entry}: an entry without an ISPDB file needs servers, a user name and a help link"
                    ));
                }
                Provider {
                    id: String::new(),
                    name: String::new(),
                    brand: String::new(),
                    region: None,
                    kind: def.kind,
                    domains: Vec::new(),
                    mx: Vec::new(),
                    help: None,
                    help_source: None,
                    source: source(&def.source, def.verified)?,
                    ispdb: None,
                    username: UsernameRule::Address,
                    username_value: None,
                    username_hint: None,
                    username_link: None,
                    username_source: source(&def.source, def.verified)?,
                    servers: Vec::new(),
                    notes: Vec::new(),
                    oauth2: false,
                    servers_replaced: None,
                    mx_implicit: Vec::new(),
                }
            }
        };
        p.id = def.id.clone();
        p.kind = def.kind;
        if let Some(name) = &def.name {
            p.name = name.clone();
        }
        if p.name.is_empty() {
            return Err(format!("{entry}: no name"));
        }
        p.brand = p.name.clone();
        if let Some(region) = &def.region {
            let region = region.trim();
            if region.is_empty() || region.contains(['(', ')']) {
                return Err(format!("{entry}: a region must be plain words: {region:?}"));
            }
            p.name = format!("{} ({region})", p.brand);
            p.region = Some(region.to_owned());
        }
        p.source = source(&def.source, def.verified)?;
        for d in &def.domains {
            if !p.domains.contains(d) {
                p.domains.push(d.clone());
            }
        }
        p.mx = def.mx.clone();
        if let Some(h) = &def.help {
            // The help link is its own source.
            p.help = Some(h.url.clone());
            p.help_source = Some(FactSource {
                url: h.url.clone(),
                read: h.read.clone(),
                verified: h.verified,
                origin: FactOrigin::Portolan,
            });
        }
        if let Some(s) = &def.servers {
            let list = s
                .list
                .iter()
                .map(|d| {
                    Ok(ServerEntry {
                        host: d.host.clone(),
                        port: d.port,
                        security: d.security,
                        source: source(&d.source, d.verified)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            match s.mode {
                own::ServersMode::Replace => {
                    if isp.is_some() {
                        p.servers_replaced = Some(s.why.clone().unwrap_or_default());
                    }
                    p.servers = list;
                }
                own::ServersMode::Add => {
                    if isp.is_none() {
                        return Err(format!(
                            "{entry}: servers \"add\" to nothing (no ISPDB file)"
                        ));
                    }
                    p.servers.extend(list);
                }
            }
        }
        if let Some(u) = &def.username {
            p.username = match u.rule {
                own::RuleDef::Address => UsernameRule::Address,
                own::RuleDef::LocalPart => UsernameRule::LocalPart,
                own::RuleDef::Literal => UsernameRule::Literal,
                own::RuleDef::FromService => UsernameRule::FromService,
            };
            p.username_value = u.value.clone();
            p.username_hint = u.hint.clone();
            p.username_link = u.link.clone();
            p.username_source = source(&u.source, u.verified)?;
        }
        if !def.notes.is_empty() {
            // The own layer's notes replace the ISPDB's of the same kind or with the same link.
            p.notes.retain(|n| {
                def.notes
                    .iter()
                    .all(|o| o.kind != n.kind && (o.link.is_none() || o.link != n.link))
            });
            for n in &def.notes {
                p.notes.push(Note {
                    kind: n.kind,
                    text: n.text.clone(),
                    link: n.link.clone(),
                    as_of: n.as_of.clone(),
                    deadline: n.deadline.clone(),
                    source: source(&n.source, n.verified)?,
                });
            }
        }
        if p.servers.is_empty() {
            return Err(format!("{entry}: no server"));
        }
        providers.push(p);
    }
    for isp in &data.providers {
        if !used.contains_key(isp.file.as_str()) {
            let mut p = from_ispdb(isp, ispdb_fact(&isp.file));
            p.id = isp.file.clone();
            providers.push(p);
        }
    }

    // Domains: the ISPDB's first, then the own layer's (which win).
    let mut by_domain: HashMap<String, usize> = HashMap::new();
    let mut overridden = Vec::new();
    for (i, p) in providers.iter().enumerate() {
        for d in &p.mx_implicit {
            by_domain.entry(d.clone()).or_insert(i);
        }
    }
    for (i, p) in providers.iter().enumerate() {
        let own_domains = own
            .iter()
            .find(|d| d.id == p.id)
            .map(|d| d.domains.as_slice())
            .unwrap_or_default();
        for d in own_domains {
            if let Some(prev) = by_domain.insert(d.clone(), i) {
                if prev != i {
                    if !providers[prev].mx_implicit.contains(d) {
                        return Err(format!(
                            "{}: domain {d} is {}'s already",
                            p.id, providers[prev].id
                        ));
                    }
                    overridden.push((d.clone(), providers[prev].id.clone(), p.id.clone()));
                }
            }
        }
    }
    Ok(Catalogue {
        providers,
        by_domain,
        overridden_domains: overridden,
    })
}

/// A provider as the ISPDB describes it.
pub(super) fn from_ispdb(isp: &ispdb::IspdbProvider, fact: FactSource) -> Provider {
    let first = isp.servers.first();
    let (username, username_value) = match first.and_then(|s| s.username.as_deref()) {
        None | Some("%EMAILADDRESS%") => (UsernameRule::Address, None),
        Some("%EMAILLOCALPART%") => (UsernameRule::LocalPart, None),
        Some(pattern) if pattern.contains('%') => (UsernameRule::Pattern, Some(pattern.to_owned())),
        Some(word) => (UsernameRule::Literal, Some(word.to_owned())),
    };
    let mut notes = Vec::new();
    let oauth_only = !isp.servers.is_empty()
        && isp
            .servers
            .iter()
            .all(|s| !s.auth.is_empty() && s.auth.iter().all(|a| a == "OAuth2"));
    if oauth_only {
        notes.push(Note {
            kind: NoteKind::OauthOnly,
            text: format!(
                "{} only accepts sign-in through its own web page (OAuth); an app that asks for a password cannot send through it.",
                isp.name
            ),
            link: None,
            as_of: None,
            deadline: None,
            source: fact.clone(),
        });
    }
    if let Some(url) = &isp.enable_url {
        notes.push(Note {
            kind: NoteKind::EnableInSettings,
            text: format!(
                "{} lets other programs send only after access for mail programs is switched on once in your account's settings.",
                isp.name
            ),
            link: Some(url.clone()),
            as_of: None,
            deadline: None,
            source: fact.clone(),
        });
    }
    Provider {
        id: isp.file.clone(),
        name: isp.name.clone(),
        brand: isp.name.clone(),
        region: None,
        kind: ProviderKind::Mailbox,
        domains: isp.domains.clone(),
        mx: Vec::new(),
        help: isp.help.first().cloned(),
        help_source: isp.help.first().map(|_| fact.clone()),
        source: fact.clone(),
        ispdb: Some(isp.file.clone()),
        username,
        username_value,
        username_hint: None,
        username_link: None,
        username_source: fact.clone(),
        servers: isp
            .servers
            .iter()
            .map(|s| ServerEntry {
                host: s.host.clone(),
                port: s.port,
                security: s.security,
                source: fact.clone(),
            })
            .collect(),
        notes,
        oauth2: isp.oauth2,
        servers_replaced: None,
        mx_implicit: isp.domains.clone(),
    }
}

/// A host name the catalogue may name: LDH labels, or an IP literal (for a bridge).
pub(super) fn catalogue_host(h: &str) -> bool {
    if h.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    h.len() <= 253
        && h.contains('.')
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}
