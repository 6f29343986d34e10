//! An SMTP session as the engine opens it for a check, a send and each port of a probe:
//! validated first, bounded in time, recorded step by step, and closed without making the
//! verdict wait.
//!
//! The crate API, used by [`crate::check`], [`crate::send`] (and through `check`, by
//! [`crate::probe`]):
//! - [`run`] validates the settings, opens the session ([`establish`]), lets the caller work
//!   on it, says goodbye in the background ([`Session::close`]) and turns what happened into
//!   a [`Report`] with its verdict;
//! - [`command`] sends one command of a step and turns a broken exchange into the step's
//!   [`Failure`] ([`failure`]).
//!
//! Each stage is a function of [`steps`] (resolve, connect, TLS, greeting, EHLO, STARTTLS),
//! sign-in is [`auth`], and [`mismatch`] holds the side connections that find the security a
//! port really speaks.

mod auth;
mod mismatch;
mod steps;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::diagnose::{self, Context, Failure, KnownProvider};
use crate::error::{ErrorCode, UserError};
use crate::observer::Observer;
use crate::ports::Security;
use crate::recorder::{Recorder, Silent};
use crate::report::{Report, SentInfo, Stage, StepStatus};
use crate::sensitive::Password;
use crate::settings::SmtpSettings;
use crate::smtp::{Conn, Ehlo, Reply, SmtpError};
use crate::tls::Trust;
use crate::transcript::escape_bytes;

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
    /// On a security mismatch, open a second connection to find the mode that works (and,
    /// when a port other than 25 stays silent, try encryption on it early).
    pub find_mismatch: bool,
    /// Cancelling it closes the connection at once.
    pub cancel: CancellationToken,
    /// The provider behind the server (`discover::catalogue::known_provider`): the verdict
    /// picks its first fix by it.
    pub provider: Option<KnownProvider>,
    /// Without a `provider`, how to find it (`discover::catalogue::known_provider`): run
    /// beside the connection, since reading the catalogue takes a few milliseconds, as long
    /// as a whole check on a fast network.
    pub find_provider: Option<FindProvider>,
    /// Fixed addresses for names, used instead of the system's lookup (like a hosts-file
    /// entry or curl's `--resolve`); empty normally. Tests point provider names at loopback.
    pub resolve: Vec<(String, IpAddr)>,
}

/// How a check finds the provider behind the server from its settings (the faces hand in the
/// catalogue's lookup; the engine's centre does not read the catalogue itself).
#[derive(Clone)]
pub struct FindProvider(Arc<Lookup>);

type Lookup = dyn Fn(&SmtpSettings) -> Option<KnownProvider> + Send + Sync;

impl FindProvider {
    /// The lookup `find` (e.g. `known_provider` with the id the settings came with).
    pub fn by(
        find: impl Fn(&SmtpSettings) -> Option<KnownProvider> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(find))
    }
}

impl std::fmt::Debug for FindProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FindProvider(..)")
    }
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
            provider: None,
            find_provider: None,
            resolve: Vec::new(),
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

/// Where a session goes and how: the settings, the host's ASCII form (for DNS and TLS), the
/// bounds and the trust.
pub(crate) struct Target<'a> {
    /// The settings, validated.
    pub(crate) settings: &'a SmtpSettings,
    /// The host's ASCII (punycode) form.
    pub(crate) host: String,
    /// The bounds.
    pub(crate) opts: &'a CheckOptions,
    /// The authorities trusted.
    pub(crate) trust: Trust,
}

/// An open, greeted (and, as the settings say, encrypted and signed-in) SMTP session.
pub(crate) struct Session {
    /// The connection.
    pub(crate) conn: Conn,
    /// What the latest EHLO offered.
    pub(crate) ehlo: Ehlo,
    /// Whether sign-in happened.
    pub(crate) signed_in: bool,
}

/// Checks `settings` step by step, lets `work` use the established session (nothing for a
/// check, the test email for a send), then says goodbye without waiting for the answer. Never
/// fails once the settings and options are usable: every problem becomes the report's
/// verdict.
pub(crate) async fn run<W>(
    settings: &SmtpSettings,
    password: Option<&Password>,
    opts: &CheckOptions,
    observer: &dyn Observer,
    work: W,
) -> Result<Report, UserError>
where
    W: AsyncFnOnce(&mut Session, &mut Recorder<'_>) -> Result<Option<SentInfo>, Failure>,
{
    settings.validate_for_user()?;
    if let Some(name) = &opts.ehlo_name {
        validate_ehlo_name(name)?;
    }
    let trust = match &opts.trust {
        Some(t) => t.clone(),
        None => Trust::platform(),
    };
    let target = Target {
        settings,
        // Validated above: an international name has an ASCII form, which DNS and TLS need.
        host: crate::settings::host_ascii(&settings.host)
            .unwrap_or_else(|()| settings.host.clone()),
        opts,
        trust,
    };
    let lookup = opts
        .find_provider
        .clone()
        .filter(|_| opts.provider.is_none())
        .map(|find| {
            let s = settings.clone();
            tokio::task::spawn_blocking(move || (find.0)(&s))
        });
    let mut rec = Recorder::new(observer);
    if let (Some(user), Some(pw)) = (&settings.username, password) {
        rec.hide(user, pw);
    }
    let outcome = {
        let fut = async {
            let mut session = establish(&target, password, &mut rec).await?;
            let sent = work(&mut session, &mut rec).await?;
            let signed_in = session.signed_in;
            session.close(&mut rec).await;
            Ok((signed_in, sent))
        };
        tokio::select! {
            biased;
            () = opts.cancel.cancelled() => Err(Failure::Cancelled),
            r = tokio::time::timeout(opts.total_timeout, fut) => r.unwrap_or(Err(Failure::OverallTimeout)),
        }
    };
    // The platform's authorities are read while the connection is made: when they could not
    // be read at all, that is the answer, not the server's certificate.
    if outcome.is_err() {
        if let Some(e) = target.trust.failed() {
            return Err(e.into());
        }
    }
    if rec.in_step() {
        let why = match outcome {
            Err(Failure::Cancelled) => "Cancelled",
            _ => "Took too long",
        };
        rec.fail(why, None);
    }
    let found = match lookup {
        Some(task) => task.await.ok().flatten(),
        None => None,
    };
    let (verdict, sent) = {
        let ctx = Context {
            settings,
            tls: rec.tls.as_ref(),
            server: rec.server.as_ref(),
            provider: opts.provider.as_ref().or(found.as_ref()),
            signed_in: rec.signed_in(),
        };
        match outcome {
            Ok((signed_in, sent)) => (diagnose::success(&ctx, signed_in, sent.as_ref()), sent),
            Err(f) => (diagnose::diagnose(&f, &ctx), None),
        }
    };
    Ok(rec.into_report(
        &settings.host,
        settings.port,
        settings.security,
        verdict,
        sent,
    ))
}

/// The options' EHLO name (the CLI's `--ehlo`) is checked as the settings' is.
fn validate_ehlo_name(name: &str) -> Result<(), UserError> {
    crate::settings::validate_ehlo_name(name).map_err(|m| {
        UserError::new(
            ErrorCode::InvalidSettings,
            m,
            "Leave the EHLO name unset, or give this computer's name, such as \
             laptop.example.com.",
        )
    })
}

/// Connects, greets, encrypts and signs in, as the settings say: one step function per stage.
pub(crate) async fn establish(
    t: &Target<'_>,
    password: Option<&Password>,
    rec: &mut Recorder<'_>,
) -> Result<Session, Failure> {
    let settings = t.settings;
    let addrs = steps::resolve(rec, t).await?;
    let (tcp, addr) = steps::connect(rec, t, &addrs).await?;
    // The options' name (the CLI's --ehlo) wins over the settings'.
    let ehlo_name = t
        .opts
        .ehlo_name
        .clone()
        .or_else(|| settings.ehlo_name.clone())
        .unwrap_or_else(|| steps::address_literal(tcp.local_addr().ok()));

    let conn = if settings.security == Security::Tls {
        steps::implicit_tls(rec, t, tcp, addr, &ehlo_name).await?
    } else {
        Conn::plain(tcp, t.opts.command_timeout)
    };
    let (mut conn, banner) = steps::greet(rec, t, conn, addr).await?;
    let mut ehlo = steps::ehlo(&mut conn, rec, &ehlo_name, &banner).await?;
    if settings.security == Security::Starttls {
        conn = steps::starttls(rec, t, conn, &ehlo).await?;
        // Everything learned before encryption is discarded (RFC 3207 §4.2): ask again.
        ehlo = steps::ehlo(&mut conn, rec, &ehlo_name, &banner).await?;
    }
    let signed_in = match settings.username.as_deref().map(str::trim) {
        Some(user) => auth::auth(&mut conn, rec, settings, user, password, &ehlo).await?,
        None => false,
    };
    Ok(Session {
        conn,
        ehlo,
        signed_in,
    })
}

impl Session {
    /// Says goodbye: `QUIT` is sent and recorded, and the verdict does not wait for the
    /// answer. The server's `221` is read (unrecorded, bounded) and the connection closed by a
    /// background task; if the process ends first, closing the socket is the goodbye.
    pub(crate) async fn close(mut self, rec: &mut Recorder<'_>) {
        rec.begin(Stage::Quit);
        if self.conn.send_line(rec, "QUIT").await.is_err() {
            rec.end(
                StepStatus::Warning,
                "The server closed the connection before goodbye".into(),
                None,
            );
            return;
        }
        rec.ok("Said goodbye (the answer is not awaited)");
        rec.note("QUIT sent; the connection closes without waiting for the answer");
        let mut conn = self.conn;
        conn.timeout = conn.timeout.min(GOODBYE_BOUND);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = conn.read_reply(&mut Silent).await;
                conn.shutdown().await;
            });
        }
    }
}

/// How long the background goodbye waits for the server's `221`.
const GOODBYE_BOUND: Duration = Duration::from_secs(5);

/// Sends a command at `stage` (already begun) and returns a reply, failing the step on error.
pub(crate) async fn command(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    stage: Stage,
    line: &str,
) -> Result<Reply, Failure> {
    match conn.command(rec, line).await {
        Ok(r) => Ok(r),
        Err(e) => {
            rec.fail(smtp_summary(&e, conn.timeout), None);
            Err(failure(stage, e))
        }
    }
}

/// Fails the current step with the server's unexpected reply.
pub(crate) fn refused(rec: &mut Recorder<'_>, stage: Stage, reply: Reply) -> Failure {
    rec.fail(format!("The server answered {}", reply.one_line()), None);
    Failure::Reply { stage, reply }
}

/// The failure of an SMTP read or write at `stage`.
pub(crate) fn failure(stage: Stage, e: SmtpError) -> Failure {
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

/// A broken exchange in a step's words.
pub(crate) fn smtp_summary(e: &SmtpError, timeout: Duration) -> String {
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
