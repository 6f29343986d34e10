//! The step-by-step check of one `SmtpSettings` (with or without a password): name lookup →
//! connect → greeting → EHLO → encryption and certificate → sign-in → QUIT. Each step is
//! reported live, bounded in time, and the first failure becomes a [`Verdict`].

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::diagnose::{self, Context, Failure};
use crate::error::UserError;
use crate::net;
use crate::observer::{Event, Observer};
use crate::ports::Security;
use crate::send::{SendPlan, SentInfo};
use crate::sensitive::Password;
use crate::settings::SmtpSettings;
use crate::smtp::conn::Wire;
use crate::smtp::{Conn, Reply, SmtpError};
use crate::tls::{self, TlsFailure, TlsInfo, Trust};
use crate::transcript::{escape_bytes, Transcript, TranscriptLine};
use crate::verdict::Verdict;

/// A step of the dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Looking up the server name.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// Setting up encryption and checking the certificate.
    Tls,
    /// Waiting for the server's greeting.
    Greeting,
    /// Saying hello (EHLO) and reading what the server offers.
    Ehlo,
    /// Asking to upgrade with STARTTLS.
    Starttls,
    /// Signing in.
    Auth,
    /// Giving the sender address.
    MailFrom,
    /// Giving the recipient address.
    RcptTo,
    /// Sending the message.
    Data,
    /// Saying goodbye.
    Quit,
}

impl Stage {
    /// The step's plain-words name.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Resolve => "Look up the server name",
            Stage::Connect => "Connect",
            Stage::Tls => "Encryption and certificate",
            Stage::Greeting => "Server greeting",
            Stage::Ehlo => "Say hello (EHLO)",
            Stage::Starttls => "Upgrade with STARTTLS",
            Stage::Auth => "Sign in",
            Stage::MailFrom => "Sender address",
            Stage::RcptTo => "Recipient address",
            Stage::Data => "Send the message",
            Stage::Quit => "Say goodbye",
        }
    }

    /// The stage's name in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Resolve => "resolve",
            Stage::Connect => "connect",
            Stage::Tls => "tls",
            Stage::Greeting => "greeting",
            Stage::Ehlo => "ehlo",
            Stage::Starttls => "starttls",
            Stage::Auth => "auth",
            Stage::MailFrom => "mail_from",
            Stage::RcptTo => "rcpt_to",
            Stage::Data => "data",
            Stage::Quit => "quit",
        }
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// It worked.
    Ok,
    /// It failed; the verdict explains.
    Failed,
    /// Not done (e.g. sign-in without a password).
    Skipped,
    /// It worked with a caveat (e.g. the server did not say goodbye properly).
    Warning,
}

/// One finished step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Step {
    /// Which step.
    pub stage: Stage,
    /// How it ended.
    pub status: StepStatus,
    /// How long it took.
    pub duration_ms: u32,
    /// One line, plain words.
    pub summary: String,
    /// More, for the curious and for helpdesks.
    pub detail: Option<String>,
}

/// What the server announced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServerInfo {
    /// The greeting text (after `220`).
    pub banner: String,
    /// The name the server gave in its EHLO reply.
    pub ehlo_domain: String,
    /// Every EHLO keyword line, as sent.
    pub keywords: Vec<String>,
    /// The AUTH mechanisms offered (uppercase).
    pub auth_mechanisms: Vec<String>,
    /// The largest message accepted, in bytes (SIZE), if announced.
    #[ts(type = "number | null")]
    pub size_limit: Option<u64>,
    /// STARTTLS offered.
    pub starttls: bool,
    /// PIPELINING offered.
    pub pipelining: bool,
    /// 8BITMIME offered.
    pub eight_bit_mime: bool,
    /// SMTPUTF8 offered.
    pub smtputf8: bool,
    /// Whether these keywords were read over an encrypted connection.
    pub encrypted: bool,
}

impl ServerInfo {
    /// Reads the keywords of an EHLO reply.
    pub fn from_ehlo(banner: &str, reply: &Reply, encrypted: bool) -> Self {
        let mut info = ServerInfo {
            banner: banner.to_owned(),
            ehlo_domain: reply
                .lines
                .first()
                .and_then(|l| l.split_whitespace().next())
                .unwrap_or_default()
                .to_owned(),
            encrypted,
            ..Self::default()
        };
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split([' ', '=']);
            let kw = words.next().unwrap_or_default().to_ascii_uppercase();
            match kw.as_str() {
                "AUTH" => {
                    for m in words.filter(|w| !w.is_empty()) {
                        let m = m.to_ascii_uppercase();
                        if !info.auth_mechanisms.contains(&m) {
                            info.auth_mechanisms.push(m);
                        }
                    }
                }
                "SIZE" => info.size_limit = words.next().and_then(|w| w.parse().ok()),
                "STARTTLS" => info.starttls = true,
                "PIPELINING" => info.pipelining = true,
                "8BITMIME" => info.eight_bit_mime = true,
                "SMTPUTF8" => info.smtputf8 = true,
                _ => {}
            }
            info.keywords.push(line.clone());
        }
        info
    }
}

/// Everything a check found, for the app, the CLI's JSON and helpdesks. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Report {
    /// The server name checked.
    pub host: String,
    /// The port checked.
    pub port: u16,
    /// The security checked.
    pub security: Security,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The diagnosis.
    pub verdict: Verdict,
    /// What TLS showed (even when verification failed).
    pub tls: Option<TlsInfo>,
    /// What the server announced (after encryption, when there was some).
    pub server: Option<ServerInfo>,
    /// The dialogue, credentials redacted.
    pub transcript: Vec<TranscriptLine>,
    /// The test email's acceptance, for `send`.
    pub sent: Option<SentInfo>,
    /// How long everything took.
    pub total_ms: u32,
}

impl Report {
    /// The stage that failed, if any.
    pub fn failed_stage(&self) -> Option<Stage> {
        self.steps
            .iter()
            .find(|s| s.status == StepStatus::Failed)
            .map(|s| s.stage)
    }
}

/// Bounds and trust for a check. Defaults: connect 10 s, each command 10 s, all 30 s.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Bound for the name lookup and for the TCP connect.
    pub connect_timeout: Duration,
    /// Bound for each reply (greeting, EHLO, AUTH, …) and the TLS handshake.
    pub command_timeout: Duration,
    /// Bound for the whole check.
    pub total_timeout: Duration,
    /// Trusted authorities; `None` means the platform's.
    pub trust: Option<Trust>,
    /// The name given in EHLO; `None` means the local address as a literal (`[192.0.2.1]`),
    /// which reveals nothing the server does not already see.
    pub ehlo_name: Option<String>,
    /// On a security mismatch, open a second connection to find the mode that works.
    pub find_mismatch: bool,
    /// Cancelling it closes the connection at once.
    pub cancel: CancellationToken,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            trust: None,
            ehlo_name: None,
            find_mismatch: true,
            cancel: CancellationToken::new(),
        }
    }
}

impl CheckOptions {
    /// All three bounds scaled from one value (the CLI's `--timeout`): the whole check gets
    /// `total`, each step at most a third of it (and at most the defaults).
    pub fn with_total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = total;
        let third = (total / 3).max(Duration::from_millis(100));
        self.connect_timeout = self.connect_timeout.min(third);
        self.command_timeout = self.command_timeout.min(third);
        self
    }
}

/// Builds the report as steps happen, and streams them to the observer.
pub(crate) struct Recorder<'a> {
    start: Instant,
    steps: Vec<Step>,
    transcript: Transcript,
    current: Option<(Stage, Instant)>,
    observer: &'a dyn Observer,
    pub(crate) tls: Option<TlsInfo>,
    pub(crate) server: Option<ServerInfo>,
    /// The sign-in name and password, when a password is given: every form of it is removed
    /// from what the server says and from every summary, since servers may quote the
    /// credential back (e.g. `535 … failed for AHVzZXIA…`).
    secret: Option<(String, Password)>,
}

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(observer: &'a dyn Observer) -> Self {
        Self {
            start: Instant::now(),
            steps: Vec::new(),
            transcript: Transcript::new(),
            current: None,
            observer,
            tls: None,
            server: None,
            secret: None,
        }
    }

    /// `text` without any form of the password.
    fn scrub(&self, text: &str) -> String {
        match &self.secret {
            Some((user, pw)) => crate::transcript::scrub(text, user, pw.expose()),
            None => text.to_owned(),
        }
    }

    pub(crate) fn begin(&mut self, stage: Stage) {
        self.current = Some((stage, Instant::now()));
        self.observer.event(Event::StepStarted {
            stage,
            label: stage.label().to_owned(),
        });
    }

    pub(crate) fn end(&mut self, status: StepStatus, summary: String, detail: Option<String>) {
        let Some((stage, began)) = self.current.take() else {
            return;
        };
        let summary = self.scrub(&summary);
        let detail = detail.map(|d| self.scrub(&d));
        let step = Step {
            stage,
            status,
            duration_ms: ms(began.elapsed()),
            summary,
            detail,
        };
        self.steps.push(step.clone());
        self.observer.event(Event::StepFinished { step });
    }

    pub(crate) fn ok(&mut self, summary: impl Into<String>) {
        self.end(StepStatus::Ok, summary.into(), None);
    }

    pub(crate) fn fail(&mut self, summary: impl Into<String>, detail: Option<String>) {
        self.end(StepStatus::Failed, summary.into(), detail);
    }

    pub(crate) fn note(&mut self, text: &str) {
        let line = self.transcript.note(text, self.at());
        self.observer.event(Event::Transcript { line });
    }

    fn at(&self) -> u32 {
        ms(self.start.elapsed())
    }
}

impl Wire for Recorder<'_> {
    fn client_line(&mut self, line: &str) {
        let line = self.transcript.client(line, self.at());
        self.observer.event(Event::Transcript { line });
    }

    fn server_line(&mut self, line: &str) {
        let line = self.scrub(line);
        let line = self.transcript.server(&line, self.at());
        self.observer.event(Event::Transcript { line });
    }
}

/// A wire that records nothing (side connections used only to find a mismatch).
struct Silent;
impl Wire for Silent {
    fn client_line(&mut self, _: &str) {}
    fn server_line(&mut self, _: &str) {}
}

/// An open, greeted (and, when asked, encrypted and signed-in) SMTP session.
pub(crate) struct Session {
    pub(crate) conn: Conn,
    pub(crate) signed_in: bool,
}

/// What to do once the session is established.
pub(crate) enum Mode<'p> {
    Check,
    Send(&'p SendPlan),
}

/// Checks `settings` step by step. With `password` `None`, stops before sign-in (verdict
/// `ok_without_auth` when everything else works). Never fails: every problem is a verdict,
/// except settings or trust options that are unusable before any network traffic.
pub async fn check(
    settings: &SmtpSettings,
    password: Option<&Password>,
    opts: &CheckOptions,
    observer: &dyn Observer,
) -> Result<Report, UserError> {
    run(settings, password, opts, observer, Mode::Check).await
}

pub(crate) async fn run(
    settings: &SmtpSettings,
    password: Option<&Password>,
    opts: &CheckOptions,
    observer: &dyn Observer,
    mode: Mode<'_>,
) -> Result<Report, UserError> {
    settings.validate_for_user()?;
    if let Some(name) = &opts.ehlo_name {
        validate_ehlo_name(name)?;
    }
    let trust = match &opts.trust {
        Some(t) => t.clone(),
        None => Trust::platform()?,
    };
    let mut rec = Recorder::new(observer);
    if let (Some(user), Some(pw)) = (&settings.username, password) {
        rec.secret = Some((user.trim().to_owned(), pw.clone()));
    }
    let outcome = {
        let fut = dialogue(settings, password, opts, &trust, &mut rec, mode);
        tokio::select! {
            biased;
            () = opts.cancel.cancelled() => Err(Failure::Cancelled),
            r = tokio::time::timeout(opts.total_timeout, fut) => r.unwrap_or(Err(Failure::OverallTimeout)),
        }
    };
    if rec.current.is_some() {
        let why = match outcome {
            Err(Failure::Cancelled) => "Cancelled",
            _ => "Took too long",
        };
        rec.fail(why, None);
    }
    let (mut verdict, mut sent) = {
        let ctx = Context {
            settings,
            tls: rec.tls.as_ref(),
            server: rec.server.as_ref(),
        };
        match outcome {
            Ok((signed_in, sent)) => (diagnose::success(&ctx, signed_in), sent),
            Err(f) => (diagnose::diagnose(&f, &ctx), None),
        }
    };
    verdict.title = rec.scrub(&verdict.title);
    verdict.explanation = rec.scrub(&verdict.explanation);
    for fix in &mut verdict.fixes {
        fix.label = rec.scrub(&fix.label);
    }
    if let Some(sent) = &mut sent {
        sent.reply = rec.scrub(&sent.reply);
    }
    let total_ms = rec.at();
    Ok(Report {
        host: settings.host.clone(),
        port: settings.port,
        security: settings.security,
        steps: rec.steps,
        verdict,
        tls: rec.tls,
        server: rec.server,
        transcript: rec.transcript.into_lines(),
        sent,
        total_ms,
    })
}

/// The name given in EHLO goes on the command line as is: one word, no control characters.
fn validate_ehlo_name(name: &str) -> Result<(), UserError> {
    let bad = |m: String| {
        UserError::new(
            "invalid_settings",
            m,
            "Leave the EHLO name unset, or give this computer's name, such as \
             laptop.example.com.",
        )
    };
    crate::settings::validate_single_line("EHLO name", name, crate::settings::MAX_HOST_LEN)
        .map_err(bad)?;
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(bad(
            "The EHLO name is empty or contains a space; it must be one word.".into(),
        ));
    }
    // A domain name or an address literal such as [192.0.2.1] (RFC 5321 §4.1.3), in ASCII.
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']')))
    {
        return Err(bad(format!(
            "The EHLO name cannot contain \"{c}\"; it must be a name such as \
             laptop.example.com or an address such as [192.0.2.1]."
        )));
    }
    Ok(())
}

/// The whole dialogue; returns whether sign-in happened and, for a send, the acceptance.
async fn dialogue(
    settings: &SmtpSettings,
    password: Option<&Password>,
    opts: &CheckOptions,
    trust: &Trust,
    rec: &mut Recorder<'_>,
    mode: Mode<'_>,
) -> Result<(bool, Option<SentInfo>), Failure> {
    let mut session = establish(settings, password, opts, trust, rec).await?;
    let sent = match mode {
        Mode::Check => None,
        Mode::Send(plan) => Some(crate::send::transmit(&mut session.conn, rec, plan).await?),
    };
    rec.begin(Stage::Quit);
    match session.conn.command(rec, "QUIT").await {
        Ok(r) if r.code == 221 => rec.ok("Said goodbye"),
        Ok(r) => rec.end(
            StepStatus::Warning,
            format!("The server answered goodbye with {}", r.code),
            None,
        ),
        Err(_) => rec.end(
            StepStatus::Warning,
            "The server closed the connection without saying goodbye".into(),
            None,
        ),
    }
    session.conn.shutdown().await;
    Ok((session.signed_in, sent))
}

/// Failure of an SMTP read or write at `stage`.
pub(crate) fn smtp_failure(stage: Stage, e: SmtpError) -> Failure {
    // What answers a credential may quote it, cut where no redaction can recognise it.
    let e = match e {
        SmtpError::Closed { partial } if stage == Stage::Auth && !partial.is_empty() => {
            return Failure::NotSmtp {
                stage,
                first: "(an answer to the sign-in, not shown)".into(),
            }
        }
        SmtpError::LineTooLong { .. } | SmtpError::Malformed { .. } if stage == Stage::Auth => {
            return Failure::NotSmtp {
                stage,
                first: "(an answer to the sign-in, not shown)".into(),
            }
        }
        e => e,
    };
    match e {
        SmtpError::Timeout => Failure::Timeout { stage },
        SmtpError::Closed { partial } if partial.is_empty() => Failure::Closed { stage },
        SmtpError::Closed { partial } => Failure::NotSmtp {
            stage,
            first: escape_bytes(&partial, 64),
        },
        SmtpError::Io { message, .. } => Failure::Io { stage, message },
        SmtpError::LineTooLong { first } | SmtpError::Malformed { first } => Failure::NotSmtp {
            stage,
            first: escape_bytes(&first, 64),
        },
        SmtpError::ReplyTooLarge => Failure::NotSmtp {
            stage,
            first: "(a reply larger than Portolan accepts)".into(),
        },
    }
}

fn smtp_summary(e: &SmtpError, timeout: Duration) -> String {
    match e {
        SmtpError::Timeout => format!("No answer within {} s", timeout.as_secs_f32()),
        SmtpError::Closed { .. } => "The server closed the connection".into(),
        SmtpError::Io { message, .. } => format!("The connection broke ({message})"),
        SmtpError::LineTooLong { .. } | SmtpError::ReplyTooLarge => {
            "The server sent more than a mail server ever should".into()
        }
        SmtpError::Malformed { .. } => "The answer is not SMTP".into(),
    }
}

/// Sends a command at `stage` (already begun) and returns a reply, failing the step on error.
pub(crate) async fn step_command(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    stage: Stage,
    line: &str,
) -> Result<Reply, Failure> {
    match conn.command(rec, line).await {
        Ok(r) => Ok(r),
        Err(e) => {
            rec.fail(smtp_summary(&e, conn.timeout), None);
            Err(smtp_failure(stage, e))
        }
    }
}

/// The EHLO name: the local address as an RFC 5321 address literal.
fn address_literal(addr: Option<SocketAddr>) -> String {
    match addr.map(|a| a.ip()) {
        Some(std::net::IpAddr::V4(ip)) => format!("[{ip}]"),
        Some(std::net::IpAddr::V6(ip)) => format!("[IPv6:{ip}]"),
        None => "[127.0.0.1]".into(),
    }
}

fn tls_summary(f: &TlsFailure) -> String {
    match f {
        TlsFailure::Cert(_) => "The certificate was refused".into(),
        TlsFailure::NotTls => "The server did not answer with encryption".into(),
        TlsFailure::Closed => "The server hung up during the handshake".into(),
        TlsFailure::Timeout => "No answer to the start of encryption".into(),
        TlsFailure::Other(m) => format!("Encryption failed ({m})"),
    }
}

fn tls_ok_summary(info: Option<&TlsInfo>) -> String {
    let Some(i) = info else {
        return "Encrypted".into();
    };
    let mut s = format!("Encrypted with {}", i.version.as_deref().unwrap_or("TLS"));
    if let Some(c) = i.chain.first() {
        s.push_str(&format!(
            "; certificate for {} valid until {}",
            c.names.join(", "),
            c.not_after
        ));
    }
    if i.exception_used {
        s.push_str(" (trusted by your exception)");
    }
    s
}

/// Connects, greets, encrypts and signs in, as the settings say.
pub(crate) async fn establish(
    settings: &SmtpSettings,
    password: Option<&Password>,
    opts: &CheckOptions,
    trust: &Trust,
    rec: &mut Recorder<'_>,
) -> Result<Session, Failure> {
    // Validated before: an international name has an ASCII form, which DNS and TLS need.
    let host_ascii =
        crate::settings::host_ascii(&settings.host).unwrap_or_else(|()| settings.host.clone());
    let host = host_ascii.as_str();
    let port = settings.port;

    rec.begin(Stage::Resolve);
    let addrs = match net::resolve(host, port, opts.connect_timeout).await {
        Ok(a) => {
            let list: Vec<String> = a.iter().map(|x| x.ip().to_string()).collect();
            rec.ok(format!("{host} is at {}", list.join(", ")));
            a
        }
        Err(f) => {
            rec.fail(format!("No server called \"{host}\" was found"), None);
            return Err(Failure::Net(f));
        }
    };

    rec.begin(Stage::Connect);
    let (tcp, addr) = match net::connect(&addrs, opts.connect_timeout).await {
        Ok(x) => x,
        Err(f) => {
            let summary = match &f {
                net::NetFailure::Refused => format!("Port {port} refused the connection"),
                net::NetFailure::Timeout => format!(
                    "No answer on port {port} within {} s",
                    opts.connect_timeout.as_secs_f32()
                ),
                net::NetFailure::Unreachable(m) | net::NetFailure::Other(m) => {
                    format!("Could not connect ({m})")
                }
                _ => "Could not connect".into(),
            };
            rec.fail(summary, None);
            return Err(Failure::Net(f));
        }
    };
    rec.ok(format!("Connected to {addr}"));
    let ehlo_name = opts
        .ehlo_name
        .clone()
        .unwrap_or_else(|| address_literal(tcp.local_addr().ok()));

    let mut conn = if settings.security == Security::Tls {
        rec.begin(Stage::Tls);
        let (res, info) = tls::handshake(
            tcp,
            host,
            port,
            trust,
            settings.cert_exception.as_ref(),
            opts.command_timeout,
        )
        .await;
        rec.tls = info;
        match res {
            Ok(stream) => {
                rec.ok(tls_ok_summary(rec.tls.as_ref()));
                Conn::tls(stream, opts.command_timeout)
            }
            Err(TlsFailure::NotTls) => {
                rec.fail(
                    "The server answered in plain text, not with encryption",
                    None,
                );
                let works = if opts.find_mismatch {
                    rec.note("Checking whether the port works without encryption from the start");
                    plain_mode(addr, opts, &ehlo_name).await
                } else {
                    None
                };
                return Err(Failure::SecurityMismatch { works });
            }
            Err(f) => {
                let detail = rec.tls.as_ref().and_then(|i| i.verify_error.clone());
                rec.fail(tls_summary(&f), detail);
                return Err(Failure::Tls(f));
            }
        }
    } else {
        Conn::plain(tcp, opts.command_timeout)
    };

    rec.begin(Stage::Greeting);
    let banner = match conn.read_reply(rec).await {
        Ok(r) if r.code == 220 => {
            let banner = r.lines.join(" ");
            rec.ok(format!("The server said hello: {}", r.one_line()));
            banner
        }
        Ok(r) => {
            rec.fail(format!("The server answered {}", r.one_line()), None);
            return Err(Failure::Reply {
                stage: Stage::Greeting,
                reply: r,
            });
        }
        Err(SmtpError::Timeout) if settings.security != Security::Tls => {
            rec.fail(
                format!(
                    "No greeting within {} s",
                    opts.command_timeout.as_secs_f32()
                ),
                None,
            );
            drop(conn);
            if opts.find_mismatch {
                rec.note("Checking whether the port expects encryption from the start");
                if speaks_tls(addr, host, port, trust, opts).await {
                    return Err(Failure::SecurityMismatch {
                        works: Some(Security::Tls),
                    });
                }
            }
            return Err(Failure::GreetingTimeout);
        }
        Err(SmtpError::Timeout) => {
            rec.fail("No greeting after encryption was set up", None);
            return Err(Failure::GreetingTimeout);
        }
        Err(e) => {
            rec.fail(smtp_summary(&e, opts.command_timeout), None);
            return Err(smtp_failure(Stage::Greeting, e));
        }
    };

    let mut info = ehlo(&mut conn, rec, &ehlo_name, &banner).await?;

    if settings.security == Security::Starttls {
        rec.begin(Stage::Starttls);
        if !info.starttls {
            rec.fail("The server does not offer STARTTLS", None);
            return Err(Failure::StarttlsNotOffered);
        }
        let r = step_command(&mut conn, rec, Stage::Starttls, "STARTTLS").await?;
        if r.code != 220 {
            rec.fail(format!("The server answered {}", r.one_line()), None);
            return Err(Failure::Reply {
                stage: Stage::Starttls,
                reply: r,
            });
        }
        let (tcp, mut early) = match conn.into_plain() {
            Ok(x) => x,
            Err(_) => {
                rec.fail("The connection is already encrypted", None);
                return Err(Failure::Tls(TlsFailure::Other("already encrypted".into())));
            }
        };
        // Anything already received, or waiting in the socket, came before the handshake:
        // it can only be injected (RFC 3207 §4.2, CVE-2011-0411 and its many relatives).
        let mut probe = [0u8; 256];
        if let Ok(n) = tcp.try_read(&mut probe) {
            early.extend_from_slice(&probe[..n]);
        }
        if !early.is_empty() {
            rec.fail(
                "Data arrived between the STARTTLS answer and the encryption",
                Some(escape_bytes(&early, 64)),
            );
            return Err(Failure::StarttlsInjection {
                bytes: escape_bytes(&early, 64),
            });
        }
        rec.ok("The server agreed to upgrade");

        rec.begin(Stage::Tls);
        let (res, tls_info) = tls::handshake(
            tcp,
            host,
            port,
            trust,
            settings.cert_exception.as_ref(),
            opts.command_timeout,
        )
        .await;
        rec.tls = tls_info;
        match res {
            Ok(stream) => {
                rec.ok(tls_ok_summary(rec.tls.as_ref()));
                conn = Conn::tls(stream, opts.command_timeout);
            }
            Err(TlsFailure::NotTls) => {
                rec.fail("Plain data arrived instead of encryption", None);
                return Err(Failure::StarttlsInjection {
                    bytes: "(data that is not encryption)".into(),
                });
            }
            Err(f) => {
                let detail = rec.tls.as_ref().and_then(|i| i.verify_error.clone());
                rec.fail(tls_summary(&f), detail);
                return Err(Failure::Tls(f));
            }
        }
        // Everything learned before encryption is discarded (RFC 3207 §4.2): ask again.
        info = ehlo(&mut conn, rec, &ehlo_name, &banner).await?;
    }

    let mut signed_in = false;
    if let Some(user) = settings.username.as_deref().map(str::trim) {
        rec.begin(Stage::Auth);
        signed_in = auth(&mut conn, rec, settings, user, password, &info).await?;
    }
    Ok(Session { conn, signed_in })
}

async fn ehlo(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    name: &str,
    banner: &str,
) -> Result<ServerInfo, Failure> {
    rec.begin(Stage::Ehlo);
    let r = step_command(conn, rec, Stage::Ehlo, &format!("EHLO {name}")).await?;
    if r.code != 250 {
        rec.fail(format!("The server answered {}", r.one_line()), None);
        return Err(Failure::Reply {
            stage: Stage::Ehlo,
            reply: r,
        });
    }
    let info = ServerInfo::from_ehlo(banner, &r, conn.is_encrypted());
    let mut offers = Vec::new();
    if info.starttls {
        offers.push("STARTTLS".to_owned());
    }
    if !info.auth_mechanisms.is_empty() {
        offers.push(format!("sign-in ({})", info.auth_mechanisms.join(" ")));
    }
    if let Some(size) = info.size_limit.filter(|s| *s > 0) {
        offers.push(format!("messages up to {} MB", size / 1_000_000));
    }
    rec.ok(if offers.is_empty() {
        "The server answered hello".to_owned()
    } else {
        format!("The server offers {}", offers.join(", "))
    });
    rec.server = Some(info.clone());
    Ok(info)
}

/// Signs in (step already begun). `Ok(false)` when no password was given.
async fn auth(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    settings: &SmtpSettings,
    user: &str,
    password: Option<&Password>,
    info: &ServerInfo,
) -> Result<bool, Failure> {
    let mechs = &info.auth_mechanisms;
    if mechs.is_empty() {
        rec.fail("The server offers no sign-in on this port", None);
        return Err(Failure::AuthNotOffered);
    }
    let Some(password) = password else {
        rec.end(
            StepStatus::Skipped,
            format!(
                "Not tried: no password given (the server offers {})",
                mechs.join(" ")
            ),
            None,
        );
        return Ok(false);
    };
    if !conn.is_encrypted() && !settings.allow_plaintext_auth {
        rec.fail("Not tried: the password would travel unencrypted", None);
        return Err(Failure::PlaintextAuthRefused {
            starttls_offered: info.starttls,
        });
    }
    let has = |m: &str| mechs.iter().any(|x| x == m);
    let pw = password.expose();
    let reply = if has("PLAIN") {
        let token = Zeroizing::new(format!("\0{user}\0{pw}"));
        let line = Zeroizing::new(format!("AUTH PLAIN {}", STANDARD.encode(token.as_bytes())));
        let mut r = step_command(conn, rec, Stage::Auth, &line).await?;
        if r.code == 334 {
            let b64 = Zeroizing::new(STANDARD.encode(token.as_bytes()));
            r = step_command(conn, rec, Stage::Auth, &b64).await?;
        }
        r
    } else if has("LOGIN") {
        let mut r = step_command(conn, rec, Stage::Auth, "AUTH LOGIN").await?;
        let answers = [
            Zeroizing::new(STANDARD.encode(user.as_bytes())),
            Zeroizing::new(STANDARD.encode(pw.as_bytes())),
        ];
        for answer in &answers {
            if r.code != 334 {
                break;
            }
            r = step_command(conn, rec, Stage::Auth, answer).await?;
        }
        r
    } else if has("XOAUTH2") || has("OAUTHBEARER") {
        rec.fail("The server only accepts OAuth sign-in", None);
        return Err(Failure::OauthOnly);
    } else {
        rec.fail(
            format!("Unsupported sign-in methods: {}", mechs.join(" ")),
            None,
        );
        return Err(Failure::AuthMechanismUnsupported {
            offered: mechs.clone(),
        });
    };
    if r_ok(&reply) {
        rec.ok(format!("Signed in as {user}"));
        Ok(true)
    } else {
        rec.fail(format!("The server answered {}", reply.one_line()), None);
        Err(Failure::Reply {
            stage: Stage::Auth,
            reply,
        })
    }
}

fn r_ok(r: &Reply) -> bool {
    r.code == 235
}

/// Side connection: does this port complete (or at least start) a TLS handshake?
async fn speaks_tls(
    addr: SocketAddr,
    host: &str,
    port: u16,
    trust: &Trust,
    opts: &CheckOptions,
) -> bool {
    let t = opts.command_timeout.min(Duration::from_secs(5));
    let Ok(Ok(tcp)) = tokio::time::timeout(opts.connect_timeout, TcpStream::connect(addr)).await
    else {
        return false;
    };
    let (res, _) = tls::handshake(tcp, host, port, trust, None, t).await;
    matches!(res, Ok(_) | Err(TlsFailure::Cert(_)))
}

/// Side connection: does this port greet in plain text, and does it offer STARTTLS?
async fn plain_mode(addr: SocketAddr, opts: &CheckOptions, ehlo_name: &str) -> Option<Security> {
    let t = opts.command_timeout.min(Duration::from_secs(5));
    let tcp = tokio::time::timeout(opts.connect_timeout, TcpStream::connect(addr))
        .await
        .ok()?
        .ok()?;
    let mut conn = Conn::plain(tcp, t);
    let greeting = conn.read_reply(&mut Silent).await.ok()?;
    if greeting.code != 220 {
        return None;
    }
    let r = conn
        .command(&mut Silent, &format!("EHLO {ehlo_name}"))
        .await
        .ok()?;
    let _ = conn.command(&mut Silent, "QUIT").await;
    let info = ServerInfo::from_ehlo("", &r, false);
    Some(if info.starttls {
        Security::Starttls
    } else {
        Security::None
    })
}
