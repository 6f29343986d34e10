//! The OS keychain: one entry per saved profile (service "Portolan", account = profile id),
//! through keyring-core and the platform's store (Secret Service on Linux and the BSDs, the
//! login Keychain on macOS, Credential Manager on Windows).
//!
//! Every failure becomes a sentence saying what to do; there is never a fallback to a file.
//! Calls block (an unlock prompt may wait for the user): async callers run them on tokio's
//! blocking pool through `profiles::run_blocking`, which reports a panic with a fixed sentence.

use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry};

use crate::error::{ErrorCode, UserError};
use crate::sensitive::Sensitive;

mod platform;
use platform::*;

/// The keychain service name of every Portolan entry.
pub const SERVICE: &str = "Portolan";

/// The longest password Portolan stores; far above any real one, small enough to bound memory.
pub const MAX_PASSWORD_LEN: usize = 4096;

/// Why the keychain could not do what was asked, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keychain service answers (on Linux: no Secret Service on the session bus).
    #[error("{}", unavailable_message())]
    Unavailable,
    /// The keychain is locked and was not unlocked.
    #[error(
        "Your keyring is locked, so Portolan cannot reach the saved password. Unlock it (it \
         usually opens with your login password), then try again."
    )]
    Locked,
    /// The user dismissed the keychain's unlock or permission prompt.
    #[error(
        "The keyring asked for permission and the request was dismissed. Try again and allow \
         Portolan when your keyring asks."
    )]
    PromptDismissed,
    /// The keychain refused access (another app's entry, a read-only or disabled keychain).
    #[error(
        "The keyring refused access to the password for this profile. Check that the keyring \
         is unlocked and allows Portolan, then try again."
    )]
    AccessDenied,
    /// No password is saved for this profile.
    #[error("No password is saved in the keyring for this profile.")]
    NotFound,
    /// The keychain stopped answering in the middle of a request (closed, crashed or
    /// restarted), so whether the request was carried out is not known.
    #[error(
        "The keyring stopped answering in the middle of the request (it was closed or \
         restarted)."
    )]
    Interrupted,
    /// The value cannot be stored (empty, too long, not text).
    #[error("{0}")]
    Invalid(String),
    /// Anything else the platform reported; the detail never contains the secret.
    #[error("The keyring reported a problem ({0}).")]
    Failed(String),
}
impl SecretError {
    /// The stable code the UI and scripts switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            SecretError::Unavailable => ErrorCode::KeychainUnavailable,
            SecretError::Locked => ErrorCode::KeychainLocked,
            SecretError::PromptDismissed => ErrorCode::KeychainPromptDismissed,
            SecretError::AccessDenied => ErrorCode::KeychainAccessDenied,
            SecretError::NotFound => ErrorCode::KeychainEntryNotFound,
            SecretError::Interrupted => ErrorCode::KeychainInterrupted,
            SecretError::Invalid(_) => ErrorCode::KeychainInvalidValue,
            SecretError::Failed(_) => ErrorCode::KeychainFailed,
        }
    }

    /// What to try next.
    pub fn hint(&self) -> &'static str {
        self.code().hint()
    }
}

impl From<SecretError> for UserError {
    fn from(e: SecretError) -> Self {
        UserError::with_code_hint(e.code(), e.to_string())
    }
}

impl From<keyring_core::Error> for SecretError {
    fn from(e: keyring_core::Error) -> Self {
        use keyring_core::Error as K;
        match e {
            K::NoEntry => SecretError::NotFound,
            K::NoStorageAccess(inner) => classify_platform(inner.as_ref(), true),
            K::PlatformFailure(inner) => classify_platform(inner.as_ref(), false),
            K::NoDefaultStore => SecretError::Unavailable,
            K::TooLong(what, max) => SecretError::Invalid(format!(
                "The {} is longer than the keyring allows (at most {max} characters).",
                field_name(&what)
            )),
            K::Invalid(what, why) => SecretError::Invalid(format!(
                "The keyring refused the {}: {why}.",
                field_name(&what)
            )),
            // Only ever the stored password's bytes: never echo them.
            K::BadEncoding(_) | K::BadDataFormat(..) => SecretError::Failed(
                "the saved password is not readable text; save the profile's password again".into(),
            ),
            K::Ambiguous(items) => SecretError::Failed(format!(
                "{} keyring entries match this profile; remove the extra ones named \"Portolan\" \
                 in your keyring",
                items.len()
            )),
            other => SecretError::Failed(other.to_string()),
        }
    }
}

/// Names a keyring-core attribute in plain words.
fn field_name(attr: &str) -> &str {
    match attr {
        "password" | "secret" => "password",
        "user" | "username" | "account" => "profile id",
        "service" => "service name",
        other => other,
    }
}
/// Which store a [`Keychain`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// The operating system's keychain.
    Platform,
    /// keyring-core's in-memory mock: unit tests only, nothing persists.
    Mock,
}

/// A handle on the keychain. Cheap to clone. The platform store is connected on first use,
/// so holding a handle costs nothing and a keyring started later is picked up.
#[derive(Clone)]
pub struct Keychain {
    kind: StoreKind,
    /// Set for the mock store; the platform store lives in `PLATFORM`.
    mock: Option<Arc<CredentialStore>>,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keychain")
            .field("kind", &self.kind)
            .finish()
    }
}

/// The platform store, once connected. Failures are not cached, so starting the keyring and
/// trying again works without restarting Portolan.
static PLATFORM: Mutex<Option<Arc<CredentialStore>>> = Mutex::new(None);

impl Keychain {
    /// The operating system's keychain (connected on first use).
    pub fn platform() -> Self {
        Self {
            kind: StoreKind::Platform,
            mock: None,
        }
    }

    /// A fresh in-memory store (keyring-core's mock), for tests: nothing is persisted.
    pub fn mock() -> Self {
        let store: Arc<CredentialStore> = match keyring_core::mock::Store::new() {
            Ok(s) => s,
            // `new` cannot fail today; keep the signature honest without a panic path.
            Err(_) => unreachable_mock(),
        };
        Self {
            kind: StoreKind::Mock,
            mock: Some(store),
        }
    }

    /// Connects now (blocking) and reports whether the keychain can be reached.
    pub fn check_available(&self) -> Result<(), SecretError> {
        self.store().map(|_| ())
    }

    /// The store, connecting to the platform's on first use.
    fn store(&self) -> Result<Arc<CredentialStore>, SecretError> {
        if let Some(m) = &self.mock {
            return Ok(m.clone());
        }
        let mut cached = PLATFORM
            .lock()
            .map_err(|_| SecretError::Failed("the keychain connection was lost".into()))?;
        if let Some(store) = cached.as_ref() {
            return Ok(store.clone());
        }
        let store = platform_store()?;
        *cached = Some(store.clone());
        Ok(store)
    }

    /// Which store this is.
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// The entry of a profile. On Secret Service the item gets a label users recognise.
    fn entry(&self, profile_id: &str) -> Result<Entry, SecretError> {
        check_id(profile_id)?;
        let store = self.store().map_err(|e| self.failed(e))?;
        if self.kind == StoreKind::Platform && cfg!(not(any(target_os = "macos", windows))) {
            let label = format!("Portolan SMTP password ({profile_id})");
            let mods = std::collections::HashMap::from([("label", label.as_str())]);
            Ok(Entry::new_in_store_with_modifiers(
                &store, SERVICE, profile_id, &mods,
            )?)
        } else {
            Ok(Entry::new_in_store(&store, SERVICE, profile_id)?)
        }
    }

    /// Saves (or replaces) the password of a profile.
    pub fn set_password(
        &self,
        profile_id: &str,
        password: &Sensitive<String>,
    ) -> Result<(), SecretError> {
        let p = password.expose();
        if p.is_empty() {
            return Err(SecretError::Invalid(
                "The password is empty, so there is nothing to save.".into(),
            ));
        }
        if p.len() > MAX_PASSWORD_LEN {
            return Err(SecretError::Invalid(format!(
                "The password is longer than {MAX_PASSWORD_LEN} characters; check that you \
                 pasted the right thing."
            )));
        }
        let entry = self.entry(profile_id)?;
        entry.set_password(p).map_err(|e| self.failed(e.into()))
    }

    /// The password of a profile; [`SecretError::NotFound`] when none is saved.
    pub fn get_password(&self, profile_id: &str) -> Result<Sensitive<String>, SecretError> {
        let entry = self.entry(profile_id)?;
        match entry.get_password() {
            Ok(p) => Ok(Sensitive::new(p)),
            Err(e) => Err(self.failed(e.into())),
        }
    }

    /// Whether an entry is saved for this profile, found by its attributes alone: its password
    /// is not read and a locked keyring is not asked to unlock.
    pub fn has_password(&self, profile_id: &str) -> Result<bool, SecretError> {
        Ok(self
            .has_passwords(&[profile_id])?
            .first()
            .copied()
            .unwrap_or(false))
    }

    /// [`Keychain::has_password`] for several profiles, in their order, over one connection.
    pub fn has_passwords(&self, profile_ids: &[&str]) -> Result<Vec<bool>, SecretError> {
        for id in profile_ids {
            check_id(id)?;
        }
        if profile_ids.is_empty() {
            return Ok(Vec::new());
        }
        if self.kind == StoreKind::Mock {
            return profile_ids
                .iter()
                .map(|id| Ok(self.find_password(id)?.is_some()))
                .collect();
        }
        platform_has_entries(profile_ids).map_err(|e| self.failed(e))
    }

    /// The password of a profile, or `None` when none is saved.
    pub fn find_password(
        &self,
        profile_id: &str,
    ) -> Result<Option<Sensitive<String>>, SecretError> {
        match self.get_password(profile_id) {
            Ok(p) => Ok(Some(p)),
            Err(SecretError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the password of a profile. `Ok(false)` when there was none.
    pub fn delete_password(&self, profile_id: &str) -> Result<bool, SecretError> {
        match self.entry(profile_id)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.failed(e.into())),
        }
    }

    /// What a failed call reports. A failure that may mean the keyring went away drops the
    /// platform connection, so the next call connects afresh (to a restarted keyring, say);
    /// a dismissed prompt or refused access on a locked keyring is reported as locked.
    fn failed(&self, e: SecretError) -> SecretError {
        if self.kind != StoreKind::Platform
            || matches!(e, SecretError::NotFound | SecretError::Invalid(_))
        {
            return e;
        }
        if let Ok(mut cached) = PLATFORM.lock() {
            *cached = None;
        }
        match e {
            SecretError::PromptDismissed | SecretError::AccessDenied if platform_locked() => {
                SecretError::Locked
            }
            other => other,
        }
    }
}

/// Refuses ids the stores would mangle; profile ids are generated, so this is a guard only.
fn check_id(id: &str) -> Result<(), SecretError> {
    if id.is_empty() || id.len() > 128 || id.chars().any(|c| c.is_control()) {
        return Err(SecretError::Invalid(
            "The profile id is empty, too long or contains control characters.".into(),
        ));
    }
    Ok(())
}

/// keyring-core's mock store cannot fail to build; this keeps `mock()` infallible without a
/// panic in library code.
fn unreachable_mock() -> Arc<CredentialStore> {
    struct Never;
    impl keyring_core::api::CredentialStoreApi for Never {
        fn vendor(&self) -> String {
            "none".into()
        }
        fn id(&self) -> String {
            "none".into()
        }
        fn build(
            &self,
            _service: &str,
            _user: &str,
            _mods: Option<&std::collections::HashMap<&str, &str>>,
        ) -> keyring_core::Result<Entry> {
            Err(keyring_core::Error::NoDefaultStore)
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }
    impl std::fmt::Debug for Never {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Never")
        }
    }
    Arc::new(Never)
}

#[cfg(test)]
mod tests;
