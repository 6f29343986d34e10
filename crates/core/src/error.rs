//! The error shape every face shows: a stable `code` to switch on, a plain `message` for the
//! user, and a `hint` saying what to try next. Never built from `Debug` output.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error as the user sees it, serialised as `{ code, message, hint }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    /// Stable, snake_case; the UI and scripts switch on it. Never renamed.
    pub code: String,
    /// What happened, in plain words.
    pub message: String,
    /// What to do next.
    pub hint: String,
}

impl UserError {
    /// A new error from its three parts.
    pub fn new(code: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}
