//! The clipboard, written from Rust only (the window holds no clipboard permission). A copy
//! that holds a password is marked so clipboard managers and history skip it, and is cleared
//! after [`CLEAR_AFTER`] if it is still what Portolan put there, as password managers do. A
//! copy without a password is left alone.
//!
//! The per-platform marks are arboard's: on Linux (X11 and Wayland) the
//! `x-kde-passwordManagerHint: secret` type; on macOS `org.nspasteboard.ConcealedType`; on
//! Windows the clipboard history, cloud sync and monitoring exclusions.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portolan_core::error::{FaceError, UserError};
use portolan_core::sensitive::Sensitive;

/// How long a copied password stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The clipboard of the app: one arboard handle (it must outlive the copies it serves on
/// X11), and what the last password copy was, to clear only that.
#[derive(Clone)]
pub struct Clipboard {
    inner: Arc<Inner>,
}

struct Inner {
    board: Mutex<Option<arboard::Clipboard>>,
    /// Counts copies; a pending clear acts only if no copy came after its own.
    generation: AtomicU64,
    /// The text of the last copy that held a password, while it may still be on the clipboard.
    secret: Mutex<Option<Sensitive<String>>>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard").finish_non_exhaustive()
    }
}

impl Default for Clipboard {
    fn default() -> Self {
        Self::new()
    }
}

impl Clipboard {
    /// The clipboard; connecting to it waits for the first copy.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                board: Mutex::new(None),
                generation: AtomicU64::new(0),
                secret: Mutex::new(None),
            }),
        }
    }

    /// The delay before a copied password is cleared: [`CLEAR_AFTER`], or in a debug build
    /// the seconds in `PORTOLAN_CLIPBOARD_CLEAR_SECONDS` (the end-to-end tests' shorter wait).
    pub fn clear_after() -> Duration {
        #[cfg(debug_assertions)]
        if let Some(secs) = std::env::var("PORTOLAN_CLIPBOARD_CLEAR_SECONDS")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
        {
            return Duration::from_secs(secs);
        }
        CLEAR_AFTER
    }

    /// Copies text that holds no password; it stays until something else is copied.
    pub fn copy_plain(&self, text: &str) -> Result<(), UserError> {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        self.with_board(|b| b.set_text(text))?;
        // A pending clear of an earlier password copy has nothing left to clear.
        if let Ok(mut s) = self.inner.secret.lock() {
            *s = None;
        }
        Ok(())
    }

    /// Copies text that holds a password: marked for clipboard managers to skip, and cleared
    /// after `after` if it is still on the clipboard. Must run inside the async runtime.
    pub fn copy_secret(&self, text: Sensitive<String>, after: Duration) -> Result<(), UserError> {
        let generation = self.inner.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.with_board(|b| marked(b.set()).text(text.expose().as_str()))?;
        if let Ok(mut s) = self.inner.secret.lock() {
            *s = Some(text);
        }
        let me = self.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(after).await;
            let _ =
                tauri::async_runtime::spawn_blocking(move || me.clear_if_still(generation)).await;
        });
        Ok(())
    }

    /// Clears the clipboard if it still holds the password copy `generation`: not when
    /// Portolan or another program has copied something since.
    fn clear_if_still(&self, generation: u64) -> bool {
        if self.inner.generation.load(Ordering::SeqCst) != generation {
            return false;
        }
        let Ok(mut secret) = self.inner.secret.lock() else {
            return false;
        };
        let Some(ours) = secret.take() else {
            return false;
        };
        let Ok(mut guard) = self.inner.board.lock() else {
            return false;
        };
        let Some(board) = guard.as_mut() else {
            return false;
        };
        let now = board.get_text().map(Sensitive::new);
        let still_ours = matches!(&now, Ok(t) if t.expose() == ours.expose());
        if still_ours {
            // Replace the text arboard keeps to serve the copy, then give up the clipboard.
            let _ = board.set_text("");
            let _ = board.clear();
        }
        still_ours
    }

    /// Before the app exits: a password copy still on the clipboard is cleared now, so it is
    /// not handed over to a clipboard manager.
    pub fn shutdown(&self) {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        self.clear_if_still(generation);
        if let Ok(mut guard) = self.inner.board.lock() {
            *guard = None;
        }
    }

    fn with_board(
        &self,
        f: impl FnOnce(&mut arboard::Clipboard) -> Result<(), arboard::Error>,
    ) -> Result<(), UserError> {
        let mut guard = self
            .inner
            .board
            .lock()
            .map_err(|_| failed("it is in use"))?;
        if guard.is_none() {
            *guard = Some(arboard::Clipboard::new().map_err(|e| failed(&e.to_string()))?);
        }
        match guard.as_mut() {
            Some(b) => f(b).map_err(|e| failed(&e.to_string())),
            None => Err(failed("it is not available")),
        }
    }
}

/// Marks a copy as a password for this platform's clipboard managers and history.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn marked(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtLinux;
    set.exclude_from_history()
}

#[cfg(target_os = "macos")]
fn marked(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtApple;
    set.exclude_from_history()
}

#[cfg(windows)]
fn marked(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtWindows;
    set.exclude_from_history()
        .exclude_from_cloud()
        .exclude_from_monitoring()
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "macos",
    windows
)))]
fn marked(set: arboard::Set<'_>) -> arboard::Set<'_> {
    set
}

fn failed(why: &str) -> UserError {
    FaceError::Clipboard(why.to_owned()).into()
}
