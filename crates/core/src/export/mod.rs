//! Export: one profile's settings in the format the user pastes them into (DESIGN.md §6), and
//! import of Portolan's own JSON. The password is left out unless the caller asks for it; then
//! the result carries a warning.
//!
//! - `escape`: quoting for each syntax (shell, PHP, JSON/JS/Python, XML, dotenv, msmtp, …).
//! - `apps`: `.env`, Laravel, Django, Nodemailer, PHPMailer, WordPress (WP Mail SMTP,
//!   FluentSMTP).
//! - `system`: plain-text card, SMTP URL, msmtprc, Postfix, Thunderbird autoconfig.
//! - `check`: "check it from the other machine" commands (openssl, swaks, PowerShell).
//! - `host_check`: the one-file PHP page that runs the network steps on a web host.
//! - `formats`: the format ids, their names and the picker's groups.
//! - `password`: which password goes where it was left out (app password, API key, …).
//! - `portolan_json`: Portolan's own importable JSON, export and strict import.

mod apps;
mod check;
pub mod escape;
mod formats;
mod host_check;
mod password;
mod portolan_json;
mod system;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::ports::Security;
use crate::sensitive::Sensitive;
use crate::settings::{FieldError, SmtpSettings};

pub use formats::{
    format_groups, formats, info, FormatGroup, FormatGroupInfo, FormatId, FormatInfo,
};
pub use host_check::{host_check_page, HostCheckStamp, HOST_CHECK_VALID_FOR};
pub use password::password_words;
pub use portolan_json::{import_json, ImportError, Imported, FORMAT_TAG, MAX_IMPORT_LEN};

/// What stands where the password goes when it is left out.
pub const PASSWORD_PLACEHOLDER: &str = "your-password-here";

/// What to export: a profile's (or the wizard's) settings, and the password if one is known.
#[derive(Debug, Clone)]
pub struct ExportInput {
    /// The profile's name, used in headings and comments.
    pub name: Option<String>,
    /// The saved profile's id, when there is one (msmtp can read the keychain by it).
    pub profile_id: Option<String>,
    /// The settings.
    pub settings: SmtpSettings,
    /// The password; only written when `include_password` is set.
    pub password: Option<Sensitive<String>>,
    /// The catalogue id of the provider or sending service the settings were made for
    /// (Portolan's own JSON carries it, so an imported profile shows its notes again).
    pub provider_id: Option<String>,
}

/// An export, ready for the clipboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Exported {
    /// The format.
    pub format: FormatId,
    /// The text to paste.
    pub text: String,
    /// Whether `text` contains the password.
    pub includes_password: bool,
    /// Things the user must know (above all: "this contains your password").
    pub warnings: Vec<String>,
    /// A file name to suggest when saving.
    pub file_name: Option<String>,
    /// The host check page's file name and expiry (`check_php` only), to give back for the
    /// copy of the same page.
    pub stamp: Option<HostCheckStamp>,
}

/// What copying an export to the clipboard did. The text itself is not sent back to the window,
/// so a password included for one paste never sits in the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CopyOutcome {
    /// The format copied.
    pub format: FormatId,
    /// Whether the copied text contains the password.
    pub includes_password: bool,
    /// Things the user must know (above all: "this contains your password").
    pub warnings: Vec<String>,
    /// What was copied, in one sentence to show and announce.
    pub message: String,
    /// The host check page copied (`check_php` only): the one asked for, or a new one when
    /// that one had expired.
    pub stamp: Option<HostCheckStamp>,
}

impl From<&Exported> for CopyOutcome {
    fn from(e: &Exported) -> Self {
        let label = info(e.format).label;
        let message = if e.includes_password {
            format!(
                "Copied the {label} text to the clipboard, with the password. Paste it where it \
                 is needed, then copy something else so the password does not stay in the \
                 clipboard."
            )
        } else {
            format!("Copied the {label} text to the clipboard, without the password.")
        };
        Self {
            format: e.format,
            includes_password: e.includes_password,
            warnings: e.warnings.clone(),
            message,
            stamp: e.stamp.clone(),
        }
    }
}

impl CopyOutcome {
    /// The outcome of a password copy that the app marks for clipboard managers to skip and
    /// clears after `seconds`: the message says so instead of asking the user to do it.
    pub fn cleared_after(mut self, seconds: u64) -> Self {
        if self.includes_password {
            let label = info(self.format).label;
            self.message = format!(
                "Copied the {label} text to the clipboard, with the password. Paste it where \
                 it is needed. Clipboard managers are asked not to keep it, and Portolan clears \
                 it from the clipboard in {seconds} seconds unless you copy something else \
                 first."
            );
        }
        self
    }
}

/// Why an export could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The settings do not validate.
    #[error("{}", join_fields(.0))]
    InvalidSettings(Vec<FieldError>),
    /// `include_password` was asked but no password is known.
    #[error("There is no saved password to include.")]
    NoPassword,
    /// A value cannot be written in this format's syntax.
    #[error("The {field} cannot be written in the {format} format: it {reason}.")]
    NotRepresentable {
        /// The format's label.
        format: String,
        /// The field, in plain words.
        field: String,
        /// Why.
        reason: String,
    },
}

fn join_fields(errs: &[FieldError]) -> String {
    errs.iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl ExportError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ExportError::InvalidSettings(_) => ErrorCode::InvalidSettings,
            ExportError::NoPassword => ErrorCode::ExportNoPassword,
            ExportError::NotRepresentable { .. } => ErrorCode::ExportNotRepresentable,
        }
    }

    /// What to try next.
    pub fn hint(&self) -> &'static str {
        self.code().hint()
    }
}

impl From<ExportError> for UserError {
    fn from(e: ExportError) -> Self {
        UserError::with_code_hint(e.code(), e.to_string())
    }
}

/// A value that cannot be written: which field, and why.
pub(crate) struct Unwritable {
    pub field: &'static str,
    pub reason: String,
}

impl Unwritable {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// What a renderer sees.
pub(crate) struct Ctx<'a> {
    pub s: &'a SmtpSettings,
    pub name: Option<&'a str>,
    pub profile_id: Option<&'a str>,
    /// The password to write, only when the caller asked for it.
    pub password: Option<&'a str>,
    /// The provider or sending service the settings were made for.
    pub provider_id: Option<&'a str>,
}

impl Ctx<'_> {
    /// The user name when the profile signs in.
    pub fn user(&self) -> Option<&str> {
        self.s.username.as_deref()
    }

    /// The password, or the placeholder.
    pub fn password_or_placeholder(&self) -> &str {
        self.password.unwrap_or(PASSWORD_PLACEHOLDER)
    }

    /// "for "Work"" or "", for headings.
    pub fn title(&self) -> String {
        match self.name {
            Some(n) => format!(
                "SMTP settings for \"{}\", exported by Portolan.",
                escape::comment(n)
            ),
            None => "SMTP settings exported by Portolan.".to_owned(),
        }
    }
}

/// The security option in plain words, with the names apps use for it.
pub(crate) fn security_words(sec: Security) -> &'static str {
    match sec {
        Security::Tls => "Encrypted from the start (also called \"SSL/TLS\" or \"implicit TLS\")",
        Security::Starttls => "Upgrade with STARTTLS",
        Security::None => "No encryption",
    }
}

/// The settings in `format`. The password is written only when `include_password` is set
/// (and then a warning says so); otherwise a placeholder says where it goes. A host check page
/// is a new one (see [`export_stamped`]).
pub fn export(
    format: FormatId,
    input: &ExportInput,
    include_password: bool,
) -> Result<Exported, ExportError> {
    export_stamped(format, input, include_password, None)
}

/// As [`export`]; a host check page is the one `stamp` names when it is still usable
/// ([`HostCheckStamp::usable`]), else a new one. Other formats ignore `stamp`.
pub fn export_stamped(
    format: FormatId,
    input: &ExportInput,
    include_password: bool,
    stamp: Option<&HostCheckStamp>,
) -> Result<Exported, ExportError> {
    let stamp = (format == FormatId::CheckPhp).then(|| {
        stamp
            .filter(|s| s.usable(host_check::now()))
            .cloned()
            .unwrap_or_default()
    });
    input
        .settings
        .validate()
        .map_err(ExportError::InvalidSettings)?;
    let meta = info(format);
    let mut warnings = Vec::new();
    let signs_in = input.settings.username.is_some();
    let password = if include_password && meta.can_hold_password && signs_in {
        Some(
            input
                .password
                .as_ref()
                .ok_or(ExportError::NoPassword)?
                .expose()
                .as_str(),
        )
    } else {
        None
    };
    if include_password && !signs_in {
        warnings.push(
            "This profile sends without signing in, so there is no password to include.".into(),
        );
    } else if include_password && !meta.can_hold_password {
        warnings.push(format!(
            "The {} format has no place for a password, so it was left out.",
            meta.label
        ));
    }
    if input.settings.cert_exception.is_some() && format != FormatId::Json {
        warnings.push(format!(
            "Your choice to trust this server's certificate stays in Portolan: {} has no place \
             for it, so the app will refuse the certificate unless it trusts it by itself.",
            meta.label
        ));
    }
    let ctx = Ctx {
        s: &input.settings,
        name: input.name.as_deref(),
        profile_id: input.profile_id.as_deref(),
        password,
        provider_id: input.provider_id.as_deref(),
    };
    let rendered = match format {
        FormatId::Card => system::card(&ctx),
        FormatId::Json => portolan_json::export_json(&ctx),
        FormatId::SmtpUrl => system::smtp_url(&ctx),
        FormatId::Env => apps::env(&ctx),
        FormatId::Laravel => apps::laravel(&ctx),
        FormatId::Django => apps::django(&ctx),
        FormatId::Nodemailer => apps::nodemailer(&ctx),
        FormatId::Phpmailer => apps::phpmailer(&ctx),
        FormatId::WpMailSmtp => apps::wp_mail_smtp(&ctx),
        FormatId::Fluentsmtp => apps::fluentsmtp(&ctx),
        FormatId::Msmtprc => system::msmtprc(&ctx),
        FormatId::Postfix => system::postfix(&ctx),
        FormatId::Thunderbird => system::thunderbird(&ctx),
        FormatId::CheckOpenssl => check::openssl(&ctx),
        FormatId::CheckSwaks => check::swaks(&ctx),
        FormatId::CheckPowershell => check::powershell(&ctx),
        FormatId::CheckPhp => host_check::page(
            &ctx,
            stamp.as_ref().map_or_else(host_check::now, |s| s.expires),
        ),
    };
    let text = rendered.map_err(|u| ExportError::NotRepresentable {
        format: meta.label.clone(),
        field: u.field.to_owned(),
        reason: u.reason,
    })?;
    let includes_password = password.is_some();
    if includes_password {
        warnings.insert(
            0,
            "This text contains your password. Paste it only where it is needed, never into \
             a chat or a ticket, and clear the clipboard afterwards."
                .into(),
        );
        if matches!(format, FormatId::CheckSwaks | FormatId::SmtpUrl) {
            warnings.push(
                "A password on a command line or in a URL can end up in shell history and \
                 logs; prefer typing it when asked."
                    .into(),
            );
        }
    }
    let file_name = if let Some(s) = &stamp {
        let name = s.file_name();
        warnings.extend(host_check::warnings(&name));
        Some(name)
    } else {
        meta.file_name
    };
    Ok(Exported {
        format,
        text,
        includes_password,
        warnings,
        file_name,
        stamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_check_page_given_back_is_the_page_copied() {
        let input = ExportInput {
            name: None,
            profile_id: None,
            settings: SmtpSettings {
                host: "mail.example.com".into(),
                port: 587,
                security: Security::Starttls,
                username: Some("a@example.com".into()),
                from: "a@example.com".into(),
                allow_plaintext_auth: false,
                cert_exception: None,
                ehlo_name: None,
            },
            password: Some(Sensitive::new("Stamp-Canary-Pw".into())),
            provider_id: None,
        };
        let preview = export(FormatId::CheckPhp, &input, false).unwrap();
        let stamp = preview.stamp.clone().unwrap();
        assert_eq!(
            preview.file_name.as_deref(),
            Some(stamp.file_name().as_str())
        );
        assert!(preview
            .warnings
            .iter()
            .any(|w| w.contains(&stamp.file_name())));
        assert!(preview
            .text
            .contains(&format!("define('PORTOLAN_EXPIRES', {});", stamp.expires)));
        // The copy a second later, with the password asked for: the same page, byte for byte.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let copy = export_stamped(FormatId::CheckPhp, &input, true, Some(&stamp)).unwrap();
        assert_eq!(copy.text, preview.text);
        assert_eq!(copy.file_name, preview.file_name);
        assert_eq!(copy.stamp.as_ref(), Some(&stamp));
        assert!(!copy.includes_password && !copy.text.contains("Stamp-Canary-Pw"));
        // Without the stamp it is a new page; an expired or forged one is replaced.
        let other = export(FormatId::CheckPhp, &input, false).unwrap();
        assert_ne!(other.file_name, preview.file_name);
        for bad in [
            HostCheckStamp {
                expires: host_check::now() - 1,
                ..stamp.clone()
            },
            HostCheckStamp {
                token: "../../x.php".into(),
                ..stamp.clone()
            },
        ] {
            let e = export_stamped(FormatId::CheckPhp, &input, false, Some(&bad)).unwrap();
            let made = e.stamp.unwrap();
            assert_ne!(made, bad);
            assert!(made.usable(host_check::now()));
        }
        // Other formats carry no stamp.
        let env = export_stamped(FormatId::Env, &input, false, Some(&stamp)).unwrap();
        assert_eq!(env.stamp, None);
    }

    #[test]
    fn a_trusted_certificate_is_said_not_to_travel_except_in_portolan_files() {
        let input = ExportInput {
            name: None,
            profile_id: None,
            settings: SmtpSettings {
                host: "mail.example.com".into(),
                port: 465,
                security: Security::Tls,
                username: None,
                from: "a@example.com".into(),
                allow_plaintext_auth: false,
                cert_exception: Some(crate::settings::CertException {
                    host: "mail.example.com".into(),
                    port: 465,
                    sha256: ["ab"; 32].join(":"),
                }),
                ehlo_name: None,
            },
            password: None,
            provider_id: None,
        };
        let laravel = export(FormatId::Laravel, &input, false).unwrap();
        assert!(
            laravel
                .warnings
                .iter()
                .any(|w| w.contains("trust this server's certificate")),
            "{:?}",
            laravel.warnings
        );
        let json = export(FormatId::Json, &input, false).unwrap();
        assert!(json.warnings.is_empty(), "{:?}", json.warnings);
    }

    #[test]
    fn every_format_is_in_exactly_one_group() {
        let groups = format_groups();
        assert_eq!(
            groups.iter().map(|g| g.group).collect::<Vec<_>>(),
            FormatGroup::ALL
        );
        let mut listed: Vec<&str> = groups
            .iter()
            .flat_map(|g| g.formats.iter().map(|f| f.id.as_str()))
            .collect();
        let mut all: Vec<&str> = FormatId::ALL.iter().map(|f| f.as_str()).collect();
        listed.sort_unstable();
        all.sort_unstable();
        assert_eq!(listed, all, "each format once");
        for g in &groups {
            assert_eq!(g.label, g.group.label());
            assert!(g.formats.iter().all(|f| f.group == g.group));
        }
    }
}
