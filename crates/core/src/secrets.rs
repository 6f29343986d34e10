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

/// The sentence for "no keychain service", naming this platform's keychain.
fn unavailable_message() -> &'static str {
    if cfg!(target_os = "macos") {
        "The macOS Keychain is not available. Log in to your Mac account normally (not as a \
         guest), then try again."
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager is not available. Log in to Windows with your own account, \
         then try again."
    } else {
        "No keyring service is running: install or start GNOME Keyring or KWallet, then try \
         again."
    }
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

/// Turns a platform error into a sentence. `no_access` is keyring-core's "no storage access".
fn classify_platform(err: &(dyn std::error::Error + 'static), no_access: bool) -> SecretError {
    #[cfg(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    ))]
    if let Some(ss) = err.downcast_ref::<secret_service::Error>() {
        return classify_secret_service(ss);
    }
    if no_access {
        SecretError::AccessDenied
    } else {
        SecretError::Failed(err.to_string())
    }
}

/// The Secret Service's errors, by variant and D-Bus error name (never by message text).
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn classify_secret_service(err: &secret_service::Error) -> SecretError {
    use secret_service::Error as S;
    match err {
        S::Unavailable => SecretError::Unavailable,
        S::Locked => SecretError::Locked,
        S::Prompt | S::PromptDisconnected => SecretError::PromptDismissed,
        S::NoResult => SecretError::AccessDenied,
        S::Zbus(z) if is_service_unknown(z) => SecretError::Unavailable,
        S::Zbus(z) if is_interrupted(z) => SecretError::Interrupted,
        S::ZbusFdo(f) if is_interrupted_fdo(f) => SecretError::Interrupted,
        other => SecretError::Failed(other.to_string()),
    }
}

/// Whether the keyring went away while a call was in flight (its connection closed before it
/// answered), or a session or item it handed out no longer exists because it was restarted.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn is_interrupted(err: &zbus::Error) -> bool {
    const NAMES: [&str; 5] = [
        "org.freedesktop.DBus.Error.NoReply",
        "org.freedesktop.DBus.Error.Disconnected",
        "org.freedesktop.DBus.Error.UnknownObject",
        "org.freedesktop.DBus.Error.UnknownMethod",
        "org.freedesktop.Secret.Error.NoSession",
    ];
    match err {
        zbus::Error::MethodError(name, _, _) => NAMES.contains(&name.as_str()),
        zbus::Error::FDO(fdo) => is_interrupted_fdo(fdo),
        _ => false,
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn is_interrupted_fdo(err: &zbus::fdo::Error) -> bool {
    matches!(
        err,
        zbus::fdo::Error::NoReply(_)
            | zbus::fdo::Error::Disconnected(_)
            | zbus::fdo::Error::UnknownObject(_)
            | zbus::fdo::Error::UnknownMethod(_)
    )
}

/// Whether there is no session bus, or D-Bus said that nobody owns (or can start) the Secret
/// Service name.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn is_service_unknown(err: &zbus::Error) -> bool {
    const NAMES: [&str; 5] = [
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.Spawn.ServiceNotFound",
        "org.freedesktop.DBus.Error.Spawn.ChildExited",
        "org.freedesktop.DBus.Error.TimedOut",
    ];
    match err {
        // No session bus to talk to at all: nothing can be running on it.
        zbus::Error::Address(_) | zbus::Error::InputOutput(_) | zbus::Error::Handshake(_) => true,
        zbus::Error::MethodError(name, _, _) => NAMES.contains(&name.as_str()),
        zbus::Error::FDO(fdo) => matches!(
            **fdo,
            zbus::fdo::Error::ServiceUnknown(_)
                | zbus::fdo::Error::NameHasNoOwner(_)
                | zbus::fdo::Error::SpawnServiceNotFound(_)
        ),
        _ => false,
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

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    // Connecting is where a missing session bus or Secret Service shows; zbus reports some of
    // these as a generic failure, and any of them means the same to the user: no keyring.
    let store =
        zbus_secret_service_keyring_store::Store::new().map_err(|e| {
            match SecretError::from(e) {
                SecretError::Failed(_) => SecretError::Unavailable,
                other => other,
            }
        })?;
    Ok(store)
}

/// The Secret Service's search by Portolan's attributes: finds locked and unlocked items alike
/// without unlocking anything or reading a secret.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_has_entries(profile_ids: &[&str]) -> Result<Vec<bool>, SecretError> {
    use secret_service::blocking::SecretService;
    use secret_service::EncryptionType;
    let ss =
        SecretService::connect(EncryptionType::Plain).map_err(
            |e| match classify_secret_service(&e) {
                SecretError::Failed(_) => SecretError::Unavailable,
                other => other,
            },
        )?;
    profile_ids
        .iter()
        .map(|id| {
            let attrs = std::collections::HashMap::from([("service", SERVICE), ("username", *id)]);
            let found = ss
                .search_items(attrs)
                .map_err(|e| classify_secret_service(&e))?;
            Ok(!found.unlocked.is_empty() || !found.locked.is_empty())
        })
        .collect()
}

/// Whether the default collection (where Portolan's entries go) is locked; asking does not
/// prompt. `false` when that cannot be told.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_locked() -> bool {
    use secret_service::blocking::SecretService;
    use secret_service::EncryptionType;
    let Ok(ss) = SecretService::connect(EncryptionType::Plain) else {
        return false;
    };
    ss.get_default_collection()
        .and_then(|c| c.is_locked())
        .unwrap_or(false)
}

/// Elsewhere an entry is found by reading it (the platform may ask the user).
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
fn platform_has_entries(profile_ids: &[&str]) -> Result<Vec<bool>, SecretError> {
    let k = Keychain::platform();
    profile_ids
        .iter()
        .map(|id| Ok(k.find_password(id)?.is_some()))
        .collect()
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
fn platform_locked() -> bool {
    false
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> Sensitive<String> {
        Sensitive::new(s.to_owned())
    }

    #[test]
    fn mock_store_saves_reads_and_deletes_one_entry_per_profile() {
        let k = Keychain::mock();
        k.set_password("p1", &pw("first")).unwrap();
        k.set_password("p2", &pw("second")).unwrap();
        assert_eq!(k.get_password("p1").unwrap().expose(), "first");
        assert_eq!(k.get_password("p2").unwrap().expose(), "second");
        k.set_password("p1", &pw("replaced")).unwrap();
        assert_eq!(k.get_password("p1").unwrap().expose(), "replaced");
        assert!(k.delete_password("p1").unwrap());
        assert!(!k.delete_password("p1").unwrap());
        assert_eq!(k.get_password("p1").unwrap_err(), SecretError::NotFound);
        assert!(k.find_password("p1").unwrap().is_none());
    }

    #[test]
    fn empty_and_oversized_passwords_are_refused_with_a_sentence() {
        let k = Keychain::mock();
        let e = k.set_password("p", &pw("")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeychainInvalidValue);
        let long = "x".repeat(MAX_PASSWORD_LEN + 1);
        let e = k.set_password("p", &pw(&long)).unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
    }

    #[test]
    fn mock_errors_become_sentences_with_codes() {
        let k = Keychain::mock();
        k.set_password("p", &pw("secret-canary")).unwrap();
        let entry = k.entry("p").unwrap();
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(keyring_core::Error::NoStorageAccess(Box::new(
            std::io::Error::other("denied"),
        )));
        let e = k.get_password("p").unwrap_err();
        assert_eq!(e, SecretError::AccessDenied);
        let user: UserError = e.into();
        assert_eq!(user.code, ErrorCode::KeychainAccessDenied);
        assert!(!user.hint.is_empty());
        // The error is consumed: the next call works again.
        assert_eq!(k.get_password("p").unwrap().expose(), "secret-canary");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn secret_service_states_map_to_their_own_sentences() {
        let wrap = |e: secret_service::Error| {
            SecretError::from(keyring_core::Error::PlatformFailure(Box::new(e)))
        };
        assert_eq!(
            wrap(secret_service::Error::Unavailable),
            SecretError::Unavailable
        );
        assert_eq!(wrap(secret_service::Error::Locked), SecretError::Locked);
        assert_eq!(
            wrap(secret_service::Error::Prompt),
            SecretError::PromptDismissed
        );
        assert_eq!(
            SecretError::Unavailable.to_string(),
            "No keyring service is running: install or start GNOME Keyring or KWallet, then \
             try again."
        );
    }

    #[test]
    fn bad_bytes_in_the_store_are_never_echoed() {
        let e = SecretError::from(keyring_core::Error::BadEncoding(
            b"secret-canary\xff".to_vec(),
        ));
        assert!(!e.to_string().contains("canary"), "{e}");
        assert!(!format!("{e:?}").contains("canary"));
    }

    #[test]
    fn debug_of_the_handle_shows_no_store_internals() {
        assert_eq!(format!("{:?}", Keychain::mock()), "Keychain { kind: Mock }");
    }
}
