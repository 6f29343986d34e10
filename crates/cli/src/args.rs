//! The options several subcommands share, and how they become the core's types: the server
//! and sign-in, the password source, the extra CA, timeouts, and `PORT:SECURITY` pairs.
//! (`--json` is global: see `main.rs`.)

use std::path::PathBuf;
use std::time::Duration;

use portolan_core::error::{FaceError, UserError};
use portolan_core::ports::Security;
use portolan_core::profiles::{Profile, ProfileStore};
use portolan_core::settings::{FieldError, SmtpSettings};
use portolan_core::tls::Trust;
use portolan_core::words::cli_help;

/// The connection and sign-in options of `check`, `send` and `profiles save`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectionArgs {
    #[arg(long, value_parser = parse_port, allow_negative_numbers = true, help = cli_help::PORT)]
    pub port: Option<u16>,
    #[arg(long, default_value = "starttls", help = cli_help::SECURITY)]
    pub security: Security,
    /// The sign-in name (often the full address). Without it, sign-in is not tried.
    #[arg(long)]
    pub user: Option<String>,
    /// The sender address (defaults to --user when it is an address).
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long, help = cli_help::ALLOW_PLAINTEXT_AUTH)]
    pub allow_plaintext_auth: bool,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

impl ConnectionArgs {
    /// The settings these options describe for `host`; `from` falls back to `--user` when it
    /// is an address, then to `default_from`.
    pub fn settings(&self, host: &str, default_from: &str) -> SmtpSettings {
        let port = self.port.unwrap_or(self.security.default_port());
        let from = self
            .from
            .clone()
            .or_else(|| self.user.clone().filter(|u| u.contains('@')))
            .unwrap_or_else(|| default_from.to_owned());
        SmtpSettings {
            host: host.to_owned(),
            port,
            security: self.security,
            username: self.user.clone(),
            from,
            allow_plaintext_auth: self.allow_plaintext_auth,
            cert_exception: None,
            ehlo_name: None,
        }
    }

    /// Whether a sender address was given, directly or as the user name.
    pub fn has_from(&self) -> bool {
        self.from.is_some() || self.user.as_deref().is_some_and(|u| u.contains('@'))
    }
}

/// The server options of `check` and `send`: a saved profile, or the server described.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// The mail server's name, e.g. smtp.example.com.
    #[arg(long, required_unless_present = "profile")]
    pub host: Option<String>,
    /// Use a saved profile's settings and its password from the keyring instead of --host
    /// and the other server options.
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["host", "port", "user", "from", "allow_plaintext_auth"]
    )]
    pub profile: Option<String>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Give up after this many seconds in total (each step gets at most a third).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
    /// Also print the redacted SMTP transcript.
    #[arg(long)]
    pub transcript: bool,
    /// The name this computer gives in its hello (EHLO), e.g. laptop.example.com, for servers
    /// that want a full name; by default its address, such as [192.0.2.1].
    #[arg(long, value_name = "NAME")]
    pub ehlo: Option<String>,
}

/// The settings to use, and the saved profile they came from.
#[derive(Debug)]
pub struct Resolved {
    /// The settings, validated.
    pub settings: SmtpSettings,
    /// The profile named by `--profile`.
    pub profile: Option<Profile>,
}

impl ServerArgs {
    /// The saved profile's settings, or the ones the options describe; refused (naming each
    /// wrong option, or the profile) before any network traffic.
    pub fn resolve(&self) -> Result<Resolved, UserError> {
        match &self.profile {
            Some(key) => {
                let profile = ProfileStore::open_default()?.find(key)?;
                profile
                    .settings
                    .validate()
                    .map_err(|problems| FaceError::SavedProfile {
                        name: key.clone(),
                        problems,
                    })?;
                Ok(Resolved {
                    settings: profile.settings.clone(),
                    profile: Some(profile),
                })
            }
            None => {
                let settings = self.connection.settings(
                    self.host.as_deref().unwrap_or_default(),
                    "portolan-check@example.invalid",
                );
                validate_options(&settings)?;
                Ok(Resolved {
                    settings,
                    profile: None,
                })
            }
        }
    }
}

/// `--ca-file`, shared by every command that makes a TLS connection.
#[derive(Debug, Clone, clap::Args)]
pub struct TrustArgs {
    /// Trust the certificate authorities in this PEM file as well as the system's.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

impl TrustArgs {
    /// The trust to use: `None` for the system's authorities only.
    pub fn trust(&self) -> Result<Option<Trust>, UserError> {
        Ok(match &self.ca_file {
            Some(p) => Some(Trust::with_extra_ca_file(p)?),
            None => None,
        })
    }
}

/// The option a settings field comes from, to name it in messages.
fn option_of(field: &str) -> &str {
    match field {
        "host" => "--host",
        "port" => "--port",
        "username" => "--user",
        "from" => "--from",
        "security" => "--security",
        other => other,
    }
}

/// Refuses settings described by options, naming each wrong option.
pub fn validate_options(settings: &SmtpSettings) -> Result<(), UserError> {
    settings.validate().map_err(|errs| {
        FaceError::Options(
            errs.into_iter()
                .map(|e| FieldError {
                    field: option_of(&e.field).to_owned(),
                    message: e.message,
                })
                .collect(),
        )
        .into()
    })
}

/// A positional or option value checked by the core: the problem named after `option`.
pub fn option_problem(option: &str, message: String) -> UserError {
    FaceError::Options(vec![FieldError {
        field: option.to_owned(),
        message,
    }])
    .into()
}

/// Parses a number of seconds: more than 0, at most an hour.
pub fn seconds(secs: f64) -> Result<Duration, UserError> {
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(FaceError::Timeout(secs).into());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses `--port`: a whole number from 1 to 65535, with a sentence saying what to type.
pub fn parse_port(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(portolan_core::words::bad_port(s)),
    }
}

/// Parses `PORT:SECURITY`, e.g. `587:starttls`.
pub fn parse_port_security(s: &str) -> Result<(u16, Security), String> {
    let (port, sec) = s
        .split_once(':')
        .ok_or_else(|| portolan_core::words::bad_port_security(s))?;
    Ok((parse_port(port)?, sec.parse()?))
}
