//! The invariants behind the fuzz targets (`fuzz/`) and their seed corpora
//! (`tests/fuzz_corpus.rs`): each function takes any bytes, runs one parser or validator of the
//! engine on them and panics when a promise of that code is broken. Not part of the API.
//!
//! Inputs are read the way the seeds are written, so a seed stays readable:
//! - [`smtp_reply`]: the bytes a server sends; the first byte also picks the chunk size they
//!   arrive in.
//! - [`redactor`]: line 1 the user, line 2 the password, then one dialogue line per line:
//!   `S: ` server, `C: ` client, `N: ` note, `R` a new command after a failed exchange.
//!   `{PLAIN}`, `{SECRET64}`, `{USER64}` and `{SECRET}` stand for the credentials as the
//!   engine sends them (a server line may quote them back).
//! - [`autoconfig`]: a clientConfig XML document.
//! - [`import`]: the text pasted into "Import a Portolan file".
//! - [`settings`]: the fields of `SmtpSettings` separated by `0xff` bytes (never in UTF-8):
//!   host, port, security, user name (`0xfe` alone for none), from, plaintext flag, and the
//!   certificate exception's host, port and fingerprint (absent when these are missing).

// The job of this module is to panic, loudly, when an invariant does not hold. Messages name
// lengths and positions, never a password.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod autoconfig;
mod import;
mod redactor;
mod settings;
mod smtp_reply;

pub use autoconfig::autoconfig;
pub use import::import;
pub use redactor::redactor;
pub use settings::{settings, settings_from};
pub use smtp_reply::{read_replies, smtp_reply};
