//! Turns a failure at a stage into a [`Verdict`]: a stable code, plain words, and fixes.
//!
//! Classification uses only the stage, the reply code and the enhanced status code (RFC 3463)
//! — never words in the server's text, which are free-form and sometimes misleading (a
//! banner that mentions "spam" says nothing about a certificate).

use crate::net::NetFailure;
use crate::ports::Security;
use crate::report::{ServerInfo, Stage};
use crate::settings::{CertException, SmtpSettings};
use crate::smtp::Reply;
use crate::tls::{CertProblem, TlsFailure, TlsInfo};
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
}

fn verdict(code: C, title: &str, explanation: String, fixes: Vec<Fix>) -> Verdict {
    Verdict::new(code, title, explanation, fixes)
}

/// "Encrypt from the start on port 465".
pub fn fix_tls_465() -> Fix {
    Fix::patch(
        FixKind::UseSecurity,
        "Encrypt from the start on port 465",
        SettingsPatch {
            port: Some(465),
            security: Some(Security::Tls),
            ..SettingsPatch::default()
        },
    )
}

/// "Upgrade with STARTTLS on port 587".
pub fn fix_starttls_587() -> Fix {
    Fix::patch(
        FixKind::UseSecurity,
        "Upgrade with STARTTLS on port 587",
        SettingsPatch {
            port: Some(587),
            security: Some(Security::Starttls),
            ..SettingsPatch::default()
        },
    )
}

fn fix_security_here(port: u16, sec: Security) -> Fix {
    Fix::patch(
        FixKind::UseSecurity,
        format!("Use \"{}\" on port {port}", sec.label()),
        SettingsPatch {
            security: Some(sec),
            ..SettingsPatch::default()
        },
    )
}

fn fix_find_port() -> Fix {
    Fix::action(FixKind::FindWorkingPort, "Find a working port")
}

fn fix_retry() -> Fix {
    Fix::action(FixKind::RetryLater, "Try again in a few minutes")
}

/// The submission ports other than the current one, as fixes.
fn other_submission_ports(port: u16) -> Vec<Fix> {
    let mut v = Vec::new();
    if port != 465 {
        v.push(fix_tls_465());
    }
    if port != 587 {
        v.push(fix_starttls_587());
    }
    v.push(fix_find_port());
    v
}

/// The verdict for a successful check.
pub fn success(ctx: &Context<'_>, signed_in: bool) -> Verdict {
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
        (false, Some(_)) => format!(
            "Portolan connected to {} on port {} and the server is ready for sign-in. The \
             password was not tested because none was given.",
            s.host, s.port
        ),
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
    let (code, title) = if signed_in {
        (C::Ok, "Everything works")
    } else {
        (
            C::OkWithoutAuth,
            "The server answers; sign-in was not tested",
        )
    };
    verdict(code, title, explanation, fixes)
}

/// The verdict for a failure.
pub fn diagnose(f: &Failure, ctx: &Context<'_>) -> Verdict {
    let s = ctx.settings;
    let (host, port) = (s.host.as_str(), s.port);
    match f {
        Failure::Net(n) => net(n, host, port),
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
        Failure::Reply { stage, reply } => by_reply(*stage, reply, ctx),
        Failure::Closed { stage } => closed(*stage, host),
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
        Failure::Tls(t) => tls(t, ctx),
        Failure::SecurityMismatch { works } => mismatch(*works, s),
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
        Failure::OauthOnly => verdict(
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
        ),
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

fn net(n: &NetFailure, host: &str, port: u16) -> Verdict {
    match n {
        NetFailure::DnsNotFound(_) | NetFailure::DnsTimeout => verdict(
            C::DnsNotFound,
            "The server name was not found",
            format!(
                "No server called \"{host}\" could be found. Check the spelling (for example \
                 smtp.example.com), and that this computer is online."
            ),
            Vec::new(),
        ),
        NetFailure::Refused => verdict(
            C::ConnectionRefused,
            "The server refused the connection on this port",
            format!(
                "{host} answered, but nothing accepts mail on port {port}. The port number is \
                 probably wrong for this server."
            ),
            other_submission_ports(port),
        ),
        NetFailure::Timeout => verdict(
            C::ConnectTimeout,
            "No answer from the server (blocked?)",
            format!(
                "{host} did not answer on port {port}. Usually a firewall drops the \
                 connection: many networks and internet providers block mail ports, \
                 especially 25. Try another port, or another network."
            ),
            other_submission_ports(port),
        ),
        NetFailure::Unreachable(_) => verdict(
            C::NetworkUnreachable,
            "This computer cannot reach the server's network",
            format!(
                "There is no route from this computer to {host}. Check that you are online \
                 (and, for a company server, connected to its network or VPN)."
            ),
            vec![fix_retry()],
        ),
        NetFailure::Other(m) => verdict(
            C::NetworkUnreachable,
            "The connection could not be opened",
            format!("Opening a connection to {host} port {port} failed ({m})."),
            vec![fix_retry(), fix_find_port()],
        ),
    }
}

fn closed(stage: Stage, host: &str) -> Verdict {
    if stage == Stage::Auth {
        return verdict(
            C::AuthFailed,
            "The server hung up during sign-in",
            format!(
                "{host} closed the connection while checking the user name and password. \
                 This usually means the sign-in was refused; check both."
            ),
            vec![Fix::action(
                FixKind::CheckPassword,
                "Type the password again",
            )],
        );
    }
    verdict(
        C::ServerBusy,
        "The server hung up",
        format!(
            "{host} closed the connection at the step \"{}\". Servers do this when they are \
             overloaded or when they block this computer's address.",
            stage.label()
        ),
        vec![fix_retry(), fix_find_port()],
    )
}

fn tls(t: &TlsFailure, ctx: &Context<'_>) -> Verdict {
    let s = ctx.settings;
    let leaf = ctx.tls.and_then(|i| i.chain.first());
    let interception = ctx.tls.and_then(|i| i.interception.clone());
    let trust_fix = |label: &str| {
        leaf.map(|c| {
            Fix::patch(
                FixKind::TrustCertificate,
                label,
                SettingsPatch {
                    cert_exception: Some(CertException {
                        host: s.host.clone(),
                        port: s.port,
                        sha256: c.sha256.clone(),
                    }),
                    ..SettingsPatch::default()
                },
            )
            .with_note(format!(
                "Only for {}, port {}, and only this certificate. Its fingerprint (SHA-256), to \
                 compare with the one your provider or IT gives: {}",
                s.host, s.port, c.sha256
            ))
        })
    };
    let intercept_note = interception
        .as_deref()
        .map(|p| {
            format!(
                " The certificate was issued by {p}: a program or device on your side \
                 (antivirus or firewall) is inspecting the connection. Turn off its \
                 \"email scanning\" or \"SSL scanning\", or add an exception for this server."
            )
        })
        .unwrap_or_default();
    match t {
        TlsFailure::Cert(CertProblem::NameMismatch) => {
            let names = leaf.map(|c| c.names.clone()).unwrap_or_default();
            let mut fixes: Vec<Fix> = names
                .iter()
                .filter(|n| !n.starts_with('*') && !n.eq_ignore_ascii_case(&s.host))
                .take(3)
                .map(|n| {
                    Fix::patch(
                        FixKind::UseHost,
                        format!("Use the server name {n}"),
                        SettingsPatch {
                            host: Some(n.clone()),
                            ..SettingsPatch::default()
                        },
                    )
                })
                .collect();
            fixes.extend(trust_fix("Trust this certificate for this server anyway"));
            verdict(
                C::CertNameMismatch,
                "The server's certificate is for another name",
                format!(
                    "You connected to \"{}\", but the certificate is valid only for: {}. \
                     Use one of those names as the server name (common with shared web \
                     hosting).{intercept_note}",
                    s.host,
                    if names.is_empty() {
                        "(no names)".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
                fixes,
            )
        }
        TlsFailure::Cert(CertProblem::Expired | CertProblem::NotYetValid) => {
            let until = leaf.map(|c| c.not_after.clone()).unwrap_or_default();
            verdict(
                C::CertExpired,
                "The server's certificate has expired",
                format!(
                    "The certificate of {} is valid only until {until}. The server's \
                     administrator must renew it. If this computer's clock is wrong, fix the \
                     date and time first.{intercept_note}",
                    s.host
                ),
                trust_fix("Trust this certificate for this server anyway")
                    .into_iter()
                    .collect(),
            )
        }
        TlsFailure::Cert(CertProblem::NotForServer) => verdict(
            C::CertUntrusted,
            "The server's certificate cannot identify a server",
            format!(
                "The certificate of {} is an authority's certificate (a CA) or one not made for \
                 servers, so it cannot prove who the server is. The server's administrator must \
                 install a proper server certificate. Only trust it if you know this \
                 server.{intercept_note}",
                s.host
            ),
            trust_fix("Trust this certificate for this server")
                .into_iter()
                .collect(),
        ),
        TlsFailure::Cert(_) => {
            let self_signed = leaf.is_some_and(|c| c.self_signed);
            let issuer = leaf.map(|c| c.issuer.clone()).unwrap_or_default();
            verdict(
                C::CertUntrusted,
                "The server's certificate is not trusted",
                format!(
                    "{} This happens with private servers, test servers and interception by \
                     security software. Only trust it if you know this server.{intercept_note}",
                    if self_signed {
                        format!(
                            "The certificate of {} is self-signed (it vouches for itself).",
                            s.host
                        )
                    } else {
                        format!(
                            "The certificate of {} was issued by \"{issuer}\", an authority \
                             this computer does not trust.",
                            s.host
                        )
                    }
                ),
                trust_fix("Trust this certificate for this server")
                    .into_iter()
                    .collect(),
            )
        }
        TlsFailure::NotTls => mismatch(None, s),
        TlsFailure::Timeout => verdict(
            C::TlsHandshakeFailed,
            "Encryption could not be set up (no answer)",
            "The server did not answer the start of encryption in time. The port may expect \
             another security setting, or a firewall holds the connection."
                .to_owned(),
            other_submission_ports(s.port),
        ),
        TlsFailure::Closed | TlsFailure::Other(_) => verdict(
            C::TlsHandshakeFailed,
            "Encryption could not be set up",
            format!(
                "The server and Portolan could not agree on encryption{}. The server may only \
                 support outdated encryption (before TLS 1.2), or something on the way \
                 interferes.",
                match t {
                    TlsFailure::Other(m) => format!(" ({m})"),
                    _ => " (the server hung up)".to_owned(),
                }
            ),
            other_submission_ports(s.port),
        ),
    }
}

fn mismatch(works: Option<Security>, s: &SmtpSettings) -> Verdict {
    let port = s.port;
    let (explanation, fixes) = match (s.security, works) {
        (_, Some(Security::Tls)) => (
            format!(
                "Port {port} expects encryption from the first byte, but the settings say \
                 \"{}\". Choose \"Encrypted from the start\".",
                s.security.label()
            ),
            vec![fix_security_here(port, Security::Tls)],
        ),
        (_, Some(w)) => (
            format!(
                "Port {port} starts in plain text, but the settings say \"Encrypted from the \
                 start\". Choose \"{}\" on this port, or port 465.",
                w.label()
            ),
            vec![fix_security_here(port, w), fix_tls_465()],
        ),
        (_, None) => (
            format!(
                "Port {port} does not speak the way the settings say (\"{}\").",
                s.security.label()
            ),
            other_submission_ports(port),
        ),
    };
    verdict(
        C::SecurityMismatch,
        "The security setting does not match this port",
        explanation,
        fixes,
    )
}

fn by_reply(stage: Stage, r: &Reply, ctx: &Context<'_>) -> Verdict {
    let host = &ctx.settings.host;
    let port = ctx.settings.port;
    let said = r.one_line();
    let e = r.enhanced;
    let enh = |c: u8, s: u16, d: u16| e.is_some_and(|x| x.is(c, s, d));
    if r.code == 421 {
        return verdict(
            C::ServerBusy,
            "The server is busy or closing",
            format!(
                "The server said it cannot take the connection now (\"{said}\"). Try again \
                 in a few minutes."
            ),
            vec![fix_retry()],
        );
    }
    match stage {
        Stage::Greeting | Stage::Ehlo if r.is_permanent() => verdict(
            C::GreetingRefused,
            "The server refuses to talk to this computer",
            format!(
                "{host} answered, but refused the conversation (\"{said}\"). Mail servers do \
                 this when the sender's network address is on a block list (common for home \
                 connections on port 25). Use your provider's submission port."
            ),
            other_submission_ports(port),
        ),
        Stage::Starttls => verdict(
            C::TlsHandshakeFailed,
            "The server could not start encryption",
            format!("The server offered STARTTLS but then refused it (\"{said}\")."),
            vec![fix_tls_465(), fix_retry()],
        ),
        Stage::Auth => auth(r, &said, ctx),
        Stage::MailFrom if r.code == 530 || enh(5, 7, 0) && r.code != 550 => verdict(
            C::AuthRequired,
            "The server wants you to sign in first",
            format!("The server accepts mail only after sign-in (\"{said}\")."),
            vec![Fix::action(FixKind::AddSignIn, "Add a user name and password")],
        ),
        Stage::MailFrom | Stage::RcptTo | Stage::Data if r.is_transient() => {
            if stage == Stage::RcptTo
                && matches!(r.code, 450 | 451)
                && (enh(4, 2, 0) || enh(4, 7, 1) || enh(4, 7, 0))
            {
                verdict(
                    C::Greylisted,
                    "The server asks to try again later (greylisting)",
                    format!(
                        "The server delays mail from senders it has not seen before and \
                         accepts it when it is tried again (\"{said}\"). Try again in about \
                         5 to 15 minutes."
                    ),
                    vec![fix_retry()],
                )
            } else {
                verdict(
                    C::ServerBusy,
                    "The server cannot take the message right now",
                    format!("The server answered with a temporary refusal (\"{said}\")."),
                    vec![fix_retry()],
                )
            }
        }
        Stage::MailFrom => verdict(
            C::SenderRejected,
            "The server refused the sender address",
            format!(
                "The server will not send mail from \"{}\" (\"{said}\"). Usually the address \
                 must belong to the account you sign in with.",
                ctx.settings.from
            ),
            vec![Fix::action(
                FixKind::CheckAddress,
                "Use the address of the account you sign in with",
            )],
        ),
        Stage::RcptTo if e.is_some_and(|x| x.subject == 7) || r.code == 551 => verdict(
            C::RelayDenied,
            "The server will not pass the mail on",
            format!(
                "The server refused to deliver to that recipient for this sender (\"{said}\"). \
                 Servers only pass mail on for people who signed in; sign in, or use your \
                 provider's submission port."
            ),
            {
                let mut v = vec![Fix::action(FixKind::AddSignIn, "Sign in")];
                v.extend(other_submission_ports(port));
                v
            },
        ),
        Stage::RcptTo => verdict(
            C::RecipientRejected,
            "The server refused the recipient address",
            format!("The server will not deliver to that address (\"{said}\"). Check it for typing mistakes."),
            vec![Fix::action(FixKind::CheckAddress, "Check the recipient address")],
        ),
        Stage::Data => verdict(
            C::MessageRejected,
            "The server refused the message",
            format!("The server refused the test message itself (\"{said}\")."),
            vec![fix_retry()],
        ),
        _ if r.is_transient() => verdict(
            C::ServerBusy,
            "The server is busy",
            format!("The server answered with a temporary refusal (\"{said}\")."),
            vec![fix_retry()],
        ),
        _ => verdict(
            C::NotSmtp,
            "The server gave an unexpected answer",
            format!(
                "At the step \"{}\" the server answered \"{said}\", which Portolan did not \
                 expect.",
                stage.label()
            ),
            other_submission_ports(port),
        ),
    }
}

fn auth(r: &Reply, said: &str, ctx: &Context<'_>) -> Verdict {
    let e = r.enhanced;
    let enh = |c: u8, s: u16, d: u16| e.is_some_and(|x| x.is(c, s, d));
    let check_pw = Fix::action(FixKind::CheckPassword, "Type the password again");
    if enh(5, 7, 9) || (r.code == 534 && enh(5, 7, 14)) {
        return verdict(
            C::AppPasswordRequired,
            "Your provider wants an app password",
            format!(
                "The server refused your normal password for apps (\"{said}\"). Create an \
                 \"app password\" in your account's security settings (two-step \
                 verification must be on) and use it here instead."
            ),
            vec![Fix::action(
                FixKind::CreateAppPassword,
                "Create an app password, then type it here",
            )],
        );
    }
    if enh(5, 7, 139) || enh(5, 7, 57) {
        return verdict(
            C::OauthRequired,
            "Password sign-in is switched off for this account",
            format!(
                "The server says password sign-in (SMTP AUTH) is disabled (\"{said}\"). For \
                 Microsoft 365, an administrator can enable \"Authenticated SMTP\" for this \
                 mailbox; personal Outlook.com accounts no longer accept passwords."
            ),
            Vec::new(),
        );
    }
    if r.code == 504 || enh(5, 5, 4) || enh(5, 7, 4) {
        return verdict(
            C::AuthMechanismUnsupported,
            "The server refused the sign-in method",
            format!("The server refused the way Portolan signs in (\"{said}\")."),
            other_submission_ports(ctx.settings.port),
        );
    }
    if r.is_transient() {
        return verdict(
            C::ServerBusy,
            "Sign-in is temporarily unavailable",
            format!(
                "The server could not check the password just now (\"{said}\"). Try again in \
                 a few minutes."
            ),
            vec![fix_retry()],
        );
    }
    verdict(
        C::AuthFailed,
        "The user name or password was not accepted",
        format!(
            "The server refused the sign-in (\"{said}\"). Check the user name (often your \
             full email address) and the password. Some providers need an app password \
             instead of your normal one."
        ),
        vec![check_pw],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::EnhancedCode;

    fn settings() -> SmtpSettings {
        SmtpSettings {
            host: "smtp.example.com".into(),
            port: 587,
            security: Security::Starttls,
            username: Some("a@example.com".into()),
            from: "a@example.com".into(),
            allow_plaintext_auth: false,
            cert_exception: None,
        }
    }

    fn reply(code: u16, text: &str) -> Reply {
        Reply {
            code,
            enhanced: EnhancedCode::parse(text, code),
            lines: vec![text.to_owned()],
        }
    }

    fn code_for(stage: Stage, code: u16, text: &str) -> C {
        let s = settings();
        let ctx = Context {
            settings: &s,
            tls: None,
            server: None,
        };
        diagnose(
            &Failure::Reply {
                stage,
                reply: reply(code, text),
            },
            &ctx,
        )
        .code
    }

    #[test]
    fn auth_replies_are_classified_by_enhanced_code_not_words() {
        assert_eq!(
            code_for(Stage::Auth, 535, "5.7.8 Error: authentication failed"),
            C::AuthFailed
        );
        assert_eq!(
            code_for(
                Stage::Auth,
                534,
                "5.7.9 Application-specific password required"
            ),
            C::AppPasswordRequired
        );
        assert_eq!(
            code_for(
                Stage::Auth,
                535,
                "5.7.139 Authentication unsuccessful, basic auth disabled"
            ),
            C::OauthRequired
        );
        // Words alone never decide: an app-password sentence with a plain 5.7.8 is a failure.
        assert_eq!(
            code_for(
                Stage::Auth,
                535,
                "5.7.8 app password required, certificate spam"
            ),
            C::AuthFailed
        );
        assert_eq!(
            code_for(Stage::Auth, 454, "4.7.0 Temporary failure"),
            C::ServerBusy
        );
    }

    #[test]
    fn envelope_refusals_get_their_codes() {
        assert_eq!(
            code_for(Stage::RcptTo, 554, "5.7.1 <x@y>: Relay access denied"),
            C::RelayDenied
        );
        assert_eq!(
            code_for(Stage::RcptTo, 550, "5.1.1 <x@y>: User unknown"),
            C::RecipientRejected
        );
        assert_eq!(
            code_for(Stage::RcptTo, 450, "4.2.0 Greylisted, see url"),
            C::Greylisted
        );
        assert_eq!(
            code_for(Stage::MailFrom, 553, "5.7.1 Sender address rejected"),
            C::SenderRejected
        );
        assert_eq!(
            code_for(Stage::MailFrom, 530, "5.7.0 Authentication required"),
            C::AuthRequired
        );
        assert_eq!(
            code_for(Stage::Data, 554, "5.6.0 Message refused"),
            C::MessageRejected
        );
        assert_eq!(
            code_for(Stage::Greeting, 421, "4.3.2 Service shutting down"),
            C::ServerBusy
        );
        assert_eq!(
            code_for(Stage::Greeting, 554, "5.7.1 You are blocked"),
            C::GreetingRefused
        );
    }
}
