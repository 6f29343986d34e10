//! The failures the faces (the app's shell and the CLI) meet around the engine, with their
//! words: the faces only show them.

use super::FieldError;
use super::{ErrorCode, UserError};

/// Where a password was being read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSource {
    /// The first line of standard input (`--password-stdin`).
    Stdin,
    /// The prompt on the terminal.
    Prompt,
}

/// The failures the faces (the app's shell and the CLI) meet around the engine: reading a
/// password or a file, an option, the clipboard. The words are here, with the engine's; the
/// faces only show them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaceError {
    /// Options that do not describe usable settings, each named as typed (`--host`, …).
    #[error("{}", join_options(.0))]
    Options(Vec<FieldError>),
    /// A saved profile's settings do not validate.
    #[error("{}", join_messages(.problems))]
    SavedProfile {
        /// The profile's name as given.
        name: String,
        /// What is wrong.
        problems: Vec<FieldError>,
    },
    /// An address given as an option is not usable.
    #[error("{option}: {message}")]
    AddressOption {
        /// The option, e.g. `--to`.
        option: String,
        /// What is wrong with it.
        message: String,
    },
    /// An option's value is out of range or of the wrong kind.
    #[error("{0}")]
    BadOption(OptionProblem),
    /// The command line itself was refused (an unknown option, a missing value); the message
    /// is the parser's.
    #[error("{0}")]
    CommandLine(String),
    /// The timeout is not a usable number of seconds.
    #[error("The timeout {0} is not usable.")]
    Timeout(f64),
    /// The test email has no sender.
    #[error("The test email needs a sender address.")]
    MissingFrom,
    /// The password could not be read.
    #[error("The password could not be read{} ({reason}).", match .from {
        PasswordSource::Stdin => " from standard input",
        PasswordSource::Prompt => "",
    })]
    Password {
        /// From where.
        from: PasswordSource,
        /// The system's reason.
        reason: String,
    },
    /// The file to import could not be read.
    #[error("The file {path} could not be read ({reason}).")]
    ImportUnreadable {
        /// The file.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// The file to import is not text.
    #[error("The file {0} is not a text file.")]
    ImportNotText(String),
    /// The clipboard refused the text.
    #[error("Portolan could not put the text on the clipboard ({0}).")]
    Clipboard(String),
    /// The text to copy is longer than the clipboard commands take.
    #[error(
        "This text is too long to copy ({kib} KiB; Portolan copies at most {limit_kib} KiB), so \
         nothing was copied."
    )]
    CopyTooLong {
        /// Its size, rounded up.
        kib: usize,
        /// The most that is copied.
        limit_kib: usize,
    },
    /// The system browser did not open the page.
    #[error("Portolan could not open your web browser ({reason}).")]
    Browser {
        /// The page.
        url: String,
        /// The system's reason.
        reason: String,
    },
    /// The command could not start its work (no threads, no timers).
    #[error("Portolan could not start ({0}).")]
    Start(String),
    /// The result could not be written as JSON.
    #[error("Portolan could not write the result as JSON ({0}).")]
    Json(String),
    /// A command failed without saying why in Portolan's words (the window's IPC refused it).
    #[error("Something went wrong inside Portolan.")]
    Unexpected,
}

/// An option whose value is out of range or of the wrong kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionProblem {
    /// Discovery's time budget.
    #[error("The time budget must be between 0 and 120 seconds.")]
    Budget,
    /// A web address that is not one.
    #[error("\"{0}\" is not a web address.")]
    NotWebAddress(String),
}

fn join_options(errs: &[FieldError]) -> String {
    errs.iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("\n  ")
}

fn join_messages(errs: &[FieldError]) -> String {
    errs.iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("\n  ")
}

impl FaceError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            FaceError::Options(_) | FaceError::SavedProfile { .. } => ErrorCode::InvalidSettings,
            FaceError::AddressOption { .. } => ErrorCode::InvalidAddress,
            FaceError::BadOption(_) | FaceError::CommandLine(_) => ErrorCode::InvalidOption,
            FaceError::Timeout(_) => ErrorCode::InvalidTimeout,
            FaceError::MissingFrom => ErrorCode::MissingFrom,
            FaceError::Password { .. } => ErrorCode::PasswordUnreadable,
            FaceError::ImportUnreadable { .. } => ErrorCode::ImportUnreadable,
            FaceError::ImportNotText(_) => ErrorCode::ImportInvalid,
            FaceError::Clipboard(_) | FaceError::CopyTooLong { .. } => ErrorCode::ClipboardFailed,
            FaceError::Browser { .. } => ErrorCode::BrowserFailed,
            FaceError::Start(_) | FaceError::Json(_) | FaceError::Unexpected => ErrorCode::Internal,
        }
    }

    /// What to try next, when the situation says more than the code's own hint.
    pub fn hint(&self) -> String {
        match self {
            FaceError::SavedProfile { name, .. } => format!(
                "The saved profile \"{name}\" has this problem: save it again with corrected \
                 settings (portolan profiles save)."
            ),
            FaceError::Options(_) | FaceError::AddressOption { .. } => {
                ErrorCode::InvalidOption.hint().to_owned()
            }
            FaceError::BadOption(OptionProblem::Budget) => "Try --budget 8.".to_owned(),
            FaceError::CommandLine(_) => {
                "See the command's options with --help, then run it again.".to_owned()
            }
            FaceError::BadOption(OptionProblem::NotWebAddress(_)) => {
                "Give a URL starting with https://.".to_owned()
            }
            FaceError::Password {
                from: PasswordSource::Prompt,
                ..
            } => "Use --password-stdin or the PORTOLAN_PASSWORD variable instead.".to_owned(),
            FaceError::ImportNotText(_) => "Choose the .json file Portolan exported.".to_owned(),
            FaceError::CopyTooLong { .. } => {
                "Select the text in the window and copy it yourself.".to_owned()
            }
            FaceError::Browser { url, .. } => {
                format!("Open this page in your browser yourself ({url}).")
            }
            other => other.code().hint().to_owned(),
        }
    }
}

impl From<FaceError> for UserError {
    fn from(e: FaceError) -> Self {
        UserError::new(e.code(), e.to_string(), e.hint())
    }
}
