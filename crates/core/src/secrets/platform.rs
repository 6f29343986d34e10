//! What differs per platform, and nothing else: which store holds the passwords (Secret
//! Service on Linux and the BSDs, the login Keychain on macOS, Credential Manager on Windows),
//! how its errors are read, and the sentence that names it. The Linux block runs in every test
//! run; the Windows block is type-checked by `scripts/check-platforms.sh`; the macOS block is
//! built by the release workflow only.

use std::sync::Arc;

use keyring_core::CredentialStore;

use super::*;

/// The sentence for "no keychain service", naming this platform's keychain.
pub(super) fn unavailable_message() -> &'static str {
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

/// Turns a platform error into a sentence. `no_access` is keyring-core's "no storage access".
pub(super) fn classify_platform(
    err: &(dyn std::error::Error + 'static),
    no_access: bool,
) -> SecretError {
    #[cfg(secret_service)]
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
#[cfg(secret_service)]
pub(super) fn classify_secret_service(err: &secret_service::Error) -> SecretError {
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
#[cfg(secret_service)]
pub(super) fn is_interrupted(err: &zbus::Error) -> bool {
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

#[cfg(secret_service)]
pub(super) fn is_interrupted_fdo(err: &zbus::fdo::Error) -> bool {
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
#[cfg(secret_service)]
pub(super) fn is_service_unknown(err: &zbus::Error) -> bool {
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

#[cfg(secret_service)]
pub(super) fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
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
#[cfg(secret_service)]
pub(super) fn platform_has_entries(profile_ids: &[&str]) -> Result<Vec<bool>, SecretError> {
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
#[cfg(secret_service)]
pub(super) fn platform_locked() -> bool {
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
#[cfg(not(secret_service))]
pub(super) fn platform_has_entries(profile_ids: &[&str]) -> Result<Vec<bool>, SecretError> {
    let k = Keychain::platform();
    profile_ids
        .iter()
        .map(|id| Ok(k.find_password(id)?.is_some()))
        .collect()
}

#[cfg(not(secret_service))]
pub(super) fn platform_locked() -> bool {
    false
}

#[cfg(target_os = "macos")]
pub(super) fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
pub(super) fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(secret_service, target_os = "macos", target_os = "windows")))]
pub(super) fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::Unavailable)
}
