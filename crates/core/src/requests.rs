//! What each desktop command takes: one argument struct per command, exported to TypeScript
//! with the bindings, so the window's call and the command cannot disagree on a field without
//! a compile error (and an unknown field is refused at run time too).
//!
//! Passwords arrive as [`Password`]: redacted in `Debug`, wiped on drop, never serialised. An
//! empty password means "none typed". Settings arrive as [`WindowSettings`] (typed as
//! `SmtpSettings`), read field by field by the command, so a bad value gets Portolan's own
//! sentence rather than a deserialisation error.

use serde::Deserialize;
use ts_rs::TS;

use crate::check::Report;
use crate::error::FaceError;
use crate::export::{FormatId, HostCheckStamp};
use crate::sensitive::Password;
use crate::settings::{SmtpSettings, WindowSettings};

/// `discover`: propose settings for an address.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DiscoverArgs {
    /// The address the user will send from.
    pub address: String,
}

/// `check_address`: is this an email address Portolan can work with?
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AddressArgs {
    /// The address as typed.
    pub address: String,
}

/// `check`: check settings step by step.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CheckArgs {
    /// The settings to check.
    #[ts(as = "SmtpSettings")]
    pub settings: WindowSettings,
    /// The password typed in the window; null (or empty) to use the saved profile's, if any.
    #[ts(as = "Option<String>")]
    pub password: Option<Password>,
    /// The saved profile these settings belong to, whose keychain entry may be used.
    pub profile_id: Option<String>,
    /// The catalogue's id of the provider these settings came from: the discovery
    /// candidate's `provider_id` (found by the address or by the domain's MX alone), the
    /// chosen sending service's `id`, or the saved profile's `provider_id`. The check believes
    /// it only when the catalogue knows it and it lists this server; else the server's name
    /// decides.
    pub provider_id: Option<String>,
    /// The id `cancel` stops this operation with.
    pub request_id: String,
}

/// `send_test`: send the test email after the same checks.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SendTestArgs {
    /// The settings to send with.
    #[ts(as = "SmtpSettings")]
    pub settings: WindowSettings,
    /// As for `check`.
    #[ts(as = "Option<String>")]
    pub password: Option<Password>,
    /// As for `check`.
    pub profile_id: Option<String>,
    /// As for `check`.
    pub provider_id: Option<String>,
    /// The recipient; null (or empty) sends to the sender itself.
    pub to: Option<String>,
    /// The id `cancel` stops this operation with.
    pub request_id: String,
}

/// `delivery_help`: what to look at when the test email did not arrive.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DeliveryHelpArgs {
    /// The From address of the test email.
    pub from: String,
    /// Where it was sent.
    pub to: String,
    /// The server it was sent through.
    pub host: String,
}

/// `provider_notes`: what the provider behind a server and address asks before the password
/// is typed (for an opened profile, or a server or address typed by hand).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProviderNotesArgs {
    /// The server's name as it stands in the form (possibly empty or half typed).
    pub host: String,
    /// The sender's address as it stands in the form.
    pub from: String,
    /// The provider the settings came from, as for `check`.
    pub provider_id: Option<String>,
}

/// `probe`: try the usual ports on a server, without any password.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProbeArgs {
    /// The server's name.
    pub host: String,
    /// The id `cancel` stops this operation with.
    pub request_id: String,
}

/// `open_page`: open a provider's page in the system browser (only the catalogue's https
/// pages are opened).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OpenPageArgs {
    /// The page, as a fix's `link` gave it.
    pub url: String,
}

/// `copy_text`: put a fix's prepared text (e.g. a request for the IT admin) on the clipboard.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CopyTextArgs {
    /// The text, as a fix's `copy_text` gave it.
    pub text: String,
}

/// The longest text `copy_text` puts on the clipboard. A fix's prepared text is a few hundred
/// bytes; anything near this is not one.
pub const MAX_COPY_TEXT_BYTES: usize = 64 * 1024;

impl CopyTextArgs {
    /// The text to copy, or the core's sentence when it is longer than [`MAX_COPY_TEXT_BYTES`]
    /// (then nothing is copied).
    pub fn checked_text(&self) -> Result<&str, FaceError> {
        if self.text.len() > MAX_COPY_TEXT_BYTES {
            return Err(FaceError::CopyTooLong {
                kib: self.text.len().div_ceil(1024),
                limit_kib: MAX_COPY_TEXT_BYTES / 1024,
            });
        }
        Ok(&self.text)
    }
}

/// `cancel`: stop an operation in flight.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CancelArgs {
    /// The id the operation was started with.
    pub request_id: String,
}

/// `profile_save`: save a new profile (`id` null) or update one.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProfileSaveArgs {
    /// The profile to update, or null for a new one.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its settings.
    #[ts(as = "SmtpSettings")]
    pub settings: WindowSettings,
    /// A password for the keychain; null leaves the keychain as it is.
    #[ts(as = "Option<String>")]
    pub password: Option<Password>,
    /// The catalogue's id of the provider or sending service these settings are for (as for
    /// `check`), kept with the profile; null when none is known.
    pub provider_id: Option<String>,
}

/// `profile_rename`: give a profile a new name.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProfileRenameArgs {
    /// The profile.
    pub id: String,
    /// Its new name.
    pub name: String,
}

/// `profile_duplicate`: copy a profile and its saved password.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProfileDuplicateArgs {
    /// The profile to copy.
    pub id: String,
    /// The copy's name; null gives "Name (copy)".
    pub name: Option<String>,
}

/// `profile_delete`: delete a profile and its keychain entry.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProfileDeleteArgs {
    /// The profile.
    pub id: String,
}

/// `import_profile`: import a Portolan profile file's text as a new saved profile.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportArgs {
    /// The file's text, as pasted.
    pub text: String,
}

/// `export_preview`: the text of one export, always without the password.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ExportPreviewArgs {
    /// The format.
    pub format: FormatId,
    /// The profile's name, for headings and comments.
    pub name: Option<String>,
    /// The saved profile's id, when there is one.
    pub profile_id: Option<String>,
    /// The settings to export.
    #[ts(as = "SmtpSettings")]
    pub settings: WindowSettings,
    /// The host check page shown before (`check_php`): the same page again; none for a new one.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub stamp: Option<HostCheckStamp>,
    /// The provider or sending service the settings were made for (Portolan's JSON keeps it).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub provider_id: Option<String>,
}

/// `export_copy`: write one export to the clipboard.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ExportCopyArgs {
    /// The format.
    pub format: FormatId,
    /// The profile's name, for headings and comments.
    pub name: Option<String>,
    /// The saved profile's id, whose keychain entry may be used.
    pub profile_id: Option<String>,
    /// The settings to export.
    #[ts(as = "SmtpSettings")]
    pub settings: WindowSettings,
    /// Write the password into this one copy.
    pub include_password: bool,
    /// The password typed in the window; null to use the saved profile's.
    #[ts(as = "Option<String>")]
    pub password: Option<Password>,
    /// The host check page the preview showed (`check_php`): that page is copied.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub stamp: Option<HostCheckStamp>,
    /// The provider or sending service the settings were made for (Portolan's JSON keeps it).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub provider_id: Option<String>,
}

/// `copy_report` (the support report to the clipboard) and `report_details` (its lines for
/// the details panel): one check's report.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReportArgs {
    /// The check's report.
    pub report: Report,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_is_refused() {
        let err = serde_json::from_str::<CancelArgs>(r#"{"requestId":"check-1"}"#).unwrap_err();
        assert!(err.to_string().contains("requestId"), "{err}");
        let ok: CancelArgs = serde_json::from_str(r#"{"request_id":"check-1"}"#).unwrap();
        assert_eq!(ok.request_id, "check-1");
    }

    #[test]
    fn a_password_arrives_redacted() {
        let args: ProfileSaveArgs = serde_json::from_value(serde_json::json!({
            "id": null,
            "name": "Shop",
            "settings": {
                "host": "smtp.example.com", "port": 465, "security": "tls",
                "username": "a@example.com", "from": "a@example.com",
            },
            "password": "canary-Pw",
            "provider_id": null,
        }))
        .unwrap();
        assert!(!format!("{args:?}").contains("canary"));
        assert_eq!(args.password.unwrap().expose(), "canary-Pw");
    }

    #[test]
    fn copy_text_takes_a_fixs_text_and_refuses_a_flood() {
        let args = |text: String| CopyTextArgs { text };
        let request = args("Hello, could you allow authenticated SMTP?".into());
        assert_eq!(
            request.checked_text().unwrap(),
            "Hello, could you allow authenticated SMTP?"
        );
        let at_limit = args("x".repeat(MAX_COPY_TEXT_BYTES));
        assert_eq!(at_limit.checked_text().unwrap().len(), MAX_COPY_TEXT_BYTES);
        let flood = args("x".repeat(10 * 1024 * 1024));
        let err = crate::error::UserError::from(flood.checked_text().unwrap_err());
        assert_eq!(err.code, crate::error::ErrorCode::ClipboardFailed);
        assert_eq!(
            err.message,
            "This text is too long to copy (10240 KiB; Portolan copies at most 64 KiB), so \
             nothing was copied."
        );
        assert!(err.hint.contains("copy it yourself"), "{}", err.hint);
    }
}
