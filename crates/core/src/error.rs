//! The error shape every face shows: a stable `code` to switch on, a plain `message` for the
//! user, and a `hint` saying what to try next. Never built from `Debug` output.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The stable error codes. The UI, the CLI's exit codes and scripts reading `--json` switch on
/// them; on the wire each is its snake_case name. A code is never renamed, only added.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// No keychain service answers.
    KeychainUnavailable,
    /// The keychain is locked and was not unlocked.
    KeychainLocked,
    /// The keychain's prompt was dismissed.
    KeychainPromptDismissed,
    /// The keychain refused access.
    KeychainAccessDenied,
    /// No password is saved for the profile.
    KeychainEntryNotFound,
    /// The keychain refused the value (empty, too long, not text).
    KeychainInvalidValue,
    /// Anything else the keychain reported.
    KeychainFailed,
    /// The platform has no settings folder.
    ProfilesNoConfigDir,
    /// The profiles file could not be read or written.
    ProfilesIo,
    /// No profile with that name or id.
    ProfileNotFound,
    /// Several profiles match a name.
    ProfileAmbiguous,
    /// The profile name is empty, too long or has control characters.
    ProfileInvalidName,
    /// Another profile has this name.
    ProfileDuplicateName,
    /// A profile with this id exists already.
    ProfileIdTaken,
    /// The profiles file is full.
    ProfilesTooMany,
    /// A settings field does not validate.
    InvalidSettings,
    /// An email address is not usable.
    InvalidAddress,
    /// A command-line option has an unusable value.
    InvalidOption,
    /// The timeout given is not usable.
    InvalidTimeout,
    /// The test email has no sender address.
    MissingFrom,
    /// The password could not be read (standard input or the prompt).
    PasswordUnreadable,
    /// An export with the password was asked for, and there is none.
    ExportNoPassword,
    /// A value cannot be written in the chosen export format.
    ExportNotRepresentable,
    /// The file to import is not a usable Portolan profile.
    ImportInvalid,
    /// The file to import could not be read.
    ImportUnreadable,
    /// The system's trusted certificate authorities could not be read.
    TrustStoreUnavailable,
    /// An extra CA file holds no usable certificate.
    CaFileInvalid,
    /// The built-in provider list is damaged.
    CatalogueDamaged,
    /// The clipboard refused the text.
    ClipboardFailed,
    /// Portolan itself failed.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in JSON, e.g. `keychain_locked`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the user sees it, serialised as `{ code, message, hint }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    /// Stable; the UI and scripts switch on it.
    pub code: ErrorCode,
    /// What happened, in plain words.
    pub message: String,
    /// What to do next.
    pub hint: String,
}

impl UserError {
    /// A new error from its three parts.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn every_code_is_its_snake_case_name_on_the_wire() {
        for code in ErrorCode::VARIANTS {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *code);
        }
        // The strings scripts and the UI already switch on: pinned, so none is renamed.
        let wire: Vec<&str> = ErrorCode::VARIANTS.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            wire,
            [
                "keychain_unavailable",
                "keychain_locked",
                "keychain_prompt_dismissed",
                "keychain_access_denied",
                "keychain_entry_not_found",
                "keychain_invalid_value",
                "keychain_failed",
                "profiles_no_config_dir",
                "profiles_io",
                "profile_not_found",
                "profile_ambiguous",
                "profile_invalid_name",
                "profile_duplicate_name",
                "profile_id_taken",
                "profiles_too_many",
                "invalid_settings",
                "invalid_address",
                "invalid_option",
                "invalid_timeout",
                "missing_from",
                "password_unreadable",
                "export_no_password",
                "export_not_representable",
                "import_invalid",
                "import_unreadable",
                "trust_store_unavailable",
                "ca_file_invalid",
                "catalogue_damaged",
                "clipboard_failed",
                "internal",
            ]
        );
    }
}
