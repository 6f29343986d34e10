//! Export: one profile's settings in the format the user pastes them into (DESIGN.md §6), and
//! import of Portolan's own JSON. The password is left out unless the caller asks for it; then
//! the result carries a warning.
//!
//! - `escape`: quoting for each syntax (shell, PHP, JSON/JS/Python, XML, dotenv, msmtp, …).
//! - `apps`: `.env`, Laravel, Django, Nodemailer, PHPMailer, WordPress (WP Mail SMTP,
//!   FluentSMTP).
//! - `system`: plain-text card, SMTP URL, msmtprc, Postfix, Thunderbird autoconfig.
//! - `check`: "check it from the other machine" commands (openssl, swaks, PowerShell).
//! - `portolan_json`: Portolan's own importable JSON, export and strict import.

mod apps;
mod check;
pub mod escape;
mod portolan_json;
mod system;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, UserError};
use crate::ports::Security;
use crate::sensitive::Sensitive;
use crate::settings::{FieldError, SmtpSettings};

pub use portolan_json::{import_json, ImportError, Imported, FORMAT_TAG, MAX_IMPORT_LEN};

/// What stands where the password goes when it is left out.
pub const PASSWORD_PLACEHOLDER: &str = "your-password-here";

/// Every export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FormatId {
    /// Plain-text card for people, printers and web forms.
    Card,
    /// Portolan's own JSON (importable).
    Json,
    /// One `smtp://` / `smtps://` URL.
    SmtpUrl,
    /// Generic `.env` with `SMTP_*` variables.
    Env,
    /// Laravel `.env` (`MAIL_*`).
    Laravel,
    /// Django `settings.py` (`EMAIL_*`).
    Django,
    /// Nodemailer (Node.js) snippet.
    Nodemailer,
    /// PHPMailer snippet.
    Phpmailer,
    /// WordPress `wp-config.php` constants for WP Mail SMTP (`WPMS_*`).
    WpMailSmtp,
    /// WordPress `wp-config.php` constants for FluentSMTP.
    Fluentsmtp,
    /// msmtp's `~/.msmtprc`.
    Msmtprc,
    /// Postfix `main.cf` relay lines and `sasl_passwd`.
    Postfix,
    /// Thunderbird autoconfig XML (clientConfig v1.1).
    Thunderbird,
    /// `openssl s_client` command that checks the connection from another machine.
    CheckOpenssl,
    /// `swaks` command that checks connection and sign-in from another machine.
    CheckSwaks,
    /// PowerShell `Test-NetConnection` command (Windows servers).
    CheckPowershell,
}

impl FormatId {
    /// Every format, in the order the picker lists them.
    pub const ALL: [FormatId; 16] = [
        FormatId::Card,
        FormatId::Env,
        FormatId::Laravel,
        FormatId::Django,
        FormatId::Nodemailer,
        FormatId::Phpmailer,
        FormatId::WpMailSmtp,
        FormatId::Fluentsmtp,
        FormatId::SmtpUrl,
        FormatId::Msmtprc,
        FormatId::Postfix,
        FormatId::Thunderbird,
        FormatId::Json,
        FormatId::CheckOpenssl,
        FormatId::CheckSwaks,
        FormatId::CheckPowershell,
    ];

    /// The id as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FormatId::Card => "card",
            FormatId::Json => "json",
            FormatId::SmtpUrl => "smtp_url",
            FormatId::Env => "env",
            FormatId::Laravel => "laravel",
            FormatId::Django => "django",
            FormatId::Nodemailer => "nodemailer",
            FormatId::Phpmailer => "phpmailer",
            FormatId::WpMailSmtp => "wp_mail_smtp",
            FormatId::Fluentsmtp => "fluentsmtp",
            FormatId::Msmtprc => "msmtprc",
            FormatId::Postfix => "postfix",
            FormatId::Thunderbird => "thunderbird",
            FormatId::CheckOpenssl => "check_openssl",
            FormatId::CheckSwaks => "check_swaks",
            FormatId::CheckPowershell => "check_powershell",
        }
    }
}

impl std::fmt::Display for FormatId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FormatId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let want = s.trim().to_ascii_lowercase().replace('-', "_");
        FormatId::ALL
            .into_iter()
            .find(|f| f.as_str() == want)
            .ok_or_else(|| {
                let ids: Vec<&str> = FormatId::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "\"{s}\" is not an export format. Use one of: {}.",
                    ids.join(", ")
                )
            })
    }
}

/// The picker's groups of formats, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FormatGroup {
    /// The settings themselves: a card, a URL, Portolan's file.
    Settings,
    /// Apps and websites (.env, frameworks, WordPress).
    App,
    /// Servers and mail programs (msmtp, Postfix, Thunderbird).
    Server,
    /// Commands that check the settings from another machine.
    Check,
}

impl FormatGroup {
    /// Every group, in the picker's order.
    pub const ALL: [FormatGroup; 4] = [
        FormatGroup::Settings,
        FormatGroup::App,
        FormatGroup::Server,
        FormatGroup::Check,
    ];

    /// The group's heading in the picker.
    pub fn label(self) -> &'static str {
        match self {
            FormatGroup::Settings => "The settings as text",
            FormatGroup::App => "Apps and websites",
            FormatGroup::Server => "Servers and mail programs",
            FormatGroup::Check => "Check from another machine",
        }
    }
}

/// One group of the picker with its heading and formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormatGroupInfo {
    /// The group.
    pub group: FormatGroup,
    /// Its heading.
    pub label: String,
    /// Its formats, in the picker's order.
    pub formats: Vec<FormatInfo>,
}

/// The picker: each group that has formats, with its formats in display order.
pub fn format_groups() -> Vec<FormatGroupInfo> {
    let all = formats();
    FormatGroup::ALL
        .into_iter()
        .map(|group| FormatGroupInfo {
            group,
            label: group.label().to_owned(),
            formats: all.iter().filter(|f| f.group == group).cloned().collect(),
        })
        .filter(|g| !g.formats.is_empty())
        .collect()
}

/// One entry of the UI's format picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FormatInfo {
    /// The format's id.
    pub id: FormatId,
    /// A short name, e.g. "Laravel (.env)".
    pub label: String,
    /// One sentence: where this goes.
    pub description: String,
    /// The picker's group.
    pub group: FormatGroup,
    /// Whether the format has a place for the password at all.
    pub can_hold_password: bool,
    /// Why no password can be included, for a format without a place for one.
    pub password_note: Option<String>,
    /// A file name to suggest when saving, if the format is a file.
    pub file_name: Option<String>,
}

/// The formats for the UI's picker, in display order.
pub fn formats() -> Vec<FormatInfo> {
    FormatId::ALL.into_iter().map(info).collect()
}

/// The picker entry of one format.
pub fn info(id: FormatId) -> FormatInfo {
    use FormatGroup as G;
    let (label, description, group, holds, file): (&str, &str, FormatGroup, bool, Option<&str>) =
        match id {
            FormatId::Card => (
                "Plain text",
                "The settings as a short list, for a web form, a printer, a scanner or an \
                 email to your IT person.",
                G::Settings,
                true,
                None,
            ),
            FormatId::Json => (
                "Portolan file (JSON)",
                "Portolan's own format: import it into Portolan on another computer.",
                G::Settings,
                true,
                Some("portolan-profile.json"),
            ),
            FormatId::SmtpUrl => (
                "SMTP URL",
                "One line such as smtps://user@host:465, for apps that take a mail URL or DSN.",
                G::Settings,
                true,
                None,
            ),
            FormatId::Env => (
                ".env (SMTP_*)",
                "Generic environment variables for a .env file or a hosting control panel.",
                G::App,
                true,
                Some(".env"),
            ),
            FormatId::Laravel => (
                "Laravel (.env)",
                "The MAIL_* lines of a Laravel application's .env file.",
                G::App,
                true,
                Some(".env"),
            ),
            FormatId::Django => (
                "Django (settings.py)",
                "The EMAIL_* settings for a Django project's settings.py.",
                G::App,
                true,
                Some("settings.py"),
            ),
            FormatId::Nodemailer => (
                "Nodemailer (Node.js)",
                "A createTransport call for Node.js applications using Nodemailer.",
                G::App,
                true,
                None,
            ),
            FormatId::Phpmailer => (
                "PHPMailer (PHP)",
                "The PHPMailer set-up lines for a PHP website or script.",
                G::App,
                true,
                None,
            ),
            FormatId::WpMailSmtp => (
                "WordPress: WP Mail SMTP",
                "WPMS_* constants for wp-config.php, used by the WP Mail SMTP plugin.",
                G::App,
                true,
                Some("wp-config.php"),
            ),
            FormatId::Fluentsmtp => (
                "WordPress: FluentSMTP",
                "The user name and password constants for wp-config.php, and what to type in \
                 FluentSMTP's connection form.",
                G::App,
                true,
                Some("wp-config.php"),
            ),
            FormatId::Msmtprc => (
                "msmtp (~/.msmtprc)",
                "An account for msmtp, the small sendmail replacement on Linux and macOS.",
                G::Server,
                true,
                Some(".msmtprc"),
            ),
            FormatId::Postfix => (
                "Postfix relay",
                "main.cf lines and the sasl_passwd file to relay a server's mail through this \
                 account.",
                G::Server,
                true,
                Some("sasl_passwd"),
            ),
            FormatId::Thunderbird => (
                "Thunderbird autoconfig (XML)",
                "A clientConfig file that mail programs like Thunderbird read to set up the \
                 outgoing server. It never holds a password.",
                G::Server,
                false,
                Some("config-v1.1.xml"),
            ),
            FormatId::CheckOpenssl => (
                "Check with openssl",
                "A command that tests the encrypted connection from another machine (a web \
                 host or a server).",
                G::Check,
                false,
                None,
            ),
            FormatId::CheckSwaks => (
                "Check with swaks",
                "A command that tests connection and sign-in from another machine, without \
                 sending an email.",
                G::Check,
                true,
                None,
            ),
            FormatId::CheckPowershell => (
                "Check with PowerShell",
                "A Test-NetConnection command that tests whether the port is reachable from a \
                 Windows machine.",
                G::Check,
                false,
                None,
            ),
        };
    FormatInfo {
        id,
        label: label.to_owned(),
        description: description.to_owned(),
        group,
        can_hold_password: holds,
        password_note: (!holds).then(|| "This format has no place for a password.".to_owned()),
        file_name: file.map(str::to_owned),
    }
}

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
        }
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
        Security::Tls => {
            "Encrypted from the start (apps may call it \"SSL/TLS\", \"SSL\" or \"implicit TLS\")"
        }
        Security::Starttls => "Upgrade with STARTTLS (apps may call it \"STARTTLS\" or \"TLS\")",
        Security::None => "No encryption",
    }
}

/// The settings in `format`. The password is written only when `include_password` is set
/// (and then a warning says so); otherwise a placeholder says where it goes.
pub fn export(
    format: FormatId,
    input: &ExportInput,
    include_password: bool,
) -> Result<Exported, ExportError> {
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
    Ok(Exported {
        format,
        text,
        includes_password,
        warnings,
        file_name: meta.file_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
