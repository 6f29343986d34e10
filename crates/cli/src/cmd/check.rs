//! `portolan check`: the step-by-step check of one configuration, and the pieces `send` and
//! `probe` share with it (server options, password sources, printing, exit codes).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use portolan_core::check::{CheckOptions, Report, Stage, StepStatus};
use portolan_core::error::{ErrorCode, UserError};
use portolan_core::observer::Event;
use portolan_core::ports::Security;
use portolan_core::profiles::{Profile, ProfileStore};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::Password;
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;

/// The exit codes, shown in `--help`. They name the stage that failed, as swaks does.
pub const EXIT_CODES: &str = "\
Exit codes:
   0  everything worked
   2  the command line or the settings are wrong (nothing was sent)
  10  the server name was not found
  11  the connection failed (refused, no answer, no route)
  12  the server's greeting was missing or wrong
  13  the server refused hello (EHLO)
  14  encryption failed (STARTTLS, handshake or certificate)
  15  sign-in failed
  16  the sender address was refused
  17  the recipient address was refused
  18  the message was refused
  19  cancelled, or the whole check took too long
  20  probe: no port works
  70  Portolan itself failed

The password is never taken from the command line: use the prompt, --password-stdin, or
the PORTOLAN_PASSWORD environment variable.";

/// Server options shared by `check` and `send`.
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
    /// The port (465, 587, 2525, 25, …); defaults to 465 for tls, 587 otherwise.
    #[arg(long, value_parser = parse_port, allow_negative_numbers = true)]
    pub port: Option<u16>,
    /// How the connection is protected: tls (encrypted from the start), starttls (upgrade
    /// with STARTTLS) or none.
    #[arg(long, default_value = "starttls")]
    pub security: Security,
    /// The sign-in name (often the full address). Without it, sign-in is not tried.
    #[arg(long)]
    pub user: Option<String>,
    /// The sender address (defaults to --user when it is an address).
    #[arg(long)]
    pub from: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Trust the certificate authorities in this PEM file as well as the system's.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Allow sending the password over an unencrypted connection (unsafe).
    #[arg(long)]
    pub allow_plaintext_auth: bool,
    /// Give up after this many seconds in total (each step gets at most a third).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
    /// Print the report as JSON (verdict code, steps, TLS, redacted transcript).
    #[arg(long)]
    pub json: bool,
    /// Also print the redacted SMTP transcript.
    #[arg(long)]
    pub transcript: bool,
}

/// Options of `portolan check`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

impl ServerArgs {
    /// The settings to use: the saved profile's, or the ones the options describe.
    pub fn resolve(&self) -> Result<SmtpSettings, UserError> {
        match &self.profile {
            Some(key) => Ok(self.saved_profile(key)?.settings),
            None => Ok(self.settings()),
        }
    }

    fn saved_profile(&self, key: &str) -> Result<Profile, UserError> {
        Ok(ProfileStore::open_default()?.find(key)?)
    }

    /// The settings these options describe.
    pub fn settings(&self) -> SmtpSettings {
        let port = self.port.unwrap_or(self.security.default_port());
        let from = self
            .from
            .clone()
            .or_else(|| self.user.clone().filter(|u| u.contains('@')))
            .unwrap_or_else(|| "portolan-check@example.invalid".to_owned());
        SmtpSettings {
            host: self.host.clone().unwrap_or_default(),
            port,
            security: self.security,
            username: self.user.clone(),
            from,
            allow_plaintext_auth: self.allow_plaintext_auth,
            cert_exception: None,
        }
    }

    /// Bounds, trust and cancellation (Ctrl-C cancels).
    pub fn options(&self) -> Result<CheckOptions, UserError> {
        let trust = match &self.ca_file {
            Some(p) => Some(Trust::with_extra_ca_file(p)?),
            None => None,
        };
        let total = timeout(self.timeout)?;
        Ok(CheckOptions {
            trust,
            ..CheckOptions::default()
        }
        .with_total_timeout(total))
    }

    /// The password: --password-stdin, then PORTOLAN_PASSWORD, then a prompt on a terminal.
    /// `None` when there is no user name or no way to ask.
    /// With --profile: --password-stdin, PORTOLAN_PASSWORD, then the profile's keyring entry.
    pub fn password(&self) -> Result<Option<Password>, UserError> {
        let Some(key) = &self.profile else {
            return read_password(self.user.as_deref(), self.password_stdin);
        };
        let profile = self.saved_profile(key)?;
        let Some(user) = profile.settings.username.as_deref() else {
            return Ok(None);
        };
        if self.password_stdin || std::env::var_os("PORTOLAN_PASSWORD").is_some() {
            return read_password(Some(user), self.password_stdin);
        }
        if !profile.password_saved {
            return read_password(Some(user), false);
        }
        Ok(portolan_core::profiles::profile_password(
            &Keychain::platform(),
            &profile,
        )?)
    }
}

/// The password for `user`: the first line of standard input when `stdin` is set, then
/// PORTOLAN_PASSWORD, then a prompt on a terminal. `None` without a user name or a way to ask.
pub fn read_password(user: Option<&str>, stdin: bool) -> Result<Option<Password>, UserError> {
    let Some(user) = user else {
        return Ok(None);
    };
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            UserError::new(
                ErrorCode::PasswordUnreadable,
                format!("The password could not be read from standard input ({e})."),
                "Pipe the password on the first line, e.g. from your password manager.",
            )
        })?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        return Ok(Some(Password::new(pw)));
    }
    if let Ok(pw) = std::env::var("PORTOLAN_PASSWORD") {
        return Ok(Some(Password::new(pw)));
    }
    if std::io::stdin().is_terminal() {
        let pw = rpassword::prompt_password(format!("Password for {user}: ")).map_err(|e| {
            UserError::new(
                ErrorCode::PasswordUnreadable,
                format!("The password could not be read ({e})."),
                "Use --password-stdin or the PORTOLAN_PASSWORD variable instead.",
            )
        })?;
        return Ok(Some(Password::new(pw)));
    }
    Ok(None)
}

/// Parses `--port`: a whole number from 1 to 65535, with a sentence saying what to type.
pub fn parse_port(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!(
            "the port must be a whole number from 1 to 65535, not \"{}\". Use 587 (or 465 \
             with --security tls) unless your provider says otherwise",
            s.escape_debug()
        )),
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

/// Refuses unusable settings before any network traffic, naming each wrong option (or, for
/// a saved profile, the profile) and what to type instead.
pub fn validate_settings(settings: &SmtpSettings, profile: Option<&str>) -> Result<(), UserError> {
    settings.validate().map_err(|errs| {
        let message = errs
            .iter()
            .map(|e| match profile {
                Some(_) => e.message.clone(),
                None => format!("{}: {}", option_of(&e.field), e.message),
            })
            .collect::<Vec<_>>()
            .join("\n  ");
        let hint = match profile {
            Some(p) => format!(
                "The saved profile \"{p}\" has this problem: save it again with corrected \
                 settings (portolan profiles save)."
            ),
            None => "Correct the option and run the command again.".to_owned(),
        };
        UserError::new(ErrorCode::InvalidSettings, message, hint)
    })
}

/// Parses `--timeout`.
pub fn timeout(secs: f64) -> Result<Duration, UserError> {
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(UserError::new(
            ErrorCode::InvalidTimeout,
            format!("The timeout {secs} is not usable."),
            "Give a number of seconds between 0.1 and 3600, e.g. --timeout 30.",
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A tokio runtime for one command, with Ctrl-C wired to `cancel`.
pub fn runtime() -> Result<tokio::runtime::Runtime, UserError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| UserError::new(ErrorCode::Internal, format!("Could not start ({e})."), ""))
}

/// Cancels `token` on Ctrl-C.
pub fn cancel_on_ctrl_c(token: tokio_util::sync::CancellationToken) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            token.cancel();
        }
    });
}

/// Prints a user error and returns its exit code (2: nothing was sent).
pub fn fail(e: &UserError, json: bool) -> ExitCode {
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "error": e })).unwrap_or_default()
        );
    } else {
        eprintln!("✗ {}", e.message);
        if !e.hint.is_empty() {
            eprintln!("  {}", e.hint);
        }
    }
    ExitCode::from(2)
}

/// The exit code naming the failing stage.
pub fn exit_code(report: &Report) -> u8 {
    if report.verdict.code.is_ok() {
        return 0;
    }
    match report.failed_stage() {
        Some(Stage::Resolve) => 10,
        Some(Stage::Connect) => 11,
        Some(Stage::Greeting) => 12,
        Some(Stage::Ehlo) => 13,
        Some(Stage::Starttls | Stage::Tls) => 14,
        Some(Stage::Auth) => 15,
        Some(Stage::MailFrom) => 16,
        Some(Stage::RcptTo) => 17,
        Some(Stage::Data) => 18,
        Some(Stage::Quit) | None => 19,
    }
}

/// A step as one line: `  ✓ Connect — Connected to 1.2.3.4:587 (3 ms)`.
pub fn step_line(step: &portolan_core::check::Step) -> String {
    let mark = match step.status {
        StepStatus::Ok => "✓",
        StepStatus::Failed => "✗",
        StepStatus::Skipped => "–",
        StepStatus::Warning => "!",
    };
    let mut s = format!(
        "  {mark} {} — {} ({} ms)",
        step.stage.label(),
        step.summary,
        step.duration_ms
    );
    if let Some(d) = &step.detail {
        s.push_str(&format!("\n      {d}"));
    }
    s
}

/// An observer that prints each step as it finishes (human output only).
pub fn live_printer(json: bool) -> impl Fn(Event) + Send + Sync {
    move |e| {
        if json {
            return;
        }
        if let Event::StepFinished { step } = e {
            outln!("{}", step_line(&step));
            let _ = std::io::stdout().flush();
        }
    }
}

/// The verdict, the fixes and (optionally) the transcript, after the live steps.
pub fn print_conclusion(report: &Report, transcript: bool) {
    let v = &report.verdict;
    let mark = if v.code.is_ok() { "✓" } else { "✗" };
    outln!("\n{mark} {} [{}]", v.title, v.code);
    outln!("{}", wrap(&v.explanation, 76, "  "));
    if let Some(tls) = &report.tls {
        if let Some(c) = tls.chain.first() {
            outln!(
                "  Certificate: for {}; issued by {}; valid until {}",
                c.names.join(", "),
                c.issuer,
                c.not_after
            );
            outln!("  Fingerprint (SHA-256): {}", c.sha256);
        }
    }
    if let Some(sent) = &report.sent {
        outln!("  Accepted for {}: {}", sent.to, sent.reply);
    }
    if !v.fixes.is_empty() {
        outln!("  What you can do:");
        for f in &v.fixes {
            outln!("   • {}", f.label);
        }
    }
    if transcript {
        outln!("\nTranscript (passwords removed):");
        for l in &report.transcript {
            let who = match l.direction {
                portolan_core::transcript::Direction::Client => "C:",
                portolan_core::transcript::Direction::Server => "S:",
                portolan_core::transcript::Direction::Note => "--",
            };
            outln!("  {who} {}", l.text);
        }
    }
}

/// Greedy word wrap with an indent.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        lines.push(line);
    }
    lines.join("\n")
}

/// Prints the report as JSON, or the conclusion (steps were printed live).
pub fn finish(report: &Report, args: &ServerArgs) -> ExitCode {
    if args.json {
        match serde_json::to_string_pretty(report) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("Could not write the report as JSON: {e}");
                return ExitCode::from(70);
            }
        }
    } else {
        print_conclusion(report, args.transcript);
    }
    ExitCode::from(exit_code(report))
}

/// Runs the check and prints it.
pub fn run(args: Args) -> ExitCode {
    let a = &args.server;
    let result = (|| {
        let settings = a.resolve()?;
        validate_settings(&settings, a.profile.as_deref())?;
        let opts = a.options()?;
        let password = a.password()?;
        Ok::<_, UserError>((settings, opts, password))
    })();
    let (settings, opts, password) = match result {
        Ok(x) => x,
        Err(e) => return fail(&e, a.json),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(&e, a.json),
    };
    if !a.json {
        outln!(
            "Checking {} port {} ({}){}…",
            settings.host,
            settings.port,
            settings.security.label(),
            match (&settings.username, &password) {
                (Some(u), Some(_)) => format!(", signing in as {u}"),
                (Some(_), None) => ", without a password (sign-in not tested)".to_owned(),
                _ => String::new(),
            }
        );
    }
    let printer = live_printer(a.json);
    let report = rt.block_on(async {
        cancel_on_ctrl_c(opts.cancel.clone());
        portolan_core::check::check(&settings, password.as_ref(), &opts, &printer).await
    });
    match report {
        Ok(r) => finish(&r, a),
        Err(e) => fail(&e, a.json),
    }
}
