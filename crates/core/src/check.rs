//! The step-by-step check of one `SmtpSettings` (with or without a password): name lookup →
//! connect → greeting → EHLO → encryption and certificate → sign-in → goodbye. Each step is
//! reported live, bounded in time, and the first failure becomes a [`Verdict`]; the verdict
//! does not wait for the server's answer to goodbye.
//!
//! The session itself is the crate-internal `session` room's; the report's types are
//! [`crate::report`]'s and are re-exported here, where the app, the CLI and the tests have
//! always found them.
//!
//! [`Verdict`]: crate::verdict::Verdict

use crate::error::UserError;
use crate::observer::Observer;
use crate::sensitive::Password;
use crate::settings::SmtpSettings;

pub use crate::report::{Report, ServerInfo, Stage, Step, StepStatus};
pub use crate::session::{CheckOptions, FindProvider};

/// Checks `settings` step by step. With `password` `None`, stops before sign-in (verdict
/// `ok_without_auth` when everything else works). Never fails: every problem is a verdict,
/// except settings or trust options that are unusable before any network traffic.
pub async fn check(
    settings: &SmtpSettings,
    password: Option<&Password>,
    opts: &CheckOptions,
    observer: &dyn Observer,
) -> Result<Report, UserError> {
    crate::session::run(settings, password, opts, observer, async |_, _| Ok(None)).await
}
