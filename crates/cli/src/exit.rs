//! The one exit-code table of every subcommand. A failure's status comes from its
//! [`ErrorCode`] (an exhaustive match: a new code does not compile until it has a row here), a
//! finished check's from the stage that failed, as swaks does. `--help` prints this table.

use std::process::ExitCode;

use portolan_core::check::{Report, Stage};
use portolan_core::error::ErrorCode;

/// Every way a command ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray)]
pub enum Exit {
    /// The command did what was asked.
    Done,
    /// The command line, the settings, a name or a file is wrong.
    Usage,
    /// The keyring could not be used.
    Keyring,
    /// The profiles file could not be read or written.
    ProfilesFile,
    /// This computer lacks something Portolan needs.
    System,
    /// The server name was not found.
    Resolve,
    /// The connection failed.
    Connect,
    /// The greeting was missing or wrong.
    Greeting,
    /// EHLO was refused.
    Ehlo,
    /// Encryption failed.
    Encryption,
    /// Sign-in failed.
    SignIn,
    /// The sender address was refused.
    Sender,
    /// The recipient address was refused.
    Recipient,
    /// The message was refused.
    Message,
    /// Cancelled, or out of time.
    Cancelled,
    /// `probe`: no port works.
    NoPortWorks,
    /// `discover`: nothing found.
    NothingFound,
    /// Portolan itself failed.
    Internal,
    /// The reader of the output went away (`portolan … | head`).
    ClosedPipe,
}

impl Exit {
    /// The process's exit status.
    pub fn status(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Usage => 2,
            Exit::Keyring => 3,
            Exit::ProfilesFile => 4,
            Exit::System => 5,
            Exit::Resolve => 10,
            Exit::Connect => 11,
            Exit::Greeting => 12,
            Exit::Ehlo => 13,
            Exit::Encryption => 14,
            Exit::SignIn => 15,
            Exit::Sender => 16,
            Exit::Recipient => 17,
            Exit::Message => 18,
            Exit::Cancelled => 19,
            Exit::NoPortWorks => 20,
            Exit::NothingFound => 21,
            Exit::Internal => 70,
            // 128 + SIGPIPE, what a shell reports for a program stopped by a closed pipe.
            Exit::ClosedPipe => 141,
        }
    }

    /// What the status means, for `--help`.
    fn meaning(self) -> &'static str {
        match self {
            Exit::Done => "everything worked",
            Exit::Usage => {
                "the command line, the settings, a name or a file is wrong (nothing was sent \
                 or changed)"
            }
            Exit::Keyring => "the keyring could not be used (nothing was changed)",
            Exit::ProfilesFile => "the profiles file could not be read or written",
            Exit::System => {
                "this computer lacks something Portolan needs (its trusted certificate \
                 authorities)"
            }
            Exit::Resolve => "the server name was not found",
            Exit::Connect => "the connection failed (refused, no answer, no route)",
            Exit::Greeting => "the server's greeting was missing or wrong",
            Exit::Ehlo => "the server refused hello (EHLO)",
            Exit::Encryption => "encryption failed (STARTTLS, handshake or certificate)",
            Exit::SignIn => "sign-in failed",
            Exit::Sender => "the sender address was refused",
            Exit::Recipient => "the recipient address was refused",
            Exit::Message => "the message was refused",
            Exit::Cancelled => "cancelled, or the whole check took too long",
            Exit::NoPortWorks => "probe: no port works",
            Exit::NothingFound => "discover: no settings were found",
            Exit::Internal => "Portolan itself failed",
            Exit::ClosedPipe => "the output was closed before everything was written",
        }
    }

    /// The status of a failure with this code.
    pub fn for_error(code: ErrorCode) -> Exit {
        use ErrorCode as C;
        match code {
            C::KeychainUnavailable
            | C::KeychainLocked
            | C::KeychainPromptDismissed
            | C::KeychainAccessDenied
            | C::KeychainEntryNotFound
            | C::KeychainInterrupted
            | C::KeychainPasswordMissing
            | C::KeychainInvalidValue
            | C::KeychainFailed => Exit::Keyring,
            C::ProfilesNoConfigDir | C::ProfilesIo => Exit::ProfilesFile,
            C::ProfileNotFound
            | C::ProfileAmbiguous
            | C::ProfileInvalidName
            | C::ProfileDuplicateName
            | C::ProfileIdTaken
            | C::ProfilesTooMany
            | C::InvalidSettings
            | C::InvalidAddress
            | C::InvalidOption
            | C::InvalidTimeout
            | C::MissingFrom
            | C::PasswordUnreadable
            | C::ExportNoPassword
            | C::ExportNotRepresentable
            | C::ImportInvalid
            | C::ImportUnreadable
            | C::CaFileInvalid => Exit::Usage,
            C::TrustStoreUnavailable | C::ClipboardFailed | C::BrowserFailed => Exit::System,
            C::LinkRefused => Exit::Usage,
            C::CatalogueDamaged | C::Internal => Exit::Internal,
        }
    }

    /// The status of a finished check or send: the stage that failed.
    pub fn for_report(report: &Report) -> Exit {
        if report.verdict.code.is_ok() {
            return Exit::Done;
        }
        // Stopped by the user: whichever step was waiting, the answer is "cancelled".
        if report.verdict.code == portolan_core::verdict::VerdictCode::Cancelled {
            return Exit::Cancelled;
        }
        match report.failed_stage() {
            Some(Stage::Resolve) => Exit::Resolve,
            Some(Stage::Connect) => Exit::Connect,
            Some(Stage::Greeting) => Exit::Greeting,
            Some(Stage::Ehlo) => Exit::Ehlo,
            Some(Stage::Starttls | Stage::Tls) => Exit::Encryption,
            Some(Stage::Auth) => Exit::SignIn,
            Some(Stage::MailFrom) => Exit::Sender,
            Some(Stage::RcptTo) => Exit::Recipient,
            Some(Stage::Data) => Exit::Message,
            Some(Stage::Quit) | None => Exit::Cancelled,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.status())
    }
}

/// The table as `--help` shows it, after every subcommand's options.
pub fn help() -> String {
    use strum::VariantArray;
    let mut s = String::from("Exit codes (the same for every command):\n");
    for e in Exit::VARIANTS {
        s.push_str(&format!("{:>4}  {}\n", e.status(), e.meaning()));
    }
    s.push_str(
        "\nWith --json, a failure prints {\"error\": {\"code\", \"message\", \"hint\"}} on \
         standard output.\nThe password is never taken from the command line: use the prompt, \
         --password-stdin,\nor the PORTOLAN_PASSWORD environment variable.",
    );
    s
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn every_status_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for e in Exit::VARIANTS {
            assert!(seen.insert(e.status()), "{e:?} shares its status");
        }
        let help = help();
        for e in Exit::VARIANTS {
            assert!(
                help.contains(&format!("{:>4}  {}", e.status(), e.meaning())),
                "{help}"
            );
        }
    }

    #[test]
    fn the_readme_documents_the_same_table() {
        let readme = include_str!("../../../README.md");
        for e in Exit::VARIANTS {
            let row = match e.status() {
                10..=18 => "| 10–18 | `check`/`send`: the stage that failed".to_owned(),
                n => format!("| {n} | {}", e.meaning()),
            };
            assert!(readme.contains(&row), "README.md lacks {row:?}");
        }
    }

    #[test]
    fn every_error_code_has_a_failure_status() {
        for code in ErrorCode::VARIANTS {
            let e = Exit::for_error(*code);
            assert_ne!(e, Exit::Done, "{code}");
            assert!(
                matches!(
                    e,
                    Exit::Usage
                        | Exit::Keyring
                        | Exit::ProfilesFile
                        | Exit::System
                        | Exit::Internal
                ),
                "{code}: {e:?} is for finished checks"
            );
        }
        assert_eq!(Exit::for_error(ErrorCode::KeychainLocked), Exit::Keyring);
        assert_eq!(Exit::for_error(ErrorCode::ProfilesIo), Exit::ProfilesFile);
    }
}
