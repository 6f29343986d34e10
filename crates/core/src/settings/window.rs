//! Settings as the window sends them, read field by field so each wrong value gets a sentence
//! naming its field.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::ports::Security;

use super::*;

/// Settings as the window sent them: any JSON value, read field by field into
/// [`SmtpSettings`] by [`WindowSettings::parse`], so a port of 65536, a number where text
/// belongs or a 10 MB name gets Portolan's own sentence naming the field, never a
/// deserialisation error. Typed as `SmtpSettings` in TypeScript.
#[derive(Debug, Clone, PartialEq, TS)]
#[ts(as = "SmtpSettings")]
pub struct WindowSettings(serde_json::Value);

impl<'de> Deserialize<'de> for WindowSettings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(Self)
    }
}

impl Serialize for WindowSettings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl From<SmtpSettings> for WindowSettings {
    fn from(s: SmtpSettings) -> Self {
        Self(serde_json::to_value(s).unwrap_or_default())
    }
}

impl From<serde_json::Value> for WindowSettings {
    fn from(v: serde_json::Value) -> Self {
        Self(v)
    }
}

impl WindowSettings {
    /// The settings, checked: every field's shape, then [`SmtpSettings::validate`]. All the
    /// problems found are in one `invalid_settings` error, each sentence naming its field.
    pub fn parse(&self) -> Result<SmtpSettings, UserError> {
        use serde_json::Value;
        let invalid = |errs: Vec<FieldError>| {
            UserError::new(
                ErrorCode::InvalidSettings,
                errs.iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                "Correct the field and try again.",
            )
        };
        let Some(obj) = self.0.as_object() else {
            return Err(invalid(vec![FieldError {
                field: "settings".into(),
                message: "The settings did not arrive as a set of fields. Start again from \
                          the address."
                    .into(),
            }]));
        };
        let mut errs = Vec::new();
        let mut wrong = |field: &str, message: String| {
            errs.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let text =
            |field: &str, what: &str, wrong: &mut dyn FnMut(&str, String)| match obj.get(field) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Null) | None => {
                    wrong(
                        field,
                        format!("The {what} is missing. Type it and try again."),
                    );
                    None
                }
                Some(_) => {
                    wrong(field, format!("The {what} must be text. Type it again."));
                    None
                }
            };
        let host = text("host", "server name", &mut wrong);
        let from = text("from", "sender address", &mut wrong);
        let port = match obj.get("port") {
            Some(Value::Number(n)) => match n.as_u64().and_then(|p| u16::try_from(p).ok()) {
                Some(p) => Some(p),
                None => {
                    wrong("port", port_sentence(&n.to_string()));
                    None
                }
            },
            Some(Value::String(s)) => {
                let shown: String = s.chars().take(12).collect();
                wrong("port", port_sentence(&format!("\"{shown}\"")));
                None
            }
            _ => {
                wrong("port", port_sentence("nothing"));
                None
            }
        };
        let security = match obj.get("security").cloned() {
            Some(v) => match serde_json::from_value::<Security>(v) {
                Ok(s) => Some(s),
                Err(_) => {
                    wrong(
                        "security",
                        "The security setting must be one of \"Encrypted from the start\", \
                         \"Upgrade with STARTTLS\" or \"No encryption\". Choose one again."
                            .into(),
                    );
                    None
                }
            },
            None => {
                wrong(
                    "security",
                    "The security setting is missing. Choose how the connection is protected."
                        .into(),
                );
                None
            }
        };
        let username = match obj.get("username") {
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Null) | None => Some(None),
            Some(_) => {
                wrong(
                    "username",
                    "The user name must be text. Type it again.".into(),
                );
                None
            }
        };
        let ehlo_name = match obj.get("ehlo_name") {
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Null) | None => Some(None),
            Some(_) => {
                wrong(
                    "ehlo_name",
                    "The hello name must be text. Type it again.".into(),
                );
                None
            }
        };
        let allow_plaintext_auth = match obj.get("allow_plaintext_auth") {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Null) | None => Some(false),
            Some(_) => {
                wrong(
                    "allow_plaintext_auth",
                    "The choice to sign in without encryption must be yes or no. Choose it \
                     again."
                        .into(),
                );
                None
            }
        };
        let cert_exception = match obj.get("cert_exception") {
            Some(Value::Null) | None => Some(None),
            Some(v) => match serde_json::from_value::<CertException>(v.clone()) {
                Ok(e) if e.port != 0 => Some(Some(e)),
                _ => {
                    wrong(
                        "cert_exception",
                        "The certificate exception is not complete (server, port and \
                         fingerprint). Remove it and trust the certificate again."
                            .into(),
                    );
                    None
                }
            },
        };
        match (
            host,
            port,
            security,
            username,
            from,
            allow_plaintext_auth,
            cert_exception,
            ehlo_name,
        ) {
            (
                Some(host),
                Some(port),
                Some(security),
                Some(username),
                Some(from),
                Some(allow_plaintext_auth),
                Some(cert_exception),
                Some(ehlo_name),
            ) if errs.is_empty() => {
                let s = SmtpSettings {
                    host,
                    port,
                    security,
                    username,
                    from,
                    allow_plaintext_auth,
                    cert_exception,
                    ehlo_name,
                };
                s.validate().map_err(invalid)?;
                Ok(s)
            }
            _ => Err(invalid(errs)),
        }
    }
}

/// The port's sentence, quoting what came instead of a port.
pub(super) fn port_sentence(got: &str) -> String {
    format!(
        "The port must be a whole number from 1 to 65535, not {got}. Use 465 or 587 unless \
         your provider says otherwise."
    )
}
