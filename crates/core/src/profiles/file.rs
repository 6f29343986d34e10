//! File mechanics for the profiles file: an advisory lock, atomic replacement, setting a file
//! aside. Nothing here knows what a profile is.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::ProfileError;

/// An I/O failure as a sentence naming the action and the file.
pub(super) fn io_err(action: &str, path: &Path, e: &std::io::Error) -> ProfileError {
    ProfileError::Io {
        action: action.to_owned(),
        path: path.display().to_string(),
        reason: plain_reason(e),
    }
}

/// The operating system's reason in plain words for the failures a person can act on; the
/// system's own text for the rest.
fn plain_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => "the disk is full".to_owned(),
        K::QuotaExceeded => "your disk quota is used up".to_owned(),
        K::ReadOnlyFilesystem => "the folder is read-only".to_owned(),
        K::PermissionDenied => "you do not have permission to write there".to_owned(),
        _ => e.to_string(),
    }
}

/// A failure to write the profiles file: named by the file itself (not its temporary twin),
/// saying that the file as it was is untouched.
fn write_err(path: &Path, e: &std::io::Error) -> ProfileError {
    ProfileError::Io {
        action: "save your profiles to".to_owned(),
        path: path.display().to_string(),
        reason: format!("{}. Your saved profiles are unchanged", plain_reason(e)),
    }
}

/// An exclusive advisory lock on `<file>.lock`, held until dropped. Every Portolan process
/// takes it around its whole read-modify-write, so concurrent saves are serialised.
#[derive(Debug)]
pub(super) struct Lock {
    file: File,
}

impl Lock {
    /// The lock for reading: as [`Lock::acquire`], but `None` when the folder cannot be
    /// written (a read-only folder is still read; nobody can be writing it either).
    pub(super) fn acquire_for_read(
        dir: &Path,
        lock_name: &str,
    ) -> Result<Option<Self>, ProfileError> {
        let path = dir.join(lock_name);
        let file = match OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(io_err("open", &path, &e)),
        };
        file.lock().map_err(|e| io_err("lock", &path, &e))?;
        Ok(Some(Self { file }))
    }

    /// Blocks until the lock is ours. Creates the folder and the lock file if needed.
    pub(super) fn acquire(dir: &Path, lock_name: &str) -> Result<Self, ProfileError> {
        std::fs::create_dir_all(dir).map_err(|e| io_err("create the folder", dir, &e))?;
        let path = dir.join(lock_name);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| lock_err(dir, &e))?;
        file.lock().map_err(|e| io_err("lock", &path, &e))?;
        Ok(Self { file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first is just prompt.
        let _ = self.file.unlock();
    }
}

/// The lock file cannot be made: the folder cannot be written, so no profile can be saved.
fn lock_err(dir: &Path, e: &std::io::Error) -> ProfileError {
    ProfileError::Io {
        action: "save your profiles in".to_owned(),
        path: dir.display().to_string(),
        reason: format!("{}. Your saved profiles are unchanged", plain_reason(e)),
    }
}

/// Reads at most `max` bytes; `Ok(None)` when the file does not exist, `Err(Some(len))`-like
/// oversize is reported as `TooLarge`.
pub(super) enum ReadOutcome {
    /// No file yet.
    Missing,
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// Larger than allowed; the number is the size found.
    TooLarge(u64),
}

/// Reads a whole file, refusing more than `max` bytes.
pub(super) fn read_bounded(path: &Path, max: u64) -> Result<ReadOutcome, ProfileError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ReadOutcome::Missing),
        Err(e) => return Err(io_err("read", path, &e)),
    };
    let mut buf = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_err("read", path, &e))?;
    if buf.len() as u64 > max {
        let len = std::fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(buf.len() as u64);
        return Ok(ReadOutcome::TooLarge(len));
    }
    Ok(ReadOutcome::Bytes(buf))
}

/// Replaces `path` with `bytes` atomically: a temp file in the same folder, written and
/// fsynced, renamed over the target, then the folder fsynced so the rename survives a crash.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ProfileError> {
    let dir = parent(path);
    std::fs::create_dir_all(dir).map_err(|e| io_err("create the folder", dir, &e))?;
    remove_stale_temps(dir);
    // tempfile creates the file with owner-only permissions on Unix.
    // On any failure below the temporary file is removed when `tmp` is dropped, and the
    // previous file is untouched: only the rename replaces it.
    let mut tmp = tempfile::Builder::new()
        .prefix(".profiles-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| write_err(path, &e))?;
    tmp.write_all(bytes).map_err(|e| write_err(path, &e))?;
    tmp.as_file().sync_all().map_err(|e| write_err(path, &e))?;
    tmp.persist(path).map_err(|e| write_err(path, &e.error))?;
    sync_dir(dir)
}

/// Removes temporary files left by a Portolan that was killed mid-write. Callers hold the
/// lock, so no other writer's temporary file can be among them. Best effort: a file that
/// cannot be removed only costs a little disk space.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".profiles-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Moves a file aside to `<name>.<tag>-<UTC timestamp>` and returns the new path.
pub(super) fn set_aside(path: &Path, tag: &str) -> Result<PathBuf, ProfileError> {
    let target = aside_name(path, tag);
    std::fs::rename(path, &target).map_err(|e| io_err("set aside", path, &e))?;
    sync_dir(parent(path))?;
    Ok(target)
}

/// Copies a file to `<name>.<tag>-<UTC timestamp>` (kept as a backup) and returns that path.
pub(super) fn copy_aside(path: &Path, tag: &str) -> Result<PathBuf, ProfileError> {
    let target = aside_name(path, tag);
    std::fs::copy(path, &target).map_err(|e| io_err("back up", path, &e))?;
    Ok(target)
}

/// A free name beside `path`, stamped with the time so several set-asides never collide.
fn aside_name(path: &Path, tag: &str) -> PathBuf {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".to_owned());
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "profiles.json".to_owned());
    let mut candidate = parent(path).join(format!("{base}.{tag}-{stamp}"));
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = parent(path).join(format!("{base}.{tag}-{stamp}-{n}"));
    }
    candidate
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Makes a rename in `dir` durable (Unix); Windows has no directory handles to sync.
fn sync_dir(dir: &Path) -> Result<(), ProfileError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_err("save to disk", dir, &e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
