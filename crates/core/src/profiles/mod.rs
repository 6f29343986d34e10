//! Saved profiles: several named `SmtpSettings`, kept in `profiles.json` in the platform config
//! folder (the one Tauri's `app_config_dir` uses), everything but the password, which lives in
//! the keychain under the profile's id.
//!
//! - `store`: the file itself — schema version, migration, atomic writes under a lock, a
//!   damaged file set aside with a notice.
//! - `ops`: what the faces call — save, delete, duplicate — keeping file and keychain in step.

mod file;
mod ops;
mod store;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::export::ImportError;
use crate::secrets::SecretError;
use crate::settings::{FieldError, SmtpSettings};

pub use ops::{
    delete_profile, duplicate_profile, import_profile, list_profiles, profile_password,
    run_blocking, save_profile, DeleteOutcome, SaveRequest,
};
pub use store::{ProfileStore, APP_IDENTIFIER, FILE_NAME, MAX_FILE_LEN, SCHEMA_VERSION};

pub use crate::settings::MAX_NAME_LEN;
/// The most profiles one file holds; far more than anyone needs, a bound against runaway files.
pub const MAX_PROFILES: usize = 1000;

/// One saved way to send mail. The password is not here: it is in the keychain under `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Profile {
    /// Stable identifier (a UUID); also the keychain account name. Never changes on rename.
    pub id: String,
    /// The name the user gave it, unique among the profiles (ignoring case).
    pub name: String,
    /// Server, port, security, user name and sender.
    pub settings: SmtpSettings,
    /// Whether a password was saved in the keychain for this profile.
    #[serde(default)]
    pub password_saved: bool,
    /// The catalogue's id of the provider or sending service these settings were made for
    /// (from the discovery or the service chosen), so a re-check knows the provider and
    /// reopening shows its words again. Absent in files saved before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider_id: Option<String>,
    /// When the profile was created (RFC 3339, UTC).
    pub created: String,
    /// When it last changed (RFC 3339, UTC).
    pub updated: String,
}

/// The stable codes of the notices about the profiles file; on the wire each is its snake_case
/// name. A code is never renamed, only added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeCode {
    /// The file was damaged and set aside; the list starts empty.
    ProfilesFileDamaged,
    /// The file was written by a newer Portolan and set aside.
    ProfilesFileNewer,
    /// The file was updated to the current format; the old one is kept.
    ProfilesMigrated,
}

impl Profile {
    /// One line for a list, e.g. "alice@example.com through smtp.example.com, port 465
    /// (Encrypted from the start), password in the keychain".
    pub fn summary(&self) -> String {
        let s = &self.settings;
        let signin = match (&s.username, self.password_saved) {
            (None, _) => "no sign-in",
            (Some(_), true) => "password in the keychain",
            (Some(_), false) => "password not saved",
        };
        format!(
            "{} through {}, port {} ({}), {signin}",
            s.from,
            s.host,
            s.port,
            s.security.label()
        )
    }
}

/// A saved profile as a list shows it: the profile, and its one-line summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ListedProfile {
    /// The profile.
    #[serde(flatten)]
    #[ts(flatten)]
    pub profile: Profile,
    /// [`Profile::summary`].
    pub summary: String,
    /// Saved with a password whose keychain entry is gone (removed by another program):
    /// "password not saved any more".
    pub password_missing: bool,
}

/// The saved profiles as the app lists them, with the notices to show once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProfileListing {
    /// Every saved profile with its summary, in the order they were created.
    pub profiles: Vec<ListedProfile>,
    /// Notices to show once (e.g. a damaged file was set aside).
    pub notices: Vec<ProfileNotice>,
}

impl From<ProfileList> for ProfileListing {
    fn from(list: ProfileList) -> Self {
        Self {
            profiles: list
                .profiles
                .into_iter()
                .map(|profile| {
                    let password_missing = list.password_missing.contains(&profile.id);
                    let mut summary = profile.summary();
                    if password_missing {
                        summary = summary
                            .replace("password in the keychain", "password not saved any more");
                    }
                    ListedProfile {
                        summary,
                        password_missing,
                        profile,
                    }
                })
                .collect(),
            notices: list.notices,
        }
    }
}

/// Something the user must be told about their saved profiles (a file set aside, migrated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProfileNotice {
    /// Stable; the UI and scripts switch on it.
    pub code: NoticeCode,
    /// What happened, in plain words.
    pub message: String,
    /// Where the old file was kept, if it was moved or copied.
    pub kept_at: Option<String>,
}

/// The saved profiles, and anything the user must be told about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProfileList {
    /// Every saved profile, in the order they were created.
    pub profiles: Vec<Profile>,
    /// Notices to show once (e.g. a damaged file was set aside).
    pub notices: Vec<ProfileNotice>,
    /// The ids of profiles saved with a password whose keychain entry is gone (removed by
    /// another program): "password not saved any more".
    #[serde(default)]
    pub password_missing: Vec<String>,
}

/// Why a profile operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The platform has no config folder (no home folder).
    #[error(
        "Portolan cannot find your settings folder, so it cannot save profiles. Check that \
         your account has a home folder."
    )]
    NoConfigDir,
    /// Reading or writing the profiles file failed.
    #[error("Portolan could not {action} {path}: {reason}.")]
    Io {
        /// What was being done, e.g. "write".
        action: String,
        /// The file or folder.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// No profile with this id or name.
    #[error("There is no saved profile called \"{0}\".")]
    NotFound(String),
    /// Several profiles match a name given on the command line.
    #[error("More than one profile matches \"{0}\".")]
    Ambiguous(String),
    /// The name is empty, too long or has control characters.
    #[error("{0}")]
    InvalidName(String),
    /// Another profile already has this name.
    #[error("A profile named \"{0}\" already exists.")]
    DuplicateName(String),
    /// A profile with this id exists already.
    #[error("A profile with the id \"{0}\" already exists.")]
    IdTaken(String),
    /// The settings do not validate.
    #[error("{}", join_fields(.0))]
    InvalidSettings(Vec<FieldError>),
    /// The file already holds [`MAX_PROFILES`] profiles.
    #[error("Portolan keeps at most {MAX_PROFILES} profiles.")]
    TooMany,
    /// The keychain refused, so the operation on this profile was not done.
    #[error("{}", keychain_message(*.step, .name, .source))]
    Keychain {
        /// What was being done.
        step: KeychainStep,
        /// The profile's name.
        name: String,
        /// What the keychain said.
        source: SecretError,
    },
    /// The profile was saved with a password whose keychain entry is gone (another program
    /// removed it): "password not saved any more".
    #[error(
        "The password of \"{0}\" is not saved any more: its entry is gone from the keyring \
         (another program may have removed it)."
    )]
    PasswordMissing(String),
    /// The file to import is not a usable Portolan profile.
    #[error("{0}")]
    Import(#[from] ImportError),
    /// The work stopped with a panic; its message is never shown (it could quote anything).
    #[error("The profile operation stopped unexpectedly.")]
    Interrupted,
}

/// What a profile operation was doing in the keychain when it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainStep {
    /// Putting the password of a profile being saved.
    Save,
    /// Removing the password of a profile being deleted.
    Delete,
    /// Copying the password of a profile being duplicated.
    Duplicate,
    /// Reading a saved password.
    Read,
}

fn keychain_message(step: KeychainStep, name: &str, e: &SecretError) -> String {
    match step {
        KeychainStep::Save => format!(
            "The profile \"{name}\" was not saved, because its password could not be put in \
             the keyring. {e}"
        ),
        KeychainStep::Delete => format!(
            "The profile \"{name}\" was not deleted, because its password could not be \
             removed from the keyring. {e}"
        ),
        KeychainStep::Duplicate => format!(
            "The profile \"{name}\" was not duplicated, because its password could not be \
             copied in the keyring. {e}"
        ),
        KeychainStep::Read => {
            format!("Portolan could not read the saved password of \"{name}\". {e}")
        }
    }
}

fn join_fields(errs: &[FieldError]) -> String {
    errs.iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl ProfileError {
    /// The stable code the UI and scripts switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ProfileError::NoConfigDir => ErrorCode::ProfilesNoConfigDir,
            ProfileError::Io { .. } => ErrorCode::ProfilesIo,
            ProfileError::NotFound(_) => ErrorCode::ProfileNotFound,
            ProfileError::Ambiguous(_) => ErrorCode::ProfileAmbiguous,
            ProfileError::InvalidName(_) => ErrorCode::ProfileInvalidName,
            ProfileError::DuplicateName(_) => ErrorCode::ProfileDuplicateName,
            ProfileError::IdTaken(_) => ErrorCode::ProfileIdTaken,
            ProfileError::InvalidSettings(_) => ErrorCode::InvalidSettings,
            ProfileError::TooMany => ErrorCode::ProfilesTooMany,
            ProfileError::Keychain { source, .. } => source.code(),
            ProfileError::PasswordMissing(_) => ErrorCode::KeychainPasswordMissing,
            ProfileError::Import(e) => e.code(),
            ProfileError::Interrupted => ErrorCode::Internal,
        }
    }

    /// What to try next.
    pub fn hint(&self) -> &'static str {
        match self {
            ProfileError::Interrupted => {
                "Try again. If it happens again, copy a report for support."
            }
            other => other.code().hint(),
        }
    }
}

impl From<ProfileError> for UserError {
    fn from(e: ProfileError) -> Self {
        UserError::new(e.code(), e.to_string(), e.hint())
    }
}

/// Checks a profile name; returns it trimmed.
pub fn validate_name(name: &str) -> Result<String, ProfileError> {
    crate::settings::validate_profile_name(name).map_err(ProfileError::InvalidName)
}

/// Now, as RFC 3339 in UTC with whole seconds.
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

/// A new profile id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Security;

    #[test]
    fn a_listed_profile_says_where_it_sends_in_the_engine_words() {
        let profile = Profile {
            id: "p-1".into(),
            name: "Shop".into(),
            settings: SmtpSettings {
                host: "smtp.example.com".into(),
                port: 587,
                security: Security::Starttls,
                username: Some("a@example.com".into()),
                from: "a@example.com".into(),
                allow_plaintext_auth: false,
                cert_exception: None,
                ehlo_name: None,
            },
            password_saved: true,
            provider_id: None,
            created: "2026-01-01T00:00:00Z".into(),
            updated: "2026-01-01T00:00:00Z".into(),
        };
        let listing = ProfileListing::from(ProfileList {
            profiles: vec![profile.clone()],
            notices: vec![],
            password_missing: vec![],
        });
        assert_eq!(
            listing.profiles[0].summary,
            "a@example.com through smtp.example.com, port 587 (Upgrade with STARTTLS), \
             password in the keychain"
        );
        assert!(!listing.profiles[0].password_missing);
        // Its keychain entry removed by another program.
        let listing = ProfileListing::from(ProfileList {
            profiles: vec![profile.clone()],
            notices: vec![],
            password_missing: vec!["p-1".into()],
        });
        assert!(listing.profiles[0].password_missing);
        assert!(listing.profiles[0]
            .summary
            .ends_with("password not saved any more"));
        let json = serde_json::to_value(&listing.profiles[0]).unwrap();
        assert_eq!(json["id"], "p-1", "the profile's fields stay at the top");
    }
}
