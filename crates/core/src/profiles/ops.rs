//! What the faces call: profile operations that keep the file and the keychain in step. A
//! keychain failure stops the operation with a sentence; nothing is half-done silently.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    new_id, validate_name, KeychainStep, Profile, ProfileError, ProfileList, ProfileStore,
};
use crate::secrets::{Keychain, SecretError};
use crate::sensitive::Sensitive;
use crate::settings::SmtpSettings;

/// A profile to save: new when `id` is `None`, else an update of that profile.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    /// The profile to update, or `None` for a new one.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its settings (validated before anything is written).
    pub settings: SmtpSettings,
    /// A password to put in the keychain; `None` leaves the keychain as it is.
    pub password: Option<Sensitive<String>>,
    /// The catalogue's id of the provider or sending service the settings are for; kept
    /// only when the catalogue knows it (see [`Profile::provider_id`]).
    pub provider_id: Option<String>,
}

/// What deleting a profile did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeleteOutcome {
    /// The profile that was removed.
    pub profile: Profile,
    /// Whether a keychain entry was found and removed.
    pub password_removed: bool,
}

/// Saves a profile: the password (if given) into the keychain first, then the file. If the
/// keychain refuses, nothing is written and the error says why.
pub fn save_profile(
    store: &ProfileStore,
    keychain: &Keychain,
    req: SaveRequest,
) -> Result<Profile, ProfileError> {
    let name = validate_name(&req.name)?;
    req.settings
        .validate()
        .map_err(ProfileError::InvalidSettings)?;
    // Only an id of the built-in catalogue is kept: anything else says nothing about the
    // settings, and the check would not believe it anyway.
    let provider_id = req
        .provider_id
        .as_deref()
        .map(str::trim)
        .filter(|id| crate::discover::catalogue::by_id(id).is_some())
        .map(str::to_owned);
    match req.id {
        None => {
            let id = new_id();
            if let Some(pw) = &req.password {
                keychain
                    .set_password(&id, pw)
                    .map_err(|e| not_saved(&name, e))?;
            }
            let created = store.create(
                Some(id.clone()),
                &name,
                req.settings,
                req.password.is_some(),
                provider_id,
            );
            if created.is_err() && req.password.is_some() {
                // Best effort: do not leave a keychain entry without a profile. The file error
                // is what the user needs to see.
                let _ = keychain.delete_password(&id);
            }
            created
        }
        Some(id) => {
            let before = store.get(&id)?;
            // The password being replaced, to put back if the file cannot be written: the
            // entry and the profile then stay as they were.
            let previous = match &req.password {
                Some(_) if before.password_saved => keychain
                    .find_password(&id)
                    .map_err(|e| not_saved(&name, e))?,
                _ => None,
            };
            if let Some(pw) = &req.password {
                keychain
                    .set_password(&id, pw)
                    .map_err(|e| not_saved(&name, e))?;
            }
            let saved = req.password.as_ref().map(|_| true);
            let updated = store.update(&id, Some(&name), Some((req.settings, provider_id)), saved);
            if updated.is_err() && req.password.is_some() {
                // Best effort, as for a new profile: the file error is what the user needs.
                let _ = match &previous {
                    Some(old) => keychain.set_password(&id, old),
                    None => keychain.delete_password(&id).map(|_| ()),
                };
            }
            updated
        }
    }
}

fn not_saved(name: &str, e: SecretError) -> ProfileError {
    ProfileError::Keychain {
        step: KeychainStep::Save,
        name: name.to_owned(),
        source: e,
    }
}

/// Deletes a profile and its keychain entry. If the entry cannot be removed the profile stays
/// and the error says why, so no password is left behind unnoticed. A profile that never had
/// a password saved is deleted even when no keychain is reachable.
pub fn delete_profile(
    store: &ProfileStore,
    keychain: &Keychain,
    id: &str,
) -> Result<DeleteOutcome, ProfileError> {
    let profile = store.get(id)?;
    let not_deleted = |e: SecretError| ProfileError::Keychain {
        step: KeychainStep::Delete,
        name: profile.name.clone(),
        source: e,
    };
    // The password, to put back if the file cannot be written afterwards (a full disk, a
    // read-only folder): the profile then stays with its entry, as before.
    let previous = if profile.password_saved {
        keychain.find_password(id).map_err(not_deleted)?
    } else {
        None
    };
    let password_removed = match keychain.delete_password(id) {
        Ok(removed) => removed,
        Err(SecretError::Unavailable) if !profile.password_saved => false,
        Err(e) => return Err(not_deleted(e)),
    };
    let removed = match store.remove(id) {
        Ok(p) => p,
        Err(e) => {
            if let Some(pw) = &previous {
                // Best effort: the file error is what the user needs to see.
                let _ = keychain.set_password(id, pw);
            }
            return Err(e);
        }
    };
    Ok(DeleteOutcome {
        profile: removed,
        password_removed,
    })
}

/// Copies a profile, and its keychain password when one is saved, under a new id and name.
pub fn duplicate_profile(
    store: &ProfileStore,
    keychain: &Keychain,
    id: &str,
    new_name: Option<&str>,
) -> Result<Profile, ProfileError> {
    let source = store.get(id)?;
    let not_copied = |e: SecretError| ProfileError::Keychain {
        step: KeychainStep::Duplicate,
        name: source.name.clone(),
        source: e,
    };
    let password = if source.password_saved {
        keychain.find_password(id).map_err(not_copied)?
    } else {
        None
    };
    let copy = store.duplicate(id, new_name, password.is_some())?;
    if let Some(pw) = &password {
        if let Err(e) = keychain.set_password(&copy.id, pw) {
            // Undo the copy so the list never shows a profile whose password is missing.
            let _ = store.remove(&copy.id);
            return Err(not_copied(e));
        }
    }
    Ok(copy)
}

/// The saved password of a profile, or `None` when it never had one. A profile whose entry
/// has gone from the keychain (removed by another program) is an error that asks for the
/// password, rather than a sign-in attempt without one.
pub fn profile_password(
    keychain: &Keychain,
    profile: &Profile,
) -> Result<Option<Sensitive<String>>, ProfileError> {
    if !profile.password_saved {
        return Ok(None);
    }
    match keychain.find_password(&profile.id) {
        Ok(Some(p)) => Ok(Some(p)),
        Ok(None) => Err(ProfileError::PasswordMissing(profile.name.clone())),
        Err(e) => Err(ProfileError::Keychain {
            step: KeychainStep::Read,
            name: profile.name.clone(),
            source: e,
        }),
    }
}

/// Every saved profile with its notices, and which of them lost their keychain entry. The
/// entries are looked up by their attributes only: no password is read and a locked keyring
/// is not asked to unlock. When the keychain cannot be asked, none is marked missing.
pub fn list_profiles(
    store: &ProfileStore,
    keychain: &Keychain,
) -> Result<ProfileList, ProfileError> {
    let mut list = store.list()?;
    let ids: Vec<&str> = list
        .profiles
        .iter()
        .filter(|p| p.password_saved)
        .map(|p| p.id.as_str())
        .collect();
    if let Ok(found) = keychain.has_passwords(&ids) {
        list.password_missing = ids
            .iter()
            .zip(found)
            .filter(|(_, has)| !has)
            .map(|(id, _)| (*id).to_owned())
            .collect();
    }
    Ok(list)
}

/// Runs blocking file and keychain work off the async runtime. A panic inside is reported
/// with a fixed sentence: its message could quote anything the work held, a password included.
pub async fn run_blocking<T, F>(f: F) -> Result<T, ProfileError>
where
    F: FnOnce() -> Result<T, ProfileError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ProfileError::Interrupted)?
}

impl From<crate::export::Imported> for SaveRequest {
    /// A request to save an imported profile as a new one.
    fn from(i: crate::export::Imported) -> Self {
        SaveRequest {
            id: None,
            name: i.name,
            settings: i.settings,
            password: i.password,
            provider_id: i.provider_id,
        }
    }
}

/// Imports Portolan's JSON (pasted or from a file) as a new saved profile, its password (when
/// the file has one) going to the keychain. A name already in use gets " (imported)" added.
pub fn import_profile(
    store: &ProfileStore,
    keychain: &Keychain,
    text: &str,
) -> Result<Profile, ProfileError> {
    let imported = crate::export::import_json(text)?;
    let mut req = SaveRequest::from(imported);
    let base = req.name.clone();
    let mut attempt = 1;
    loop {
        match save_profile(store, keychain, req.clone()) {
            Err(ProfileError::DuplicateName(_)) if attempt < 50 => {
                let suffix = match attempt {
                    1 => " (imported)".to_owned(),
                    n => format!(" (imported {n})"),
                };
                let keep = super::MAX_NAME_LEN.saturating_sub(suffix.chars().count());
                let stem: String = base.chars().take(keep).collect();
                req.name = format!("{}{suffix}", stem.trim_end());
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod panic_tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_profile_work_is_reported_without_its_message() {
        let err = run_blocking::<(), _>(|| panic!("canary-Pw-in-a-panic"))
            .await
            .unwrap_err();
        let user = crate::error::UserError::from(err.clone());
        let shown = format!("{err:?} {}", serde_json::to_string(&user).unwrap());
        assert!(!shown.contains("canary"), "{shown}");
        assert_eq!(err, ProfileError::Interrupted);
        assert_eq!(user.code, crate::error::ErrorCode::Internal);
    }
}
