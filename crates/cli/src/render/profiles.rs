//! The saved profiles, the exports and the sending services, laid out for a terminal.

use super::*;

/// A profile as one line of `profiles list`.
pub fn profile_line(p: &Profile, password_missing: bool) -> String {
    let s = &p.settings;
    format!(
        "{}  {}:{} {}{}{}  [{}]",
        p.name,
        s.host,
        s.port,
        s.security.label(),
        s.username
            .as_deref()
            .map(|u| format!(", user {u}"))
            .unwrap_or_default(),
        if password_missing {
            ", password not saved any more"
        } else if p.password_saved {
            ", password in keyring"
        } else {
            ""
        },
        p.id
    )
}

/// `profiles list`.
pub fn profile_list(profiles: &[Profile], password_missing: &[String]) {
    if profiles.is_empty() {
        outln!("No saved profiles yet. Save one with: portolan profiles save NAME --host …");
    }
    for p in profiles {
        outln!("{}", profile_line(p, password_missing.contains(&p.id)));
    }
}

/// `profiles show`: the settings card, the id and whether a password is saved.
pub fn profile_card(p: &Profile, card: &Exported, password_missing: bool) {
    out!("{}", card.text);
    outln!("Id: {}", p.id);
    outln!(
        "Password: {}",
        if password_missing {
            "not saved any more (its entry is gone from the keyring; save the profile with its \
             password again)"
        } else if p.password_saved {
            "saved in the keyring"
        } else {
            "none saved"
        }
    );
}

/// The sending service a profile was made for, after its card: its name, what goes in the
/// user-name field and where the key is made, in the core's words.
pub fn profile_service(s: &SendingService) {
    outln!("Sending service: {}", s.name);
    outln!("{}", wrap(&s.username_words, WIDTH, ""));
    if let Some(link) = &s.key_link {
        outln!("{}: {link}", s.key_link_label);
    }
}

/// `profiles save`.
pub fn saved(p: &Profile, updated: bool, new_password: bool) {
    outln!(
        "✓ {} \"{}\" ({}){}.",
        if updated { "Updated" } else { "Saved" },
        p.name,
        p.id,
        if new_password {
            ", password in the keyring"
        } else if p.password_saved {
            ", the saved password kept"
        } else {
            ""
        }
    );
}

/// `profiles rename`.
pub fn renamed(old_name: &str, p: &Profile) {
    outln!("✓ Renamed \"{old_name}\" to \"{}\".", p.name);
}

/// `profiles duplicate`.
pub fn duplicated(source_name: &str, copy: &Profile) {
    outln!(
        "✓ Saved a copy of \"{source_name}\" as \"{}\" ({}).",
        copy.name,
        copy.id
    );
}

/// `profiles delete`.
pub fn deleted(done: &DeleteOutcome) {
    outln!(
        "✓ Deleted \"{}\"{}.",
        done.profile.name,
        if done.password_removed {
            " and its password in the keyring"
        } else {
            ""
        }
    );
}

/// `export --list`.
pub fn format_list(formats: &[FormatInfo]) {
    for f in formats {
        outln!("{:<17} {} — {}", f.id.as_str(), f.label, f.description);
    }
}

/// `export`: the text itself (its warnings go to stderr first).
pub fn exported(out: Out, e: &Exported) {
    for w in &e.warnings {
        out.note(w);
    }
    out!("{}", e.text);
    if !e.text.ends_with('\n') {
        outln!();
    }
}

/// `import`.
pub fn imported(p: &Profile) {
    outln!(
        "✓ Imported \"{}\" ({}){}.",
        p.name,
        p.id,
        if p.password_saved {
            ", password in the keyring"
        } else {
            ""
        }
    );
}

// ---- sending services ----

/// The sending services, one a line: the id to pass to `portolan services <id>`, the name.
pub fn service_list(list: &[SendingService]) {
    let width = list.iter().map(|s| s.id.len()).max().unwrap_or(0);
    for s in list {
        outln!("{:width$}  {}", s.id, s.name);
    }
}

/// One sending service: its servers, the user name, where the key is made, the notes.
pub fn service_card(s: &SendingService) {
    outln!("{}", s.name);
    for (i, server) in s.servers.iter().enumerate() {
        outln!(
            "  {}. {} port {} — {}",
            i + 1,
            server.host,
            server.port,
            server.security.label()
        );
    }
    if let Some(u) = &s.username {
        outln!("User name: {u}");
    }
    outln!("{}", wrap(&s.username_words, WIDTH, ""));
    if let Some(link) = &s.key_link {
        outln!("{}: {link}", s.key_link_label);
    }
    for n in &s.notes {
        outln!("{}", wrap(&format!("• {}", n.text), WIDTH, ""));
    }
}
