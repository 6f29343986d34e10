//! The Portolan engine: everything the desktop app and the `portolan` CLI do, with no GUI.
//!
//! Each module is a room with one job; see `ARCHITECTURE.md` for how data flows between them.

pub mod bindings;
pub mod error;
pub mod ports;
pub mod settings;
