//! The Portolan engine: everything the desktop app and the `portolan` CLI do, with no GUI.
//!
//! Each module is a room with one job; see `ARCHITECTURE.md` for how data flows between them.

pub mod about;
pub mod address;
pub mod bindings;
pub mod check;
pub mod delivery;
pub mod diagnose;
pub mod discover;
pub mod error;
pub mod export;
#[doc(hidden)]
#[cfg(feature = "fuzzing")]
pub mod fuzz_support;
pub mod net;
pub mod observer;
pub mod ports;
pub mod probe;
pub mod profiles;
pub(crate) mod recorder;
pub mod report;
pub mod requests;
pub mod secrets;
pub mod send;
pub mod sensitive;
pub(crate) mod session;
pub mod settings;
pub mod smtp;
pub mod tls;
pub mod transcript;
pub mod verdict;
pub mod words;
