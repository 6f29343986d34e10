//! `profiles.json`: the versioned file of saved profiles. Every operation runs under the lock
//! and rewrites the file atomically, so two Portolan processes saving at once lose nothing. A
//! damaged file, or one written by a newer Portolan, is set aside with a timestamp and the user
//! is told; older versions are migrated (the original kept as a backup).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::file::{self, Lock, ReadOutcome};
use super::{
    new_id, now_rfc3339, validate_name, NoticeCode, Profile, ProfileError, ProfileList,
    ProfileNotice, MAX_NAME_LEN, MAX_PROFILES,
};
use crate::settings::SmtpSettings;

/// The version this Portolan writes. Bump it (and add a step to `migrate`) when the shape
/// changes.
pub const SCHEMA_VERSION: u32 = 1;
/// The app's bundle identifier: the config folder's name, as Tauri's `app_config_dir` uses.
pub const APP_IDENTIFIER: &str = "app.portolan.desktop";
/// The file's name inside the config folder.
pub const FILE_NAME: &str = "profiles.json";
/// The largest profiles file Portolan reads (a thousand profiles fit in a fraction of this).
pub const MAX_FILE_LEN: u64 = 4 * 1024 * 1024;

const LOCK_NAME: &str = "profiles.json.lock";

/// The file as written: a version, then the profiles.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    schema_version: u32,
    profiles: Vec<Profile>,
}

/// The saved profiles of one config folder.
#[derive(Debug)]
pub struct ProfileStore {
    dir: PathBuf,
    /// Notices raised by any operation, handed out once by `list` or `take_notices`.
    notices: Mutex<Vec<ProfileNotice>>,
}

impl ProfileStore {
    /// The folder Portolan keeps its settings in: `<config dir>/app.portolan.desktop`, the same
    /// folder as Tauri's `app_config_dir`.
    pub fn default_dir() -> Result<PathBuf, ProfileError> {
        dirs::config_dir()
            .map(|d| d.join(APP_IDENTIFIER))
            .ok_or(ProfileError::NoConfigDir)
    }

    /// The store in the default folder.
    pub fn open_default() -> Result<Self, ProfileError> {
        Ok(Self::new(Self::default_dir()?))
    }

    /// The store in `dir` (tests, or a folder the app was told to use).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            notices: Mutex::new(Vec::new()),
        }
    }

    /// The folder holding the file.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The profiles file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Every saved profile, with the notices not yet shown.
    pub fn list(&self) -> Result<ProfileList, ProfileError> {
        let profiles = self.read_only()?;
        Ok(ProfileList {
            profiles,
            notices: self.take_notices(),
            password_missing: Vec::new(),
        })
    }

    /// Notices raised since they were last taken (each is shown once).
    pub fn take_notices(&self) -> Vec<ProfileNotice> {
        self.notices
            .lock()
            .map(|mut n| std::mem::take(&mut *n))
            .unwrap_or_default()
    }

    /// The profile with this id.
    pub fn get(&self, id: &str) -> Result<Profile, ProfileError> {
        self.read_only()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ProfileError::NotFound(id.to_owned()))
    }

    /// The profile whose id is `key`, or else whose name is `key` (ignoring case); for the
    /// command line, where people type names.
    pub fn find(&self, key: &str) -> Result<Profile, ProfileError> {
        let all = self.read_only()?;
        if let Some(p) = all.iter().find(|p| p.id == key) {
            return Ok(p.clone());
        }
        let mut by_name = all.into_iter().filter(|p| same_name(&p.name, key));
        match (by_name.next(), by_name.next()) {
            (Some(p), None) => Ok(p),
            (Some(_), Some(_)) => Err(ProfileError::Ambiguous(key.to_owned())),
            _ => Err(ProfileError::NotFound(key.to_owned())),
        }
    }

    /// Adds a profile. `id` is normally `None` (a new one is made).
    pub fn create(
        &self,
        id: Option<String>,
        name: &str,
        settings: SmtpSettings,
        password_saved: bool,
        provider_id: Option<String>,
    ) -> Result<Profile, ProfileError> {
        let name = validate_name(name)?;
        settings.validate().map_err(ProfileError::InvalidSettings)?;
        self.modify(|profiles| {
            if profiles.len() >= MAX_PROFILES {
                return Err(ProfileError::TooMany);
            }
            ensure_unique(profiles, &name, None)?;
            let now = now_rfc3339();
            let profile = Profile {
                id: id.unwrap_or_else(new_id),
                name,
                settings,
                password_saved,
                provider_id,
                created: now.clone(),
                updated: now,
            };
            if profiles.iter().any(|p| p.id == profile.id) {
                return Err(ProfileError::IdTaken(profile.id));
            }
            profiles.push(profile.clone());
            Ok(profile)
        })
    }

    /// Replaces a profile's name, settings and password flag (each when given); with new
    /// settings, the provider they were made for too (`provider_id`, `None` for none known).
    pub fn update(
        &self,
        id: &str,
        name: Option<&str>,
        settings: Option<(SmtpSettings, Option<String>)>,
        password_saved: Option<bool>,
    ) -> Result<Profile, ProfileError> {
        let name = name.map(validate_name).transpose()?;
        if let Some((s, _)) = &settings {
            s.validate().map_err(ProfileError::InvalidSettings)?;
        }
        self.modify(|profiles| {
            if let Some(n) = &name {
                ensure_unique(profiles, n, Some(id))?;
            }
            let p = profiles
                .iter_mut()
                .find(|p| p.id == id)
                .ok_or_else(|| ProfileError::NotFound(id.to_owned()))?;
            if let Some(n) = name {
                p.name = n;
            }
            if let Some((s, provider_id)) = settings {
                p.settings = s;
                p.provider_id = provider_id;
            }
            if let Some(saved) = password_saved {
                p.password_saved = saved;
            }
            p.updated = now_rfc3339();
            Ok(p.clone())
        })
    }

    /// Gives a profile a new name; its id (and so its keychain entry) stays.
    pub fn rename(&self, id: &str, new_name: &str) -> Result<Profile, ProfileError> {
        self.update(id, Some(new_name), None, None)
    }

    /// A copy of a profile under a new id and name ("Name (copy)" when none is given). The
    /// keychain is not touched here: see [`super::duplicate_profile`].
    pub fn duplicate(
        &self,
        id: &str,
        new_name: Option<&str>,
        password_saved: bool,
    ) -> Result<Profile, ProfileError> {
        let new_name = new_name.map(validate_name).transpose()?;
        self.modify(|profiles| {
            if profiles.len() >= MAX_PROFILES {
                return Err(ProfileError::TooMany);
            }
            let source = profiles
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| ProfileError::NotFound(id.to_owned()))?;
            let name = match new_name {
                Some(n) => {
                    ensure_unique(profiles, &n, None)?;
                    n
                }
                None => copy_name(profiles, &source.name),
            };
            let now = now_rfc3339();
            let copy = Profile {
                id: new_id(),
                name,
                settings: source.settings.clone(),
                password_saved,
                provider_id: source.provider_id.clone(),
                created: now.clone(),
                updated: now,
            };
            profiles.push(copy.clone());
            Ok(copy)
        })
    }

    /// Removes a profile from the file and returns it. The keychain is not touched here: see
    /// [`super::delete_profile`].
    pub fn remove(&self, id: &str) -> Result<Profile, ProfileError> {
        self.modify(|profiles| {
            let i = profiles
                .iter()
                .position(|p| p.id == id)
                .ok_or_else(|| ProfileError::NotFound(id.to_owned()))?;
            Ok(profiles.remove(i))
        })
    }

    /// Reads under the lock. Setting a damaged file aside or migrating writes, so even a read
    /// takes the lock; when the folder does not exist yet nothing is created.
    fn read_only(&self) -> Result<Vec<Profile>, ProfileError> {
        if !self.dir.exists() {
            return Ok(Vec::new());
        }
        let _lock = Lock::acquire_for_read(&self.dir, LOCK_NAME)?;
        self.load_locked()
    }

    /// Read-modify-write inside one lock: nothing another process saved in between is lost.
    fn modify<T>(
        &self,
        change: impl FnOnce(&mut Vec<Profile>) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        let _lock = Lock::acquire(&self.dir, LOCK_NAME)?;
        let mut profiles = self.load_locked()?;
        let out = change(&mut profiles)?;
        self.write_locked(&profiles)?;
        Ok(out)
    }

    fn write_locked(&self, profiles: &[Profile]) -> Result<(), ProfileError> {
        let doc = FileV1 {
            schema_version: SCHEMA_VERSION,
            profiles: profiles.to_vec(),
        };
        let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| ProfileError::Io {
            action: "prepare".into(),
            path: self.path().display().to_string(),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        file::write_atomic(&self.path(), &bytes)
    }

    /// Loads the file (the lock is held): missing → empty; damaged or newer → set aside with a
    /// notice, empty; older → migrated, the original kept, the new shape written.
    fn load_locked(&self) -> Result<Vec<Profile>, ProfileError> {
        let path = self.path();
        let bytes = match file::read_bounded(&path, MAX_FILE_LEN)? {
            ReadOutcome::Missing => return Ok(Vec::new()),
            ReadOutcome::TooLarge(len) => {
                return self.set_aside_damaged(&format!(
                    "it is {len} bytes, far larger than a profiles file can be"
                ));
            }
            ReadOutcome::Bytes(b) => b,
        };
        let value: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => return self.set_aside_damaged(&format!("it is not valid JSON ({e})")),
        };
        let version = match version_of(&value) {
            Ok(v) => v,
            Err(why) => return self.set_aside_damaged(&why),
        };
        if version > SCHEMA_VERSION {
            return self.set_aside_newer(version);
        }
        let migrated = version < SCHEMA_VERSION;
        let value = if migrated {
            match migrate(value, version) {
                Ok(v) => v,
                Err(why) => return self.set_aside_damaged(&why),
            }
        } else {
            value
        };
        let doc: FileV1 = match serde_json::from_value(value) {
            Ok(d) => d,
            Err(e) => return self.set_aside_damaged(&format!("its contents are not valid ({e})")),
        };
        if let Err(why) = check_contents(&doc.profiles) {
            return self.set_aside_damaged(&why);
        }
        if migrated {
            let kept = file::copy_aside(&path, &format!("v{version}-backup"))?;
            self.write_locked(&doc.profiles)?;
            self.notify(ProfileNotice {
                code: NoticeCode::ProfilesMigrated,
                message: format!(
                    "Portolan updated your saved profiles to its current format. The previous \
                     file is kept as {}.",
                    kept.display()
                ),
                kept_at: Some(kept.display().to_string()),
            });
        }
        Ok(doc.profiles)
    }

    fn set_aside_damaged(&self, why: &str) -> Result<Vec<Profile>, ProfileError> {
        let kept = file::set_aside(&self.path(), "damaged")?;
        self.notify(ProfileNotice {
            code: NoticeCode::ProfilesFileDamaged,
            message: format!(
                "Portolan could not read your saved profiles because the file is damaged \
                 ({why}). It kept the file as {} and started with an empty list; nothing was \
                 deleted. Passwords saved in the keyring are still there.",
                kept.display()
            ),
            kept_at: Some(kept.display().to_string()),
        });
        Ok(Vec::new())
    }

    fn set_aside_newer(&self, version: u32) -> Result<Vec<Profile>, ProfileError> {
        let kept = file::set_aside(&self.path(), &format!("v{version}"))?;
        self.notify(ProfileNotice {
            code: NoticeCode::ProfilesFileNewer,
            message: format!(
                "Your saved profiles were written by a newer version of Portolan (file format \
                 {version}; this version reads up to {SCHEMA_VERSION}). Portolan kept that \
                 file as {} and started with an empty list. Update Portolan and rename the \
                 file back to {FILE_NAME} to use those profiles again.",
                kept.display()
            ),
            kept_at: Some(kept.display().to_string()),
        });
        Ok(Vec::new())
    }

    fn notify(&self, n: ProfileNotice) {
        if let Ok(mut all) = self.notices.lock() {
            all.push(n);
        }
    }
}

/// The file's schema version: a number, or none at all for the version-0 shape.
fn version_of(value: &Value) -> Result<u32, String> {
    let Some(obj) = value.as_object() else {
        return Err("it does not hold a list of profiles".into());
    };
    match obj.get("schema_version") {
        None => Ok(0),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) => Ok(u32::try_from(v).unwrap_or(u32::MAX)),
            None => Err("its format version is not a whole number".into()),
        },
        Some(_) => Err("its format version is not a number".into()),
    }
}

/// Brings an older file up to [`SCHEMA_VERSION`], one step at a time.
fn migrate(mut value: Value, from: u32) -> Result<Value, String> {
    let mut version = from;
    while version < SCHEMA_VERSION {
        value = match version {
            0 => migrate_v0_to_v1(value)?,
            v => return Err(format!("format version {v} is not known")),
        };
        version += 1;
    }
    Ok(value)
}

/// Version 0 (before versioning): `{"profiles": [{name, host, port, security, username, from}]}`
/// with the settings flat in each profile and no ids. Version 1 nests them under `settings` and
/// gives each profile an id and times.
fn migrate_v0_to_v1(value: Value) -> Result<Value, String> {
    let profiles = value
        .get("profiles")
        .and_then(Value::as_array)
        .ok_or("it has no list of profiles")?;
    let now = now_rfc3339();
    let mut out = Vec::with_capacity(profiles.len());
    for (i, p) in profiles.iter().enumerate() {
        let obj = p
            .as_object()
            .ok_or_else(|| format!("profile {} is not an object", i + 1))?;
        let field = |k: &str| obj.get(k).cloned().unwrap_or(Value::Null);
        let name = field("name");
        out.push(serde_json::json!({
            "id": new_id(),
            "name": if name.is_null() { Value::from(format!("Profile {}", i + 1)) } else { name },
            "settings": {
                "host": field("host"),
                "port": field("port"),
                "security": field("security"),
                "username": field("username"),
                "from": field("from"),
            },
            "password_saved": false,
            "created": now,
            "updated": now,
        }));
    }
    Ok(serde_json::json!({ "schema_version": 1, "profiles": out }))
}

/// What serde cannot check: unique ids and names, valid names, a bounded count.
fn check_contents(profiles: &[Profile]) -> Result<(), String> {
    if profiles.len() > MAX_PROFILES {
        return Err(format!("it holds more than {MAX_PROFILES} profiles"));
    }
    let mut ids = std::collections::HashSet::new();
    for p in profiles {
        if p.id.is_empty() || !ids.insert(p.id.as_str()) {
            return Err("two profiles share one id".into());
        }
        if validate_name(&p.name).is_err() {
            return Err("a profile has an empty or unreadable name".into());
        }
    }
    Ok(())
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn ensure_unique(
    profiles: &[Profile],
    name: &str,
    except: Option<&str>,
) -> Result<(), ProfileError> {
    if profiles
        .iter()
        .any(|p| Some(p.id.as_str()) != except && same_name(&p.name, name))
    {
        return Err(ProfileError::DuplicateName(name.to_owned()));
    }
    Ok(())
}

/// "Name (copy)", then "Name (copy 2)", … — the first free one, shortened to fit.
fn copy_name(profiles: &[Profile], name: &str) -> String {
    let with = |suffix: String| {
        let keep = MAX_NAME_LEN.saturating_sub(suffix.chars().count());
        let stem: String = name.chars().take(keep).collect();
        format!("{}{suffix}", stem.trim_end())
    };
    let taken = |n: &str| profiles.iter().any(|p| same_name(&p.name, n));
    let base = with(" (copy)".to_owned());
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|i| with(format!(" (copy {i})")))
        .find(|n| !taken(n))
        .unwrap_or(base)
}
