//! Portolan's own profile JSON: exported for another computer, imported with strict
//! validation (unknown fields refused, every problem named, bounded size).

use serde_json::{json, Map, Value};

use super::{Ctx, Unwritable};
use crate::error::{ErrorCode, UserError};
use crate::secrets::MAX_PASSWORD_LEN;
use crate::sensitive::Sensitive;
use crate::settings::{validate_profile_name, FieldError, SmtpSettings};

/// The value of the `format` field.
pub const FORMAT_TAG: &str = "portolan-profile";
/// The version this Portolan writes and reads.
pub const VERSION: u64 = 1;
/// The largest text `import_json` accepts (a profile is well under 2 KiB).
pub const MAX_IMPORT_LEN: usize = 64 * 1024;

/// The JSON export.
pub(crate) fn export_json(c: &Ctx) -> Result<String, Unwritable> {
    let mut doc = json!({
        "format": FORMAT_TAG,
        "version": VERSION,
        "name": c.name.unwrap_or("Imported profile"),
        "settings": c.s,
    });
    if let Some(obj) = doc.as_object_mut() {
        if let Some(id) = c.provider_id {
            obj.insert("provider".into(), Value::from(id));
        }
        if let Some(p) = c.password {
            obj.insert("password".into(), Value::from(p));
        }
    }
    let mut text = serde_json::to_string_pretty(&doc)
        .map_err(|e| Unwritable::new("settings", format!("could not be written ({e})")))?;
    text.push('\n');
    Ok(text)
}

/// A profile read from Portolan's JSON.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The profile's name.
    pub name: String,
    /// The settings (validated).
    pub settings: SmtpSettings,
    /// The password, when the export included it.
    pub password: Option<Sensitive<String>>,
    /// The provider or sending service the profile was made for (believed on saving only
    /// when the catalogue knows it).
    pub provider_id: Option<String>,
}

const TOP_FIELDS: [&str; 6] = [
    "format", "version", "name", "settings", "password", "provider",
];
const SETTINGS_FIELDS: [&str; 8] = [
    "host",
    "port",
    "security",
    "username",
    "from",
    "allow_plaintext_auth",
    "cert_exception",
    "ehlo_name",
];
const CERT_FIELDS: [&str; 3] = ["host", "port", "sha256"];

/// The shape of a catalogue id (`gmail`, `amazon-ses-eu-west-1`, `inbox.lv`): whether the
/// catalogue knows it is decided when the profile is saved.
fn is_catalogue_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// Reads a profile exported by Portolan (pasted text or a file's contents). Every problem is
/// reported, each naming its field.
pub fn import_json(text: &str) -> Result<Imported, ImportError> {
    if text.len() > MAX_IMPORT_LEN {
        return Err(import_error(vec![problem(
            "",
            format!(
                "The text is {} KB; a Portolan profile is much smaller (at most {} KB). Check \
                 that you chose the right file.",
                text.len() / 1024,
                MAX_IMPORT_LEN / 1024
            ),
        )]));
    }
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        import_error(vec![problem(
            "",
            format!(
                "The text is not a Portolan profile: it is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            ),
        )])
    })?;
    let Some(top) = value.as_object() else {
        return Err(import_error(vec![problem(
            "",
            "The text is not a Portolan profile: it should start with \"{\".",
        )]));
    };
    let mut problems = Vec::new();
    unknown_fields(top, &TOP_FIELDS, "", &mut problems);
    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT_TAG => {}
        Some(_) => problems.push(problem(
            "format",
            format!(
                "The field \"format\" must be \"{FORMAT_TAG}\"; this is not a Portolan profile."
            ),
        )),
        None => problems.push(problem(
            "format",
            "The field \"format\" is missing; this is not a Portolan profile.",
        )),
    }
    match top.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v > VERSION) => {
            problems.push(problem(
                "version",
                format!(
                "The profile was exported by a newer version of Portolan (version {n}); update \
                 Portolan to import it."
            ),
            ))
        }
        Some(_) => problems.push(problem(
            "version",
            format!("The field \"version\" must be {VERSION}."),
        )),
        None => problems.push(problem("version", "The field \"version\" is missing.")),
    }
    let name = match top.get("name") {
        None | Some(Value::Null) => Some("Imported profile".to_owned()),
        Some(Value::String(n)) => match validate_profile_name(n) {
            Ok(n) => Some(n),
            Err(e) => {
                problems.push(problem("name", format!("The field \"name\": {e}")));
                None
            }
        },
        Some(_) => {
            problems.push(problem("name", "The field \"name\" must be text."));
            None
        }
    };
    let password = match top.get("password") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p.is_empty() => None,
        Some(Value::String(p)) if p.len() > MAX_PASSWORD_LEN => {
            problems.push(problem(
                "password",
                format!("The field \"password\" is longer than {MAX_PASSWORD_LEN} characters."),
            ));
            None
        }
        Some(Value::String(p)) => Some(Sensitive::new(p.clone())),
        // Never echo the value: it may be a password.
        Some(_) => {
            problems.push(problem("password", "The field \"password\" must be text."));
            None
        }
    };
    let provider_id = match top.get("provider") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if is_catalogue_id(id) => Some(id.clone()),
        Some(_) => {
            problems.push(problem(
                "provider",
                "The field \"provider\" must be a provider's id from Portolan's list, such as \"gmail\" \
                 or \"sendgrid\"; remove it to import the settings without it.",
            ));
            None
        }
    };
    let settings = match top.get("settings") {
        Some(Value::Object(s)) => check_settings(s, &mut problems),
        Some(_) => {
            problems.push(problem(
                "settings",
                "The field \"settings\" must be an object.",
            ));
            None
        }
        None => {
            problems.push(problem("settings", "The field \"settings\" is missing."));
            None
        }
    };
    match (name, settings) {
        (Some(name), Some(settings)) if problems.is_empty() => Ok(Imported {
            name,
            settings,
            password,
            provider_id,
        }),
        _ => Err(import_error(problems)),
    }
}

fn check_settings(s: &Map<String, Value>, problems: &mut Vec<FieldError>) -> Option<SmtpSettings> {
    let before = problems.len();
    unknown_fields(s, &SETTINGS_FIELDS, "settings.", problems);
    let kind = |k: &str| s.get(k);
    let need_string = |k: &str, problems: &mut Vec<FieldError>| match kind(k) {
        Some(Value::String(_)) => {}
        None => problems.push(problem(
            &format!("settings.{k}"),
            format!("The field \"settings.{k}\" is missing."),
        )),
        Some(_) => problems.push(problem(
            &format!("settings.{k}"),
            format!("The field \"settings.{k}\" must be text."),
        )),
    };
    need_string("host", problems);
    need_string("from", problems);
    match kind("port") {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|p| (1..=65535).contains(&p)) => {}
        None => problems.push(problem(
            "settings.port",
            "The field \"settings.port\" is missing.",
        )),
        Some(_) => problems.push(problem(
            "settings.port",
            "The field \"settings.port\" must be a whole number from 1 to 65535.",
        )),
    }
    match kind("security") {
        Some(Value::String(v)) if ["tls", "starttls", "none"].contains(&v.as_str()) => {}
        None => problems.push(problem(
            "settings.security",
            "The field \"settings.security\" is missing.",
        )),
        Some(_) => problems.push(problem(
            "settings.security",
            "The field \"settings.security\" must be \"tls\", \"starttls\" or \"none\".",
        )),
    }
    match kind("username") {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(_) => problems.push(problem(
            "settings.username",
            "The field \"settings.username\" must be text or null.",
        )),
    }
    match kind("ehlo_name") {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(_) => problems.push(problem(
            "settings.ehlo_name",
            "The field \"settings.ehlo_name\" must be text or null.",
        )),
    }
    match kind("allow_plaintext_auth") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => problems.push(problem(
            "settings.allow_plaintext_auth",
            "The field \"settings.allow_plaintext_auth\" must be true or false.",
        )),
    }
    match kind("cert_exception") {
        None | Some(Value::Null) => {}
        Some(Value::Object(c)) => {
            unknown_fields(c, &CERT_FIELDS, "settings.cert_exception.", problems);
            let ok = matches!(c.get("host"), Some(Value::String(_)))
                && c.get("port")
                    .and_then(Value::as_u64)
                    .is_some_and(|p| (1..=65535).contains(&p))
                && matches!(c.get("sha256"), Some(Value::String(_)));
            if !ok {
                problems.push(problem(
                    "settings.cert_exception",
                    "The field \"settings.cert_exception\" needs \"host\" (text), \"port\" (a \
                     number) and \"sha256\" (text).",
                ));
            }
        }
        Some(_) => problems.push(problem(
            "settings.cert_exception",
            "The field \"settings.cert_exception\" must be an object or null.",
        )),
    }
    if problems.len() > before {
        return None;
    }
    let settings: SmtpSettings = match serde_json::from_value(Value::Object(s.clone())) {
        Ok(v) => v,
        Err(e) => {
            problems.push(problem(
                "settings",
                format!("The field \"settings\" is not valid ({e})."),
            ));
            return None;
        }
    };
    if let Err(errs) = settings.validate() {
        for e in errs {
            problems.push(problem(&format!("settings.{}", e.field), e.message));
        }
        return None;
    }
    Some(settings)
}

fn unknown_fields(
    obj: &Map<String, Value>,
    allowed: &[&str],
    prefix: &str,
    problems: &mut Vec<FieldError>,
) {
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            let shown: String = k.chars().take(40).collect();
            problems.push(problem(
                &format!("{prefix}{shown}"),
                format!(
                    "The field \"{prefix}{shown}\" is not part of a Portolan profile. Remove it, \
                     or check that the file was exported by Portolan."
                ),
            ));
        }
    }
}

fn problem(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

fn import_error(problems: Vec<FieldError>) -> ImportError {
    ImportError { problems }
}

/// Why an import failed: every problem, each naming its field (`settings.port`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The problems, in the order found.
    pub problems: Vec<FieldError>,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("The profile could not be imported.")?;
        for p in &self.problems {
            write!(f, " {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

impl ImportError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::ImportInvalid
    }
}

impl From<ImportError> for UserError {
    fn from(e: ImportError) -> Self {
        UserError::with_code_hint(e.code(), e.to_string())
    }
}
