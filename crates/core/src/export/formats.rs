//! The formats and the picker's groups: ids, names, one sentence each, and where they go.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    /// A one-file PHP page that checks the server from a web host (no password, expires).
    CheckPhp,
}

impl FormatId {
    /// Every format, in the order the picker lists them.
    pub const ALL: [FormatId; 17] = [
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
        FormatId::CheckPhp,
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
            FormatId::CheckPhp => "check_php",
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
            FormatId::CheckPhp => (
                "Check from your web host (PHP page)",
                "A one-file page for WordPress and other PHP hosts: upload it, open it in the \
                 browser, and it checks from the host that this server answers (no password \
                 in it). It stops working after an hour; delete it afterwards.",
                G::Check,
                false,
                Some("portolan-check.php"),
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
