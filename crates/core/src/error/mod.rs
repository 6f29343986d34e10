//! The error shape every face shows: a stable `code` to switch on, a plain `message` for the
//! user, and a `hint` saying what to try next. Never built from `Debug` output.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod face;
#[cfg(test)]
mod tests;

pub use face::{FaceError, OptionProblem, PasswordSource};

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
    /// The keychain stopped answering in the middle of a request (closed or restarted).
    KeychainInterrupted,
    /// A profile saved with a password whose keychain entry is gone (removed by another
    /// program): "password not saved any more".
    KeychainPasswordMissing,
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
    /// A page the built-in catalogue does not name was asked to be opened; nothing opened.
    LinkRefused,
    /// The system browser could not be started.
    BrowserFailed,
    /// Portolan itself failed.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in JSON, e.g. `keychain_locked`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What to do next: the hint an error with this code gets unless its situation has a more
    /// precise one. Never empty (a test walks every code).
    pub fn hint(self) -> &'static str {
        use ErrorCode as C;
        match self {
            C::KeychainUnavailable => {
                if cfg!(any(target_os = "macos", target_os = "windows")) {
                    "Portolan keeps passwords only in the system keychain, never in a file."
                } else {
                    "On a desktop, GNOME Keyring or KWallet usually starts when you log in. \
                     Portolan keeps passwords only in the keyring, never in a file."
                }
            }
            C::KeychainLocked | C::KeychainPromptDismissed | C::KeychainAccessDenied => {
                "Open your keyring or password manager, unlock it, and try again."
            }
            C::KeychainEntryNotFound => "Type the password again and save the profile.",
            C::KeychainInterrupted => {
                "Make sure your keyring is running (logging out and back in starts it), then \
                 try again."
            }
            C::KeychainPasswordMissing => {
                "Type the password to go on, and save the profile again to keep it in the keyring."
            }
            C::KeychainInvalidValue => "Check the password and try again.",
            C::KeychainFailed => {
                "Try again. If it keeps happening, restart your keyring or log out and back in."
            }
            C::ProfilesNoConfigDir => "Set the HOME variable (or log in normally) and try again.",
            C::ProfilesIo => {
                "Check that the disk is not full and that you can write to your settings \
                 folder, then try again."
            }
            C::ProfileNotFound => "List your profiles to see their names and ids.",
            C::ProfileAmbiguous => "Use the profile's id instead; the list shows it.",
            C::ProfileInvalidName | C::ProfileDuplicateName => "Choose another name.",
            C::ProfileIdTaken => "Save it as a new profile instead.",
            C::ProfilesTooMany => "Delete profiles you no longer use, then try again.",
            C::InvalidSettings => "Correct the field and try again.",
            C::InvalidAddress => "Correct the address and try again.",
            C::InvalidOption => "Correct the option and run the command again.",
            C::InvalidTimeout => {
                "Give a number of seconds between 0.1 and 3600, e.g. --timeout 30."
            }
            C::MissingFrom => {
                "Give --from you@example.com (or sign in with --user set to your address)."
            }
            C::PasswordUnreadable => {
                "Pipe the password on the first line, e.g. from your password manager, or set \
                 the PORTOLAN_PASSWORD variable."
            }
            C::ExportNoPassword => {
                "Export without the password, or save the profile with its password first."
            }
            C::ExportNotRepresentable => {
                "Choose another format, or check the value for a typing mistake."
            }
            C::ImportInvalid => {
                "Export the profile again from Portolan and import that file, or correct the \
                 fields named above."
            }
            C::ImportUnreadable => "Check the file's name and that you can open it.",
            C::TrustStoreUnavailable => {
                "Install the system's CA certificates (on Debian/Ubuntu: the ca-certificates \
                 package), then try again."
            }
            C::CaFileInvalid => {
                "Give a PEM file that contains one or more certificates (-----BEGIN \
                 CERTIFICATE-----)."
            }
            C::CatalogueDamaged => {
                "Reinstall Portolan; meanwhile the other ways of finding settings still work."
            }
            C::ClipboardFailed => {
                "Try again. If it keeps failing, close other apps that may be holding the \
                 clipboard."
            }
            C::LinkRefused => "Open your provider's website yourself in your browser.",
            C::BrowserFailed => {
                "Open the page in your browser yourself; its address is shown under the \
                 button."
            }
            C::Internal => "Try again. If it happens again, restart Portolan.",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field that is wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    /// The field's name as in `SmtpSettings` (`host`, `port`, `username`, `from`, …).
    pub field: String,
    /// What is wrong and what to do, naming the field in plain words.
    pub message: String,
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
    /// A new error from its three parts. An empty hint takes the code's own
    /// ([`ErrorCode::hint`]): no error is shown without something to do.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        Self {
            code,
            message: message.into(),
            hint: if hint.trim().is_empty() {
                code.hint().to_owned()
            } else {
                hint
            },
        }
    }

    /// A new error with the code's own hint.
    pub fn with_code_hint(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message, "")
    }
}
