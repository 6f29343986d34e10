//! Turns a failure at a stage into a [`Verdict`]: a stable code, plain words, and fixes.
//!
//! Classification uses only the stage, the reply code and the enhanced status code (RFC 3463)
//! — never words in the server's text, which are free-form and sometimes misleading (a
//! banner that mentions "spam" says nothing about a certificate).
//!
//! One job per file: `fixes` (the fixes several verdicts share), `net` (lookup, connect, a
//! server hanging up), `tls` (handshake, certificate, security mismatch), `reply` (a negative
//! reply at a stage), `auth` (a refused sign-in) and `provider` (what the verdict knows about
//! the provider, from the catalogue through the check's options, so the first fix is the one
//! that works there).

mod auth;
mod fixes;
mod net;
pub mod provider;
mod reply;
#[cfg(test)]
mod tests;
mod tls;

use self::fixes::{fix_find_port, fix_retry, fix_security_here, other_submission_ports};
pub use self::fixes::{fix_starttls_587, fix_tls_465};
pub use self::provider::{Family, KnownProvider};
use crate::net::NetFailure;
use crate::ports::Security;
use crate::report::{SentInfo, ServerInfo, Stage};
use crate::settings::SmtpSettings;
use crate::smtp::Reply;
use crate::tls::{TlsFailure, TlsInfo};
use crate::verdict::{Fix, FixKind, SettingsPatch, Verdict, VerdictCode as C};

/// What went wrong, as the engine saw it; `diagnose` explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Name lookup or TCP connect failed.
    Net(NetFailure),
    /// Connected, no greeting in time (and no TLS handshake either).
    GreetingTimeout,
    /// Bytes that are not SMTP at `stage`; `first` is the start, escaped.
    NotSmtp {
        /// Where.
        stage: Stage,
        /// The first bytes, escaped.
        first: String,
    },
    /// A negative (or unexpected) reply at `stage`.
    Reply {
        /// Where.
        stage: Stage,
        /// The server's reply.
        reply: Reply,
    },
    /// The server closed the connection at `stage`.
    Closed {
        /// Where.
        stage: Stage,
    },
    /// No reply in time at `stage`.
    Timeout {
        /// Where.
        stage: Stage,
    },
    /// The network failed at `stage`.
    Io {
        /// Where.
        stage: Stage,
        /// The system's words.
        message: String,
    },
    /// The TLS handshake failed.
    Tls(TlsFailure),
    /// The port speaks another security mode; `works` is the one that answered, if found.
    SecurityMismatch {
        /// The mode that answered on this port.
        works: Option<Security>,
    },
    /// STARTTLS configured, not offered.
    StarttlsNotOffered,
    /// Bytes arrived between the `220` to STARTTLS and the handshake.
    StarttlsInjection {
        /// The injected bytes, escaped.
        bytes: String,
    },
    /// A user name is set and the server offers no AUTH.
    AuthNotOffered,
    /// Only mechanisms Portolan cannot use.
    AuthMechanismUnsupported {
        /// What the server offers.
        offered: Vec<String>,
    },
    /// Only OAuth mechanisms (XOAUTH2, OAUTHBEARER).
    OauthOnly,
    /// Sign-in would be unencrypted and the user has not allowed that.
    PlaintextAuthRefused {
        /// Whether the server offers STARTTLS on this port.
        starttls_offered: bool,
    },
    /// The user cancelled.
    Cancelled,
    /// The whole check took longer than allowed.
    OverallTimeout,
}

/// What `diagnose` may use besides the failure.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The settings that were checked.
    pub settings: &'a SmtpSettings,
    /// What TLS showed, if it got that far.
    pub tls: Option<&'a TlsInfo>,
    /// What the server announced, if it got that far.
    pub server: Option<&'a ServerInfo>,
    /// The provider behind the server, when the catalogue knows it.
    pub provider: Option<&'a KnownProvider>,
    /// Whether sign-in succeeded before the failure.
    pub signed_in: bool,
}

pub(super) fn verdict(code: C, title: &str, explanation: String, fixes: Vec<Fix>) -> Verdict {
    Verdict::new(code, title, explanation, fixes)
}

/// The verdict for a successful check; `sent` is the test email's acceptance, for a send.
pub fn success(ctx: &Context<'_>, signed_in: bool, sent: Option<&SentInfo>) -> Verdict {
    let s = ctx.settings;
    let mut fixes = Vec::new();
    let mut explanation = match (signed_in, &s.username) {
        (true, _) => format!(
            "Portolan connected to {} on port {}, {}, and signed in. These settings can be used.",
            s.host,
            s.port,
            match s.security {
                Security::None => "without encryption",
                _ => "encrypted with a trusted certificate",
            }
        ),
        (false, Some(_)) => {
            fixes.push(Fix::action(
                FixKind::CheckPassword,
                "Type your password and check again",
            ));
            format!(
                "Portolan connected to {} on port {} and the server is ready for sign-in. The \
                 password was not tested because none was given.",
                s.host, s.port
            )
        }
        (false, None) => format!(
            "Portolan connected to {} on port {}; the server is ready to accept mail without \
             signing in.",
            s.host, s.port
        ),
    };
    if s.security == Security::None {
        explanation.push_str(" Warning: nothing on this connection is encrypted.");
        if ctx.server.is_some_and(|i| i.starttls) {
            fixes.push(fix_security_here(s.port, Security::Starttls));
        }
    }
    if ctx.tls.is_some_and(|t| t.exception_used) {
        explanation.push_str(
            " The server's certificate is not normally trusted; it was accepted because you \
             chose to trust it for this server.",
        );
    }
    let (code, mut title) = if signed_in {
        (C::Ok, "Everything works")
    } else {
        (
            C::OkWithoutAuth,
            "The server answers; sign-in was not tested",
        )
    };
    if let Some(sent) = sent {
        title = SENT_TITLE;
        explanation = format!(
            "{} accepted the test email for {} (subject \"{}\"). Acceptance is what is known: \
             look in that mailbox to see whether it arrived. {explanation}",
            s.host, sent.to, sent.subject
        );
    }
    explanation.push(' ');
    explanation.push_str(CHECKED_HERE);
    verdict(code, title, explanation, fixes)
}

/// The title of a test email the server accepted: acceptance is what is known, not delivery.
pub const SENT_TITLE: &str = "The server accepted your test email";

/// Said wherever a check passes: it passed from this computer, which is not the web host.
pub const CHECKED_HERE: &str = "This was checked from this computer. A web host or another \
     network can block mail ports that work here, so check from where the settings will be \
     used too (the export \"Check from your web host\" does that on a PHP or WordPress host).";

/// The verdict for a failure.
pub fn diagnose(f: &Failure, ctx: &Context<'_>) -> Verdict {
    let s = ctx.settings;
    let (host, port) = (s.host.as_str(), s.port);
    match f {
        Failure::Net(n) => net::net(n, host, port),
        Failure::GreetingTimeout => verdict(
            C::GreetingTimeout,
            "The server accepted the connection but never said hello",
            format!(
                "Something accepts connections on {host} port {port}, but it sent no SMTP \
                 greeting and did not answer encryption either. It may be overloaded, a \
                 firewall may be holding the connection, or this is not a mail port."
            ),
            other_submission_ports(port),
        ),
        Failure::NotSmtp { stage, first } => verdict(
            C::NotSmtp,
            "Something answered, but it is not a mail server",
            format!(
                "At the step \"{}\", {host} port {port} answered with something that is not \
                 SMTP (it began with \"{first}\"). The port number is probably wrong, or \
                 another service listens there.",
                stage.label()
            ),
            other_submission_ports(port),
        ),
        Failure::Reply { stage, reply } => reply::by_reply(*stage, reply, ctx),
        Failure::Closed { stage: Stage::Auth } => auth::refused(
            ctx,
            &format!(
                "{host} closed the connection while checking the user name and password, \
                 which usually means the sign-in was refused."
            ),
            None,
        ),
        Failure::Closed { stage } => net::closed(*stage, host),
        Failure::Timeout { stage } => verdict(
            C::Timeout,
            "The server stopped answering",
            format!(
                "The server did not answer in time at the step \"{}\". It may be overloaded \
                 or a firewall may be interfering.",
                stage.label()
            ),
            vec![fix_retry(), fix_find_port()],
        ),
        Failure::Io { stage, message } => verdict(
            C::Timeout,
            "The connection broke",
            format!(
                "The connection to {host} broke at the step \"{}\" ({message}). A firewall, \
                 antivirus or unstable network may be interfering.",
                stage.label()
            ),
            vec![fix_retry(), fix_find_port()],
        ),
        Failure::Tls(t) => tls::tls(t, ctx),
        Failure::SecurityMismatch { works } => tls::mismatch(*works, s),
        Failure::StarttlsNotOffered => verdict(
            C::StarttlsNotOffered,
            "The server does not offer encryption on this port",
            format!(
                "You chose \"Upgrade with STARTTLS\", but {host} on port {port} does not offer \
                 it, so Portolan did not send your password. Something on the way (some \
                 routers and antivirus programs) may be removing the offer, or this port is \
                 meant for server-to-server mail."
            ),
            other_submission_ports(port),
        ),
        Failure::StarttlsInjection { bytes } => verdict(
            C::StarttlsInjection,
            "Unexpected data arrived while encryption was being set up",
            format!(
                "Right after the server agreed to start encryption, data arrived before the \
                 encryption began (\"{bytes}\"). That is how an attacker or a broken network \
                 device slips commands into a connection, so Portolan stopped and sent \
                 nothing private. Try another network, or encryption from the start."
            ),
            vec![fix_tls_465(), fix_find_port()],
        ),
        Failure::AuthNotOffered => verdict(
            C::AuthNotOffered,
            "This port offers no sign-in",
            format!(
                "{host} on port {port} does not offer sign-in. That is typical of port 25, \
                 which is for mail between servers. Use your provider's submission port, or \
                 send without signing in if this server is a relay that expects you."
            ),
            {
                let mut v = other_submission_ports(port);
                v.push(Fix::action(
                    FixKind::SendWithoutAuth,
                    "Send without signing in",
                ));
                v
            },
        ),
        Failure::AuthMechanismUnsupported { offered } => verdict(
            C::AuthMechanismUnsupported,
            "The server's sign-in methods are not supported",
            format!(
                "The server only offers these sign-in methods: {}. Portolan signs in with a \
                 password (PLAIN or LOGIN). Ask your provider which settings to use for apps, \
                 or try another port.",
                offered.join(", ")
            ),
            other_submission_ports(port),
        ),
        Failure::OauthOnly => oauth_only(ctx),
        Failure::PlaintextAuthRefused { starttls_offered } => {
            let mut fixes = Vec::new();
            if *starttls_offered {
                fixes.push(fix_security_here(port, Security::Starttls));
            }
            fixes.extend(other_submission_ports(port));
            if !starttls_offered {
                fixes.push(Fix::patch(
                    FixKind::AllowPlaintextAuth,
                    "Send my password unencrypted anyway (unsafe)",
                    SettingsPatch {
                        allow_plaintext_auth: Some(true),
                        ..SettingsPatch::default()
                    },
                ));
            }
            verdict(
                C::PlaintextAuthRefused,
                "Portolan did not send your password without encryption",
                format!(
                    "The connection to {host} on port {port} is not encrypted, so your \
                     password would travel readable by anyone on the way. {}",
                    if *starttls_offered {
                        "The server offers STARTTLS: choose \"Upgrade with STARTTLS\"."
                    } else {
                        "Use an encrypted port instead."
                    }
                ),
                fixes,
            )
        }
        Failure::Cancelled => verdict(
            C::Cancelled,
            "Cancelled",
            "You stopped the check; the connection was closed.".to_owned(),
            Vec::new(),
        ),
        Failure::OverallTimeout => verdict(
            C::Timeout,
            "The check took too long",
            format!(
                "Talking to {host} took longer than allowed, so Portolan stopped. The server \
                 or the network is very slow, or something holds the connection."
            ),
            vec![fix_retry(), fix_find_port()],
        ),
    }
}

/// Only OAuth mechanisms offered: at a provider that takes app passwords, make one; at
/// Outlook.com, passwords are over; elsewhere, look for password access.
fn oauth_only(ctx: &Context<'_>) -> Verdict {
    let (host, port) = (ctx.settings.host.as_str(), ctx.settings.port);
    if let Some((name, page)) = ctx
        .provider
        .and_then(|p| Some((p.name.as_str(), p.app_password_page.as_deref()?)))
    {
        return verdict(
            C::AppPasswordRequired,
            &format!("{name} wants an app password here"),
            format!(
                "{host} on port {port} only offers sign-in through {name}'s web page (OAuth), \
                 which Portolan does not do. {name} accepts an \"app password\" instead of \
                 your normal password: create one, then check again."
            ),
            auth::app_password_fixes(name, page),
        );
    }
    if ctx
        .provider
        .is_some_and(|p| p.family == Family::OutlookPersonal)
    {
        return auth::outlook_personal(ctx, None);
    }
    verdict(
        C::OauthRequired,
        "This server wants sign-in through your provider's web page (OAuth)",
        "The server only accepts OAuth sign-in, not a password. Turn on password (\"SMTP \
         AUTH\" or \"app password\") access in your account settings, if your provider \
         allows it, or use a program that supports OAuth."
            .to_owned(),
        vec![Fix::action(
            FixKind::CreateAppPassword,
            "Look for an app password in your account settings",
        )],
    )
}
