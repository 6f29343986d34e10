//! A negative reply at a stage, classified by the reply code and the enhanced status code
//! (RFC 3463 and the codes the big providers document), never by the words of the reply.

use super::fixes::{fix_retry, fix_security_here, fix_tls_465, other_submission_ports};
use super::{verdict, Context};
use crate::ports::Security;
use crate::report::Stage;
use crate::smtp::Reply;
use crate::verdict::{Fix, FixKind, Verdict, VerdictCode as C};

pub(super) fn by_reply(stage: Stage, r: &Reply, ctx: &Context<'_>) -> Verdict {
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
    if let Some(v) = by_enhanced(stage, r, &said, ctx) {
        return v;
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
        Stage::Auth => super::auth::auth(r, &said, ctx),
        Stage::MailFrom if r.code == 530 || enh(5, 7, 57) || enh(5, 7, 0) && r.code != 550 => verdict(
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
        Stage::RcptTo
            if ctx.signed_in && (e.is_some_and(|x| x.subject == 7) || r.code == 551) =>
        {
            verdict(
                C::RelayDenied,
                "The server will not pass the mail on from this sender to this recipient",
                format!(
                    "You are signed in, but the server refused to deliver to that recipient \
                     (\"{said}\"). Usually the sender address \"{}\" is not one this account \
                     may send from: use the account's own address, or one your provider lets \
                     you send from. Some services also deliver only to verified recipients or \
                     to their own domains: check the recipient address too.",
                    ctx.settings.from
                ),
                vec![
                    Fix::action(
                        FixKind::CheckAddress,
                        "Use the address of the account you sign in with",
                    ),
                    Fix::action(FixKind::CheckAddress, "Check the recipient address"),
                ],
            )
        }
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
            vec![Fix::action(FixKind::CheckRecipient, "Check the recipient address")],
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

/// The replies whose enhanced code (or reply code and state) says the same at every stage
/// after the greeting: a sending limit, send-as, the sender domain's policy, encryption
/// required first, a refused hello name.
fn by_enhanced(stage: Stage, r: &Reply, said: &str, ctx: &Context<'_>) -> Option<Verdict> {
    let s = ctx.settings;
    let e = r.enhanced?;
    let enh = |c: u8, sub: u16, d: u16| e.is(c, sub, d);
    let envelope = matches!(stage, Stage::MailFrom | Stage::RcptTo | Stage::Data);
    if stage == Stage::Ehlo && (enh(5, 5, 2) || r.code == 504 && e.class == 5) {
        return Some(verdict(
            C::EhloNameRejected,
            "The server refused this computer's name",
            format!(
                "Every mail program says a name for its computer when it greets the server \
                 (EHLO), and this server wants a full name, such as laptop.example.com \
                 (\"{said}\"). Set the EHLO name to a full name: your computer's name in your \
                 domain, or your domain itself."
            ),
            vec![Fix::action(
                FixKind::SetEhloName,
                "Set the EHLO name to a full name (such as laptop.example.com)",
            )],
        ));
    }
    // 530 5.7.0 "Must issue a STARTTLS command first": on an unencrypted connection to a
    // server that offers STARTTLS.
    if r.code == 530
        && (enh(5, 7, 0) || e.subject == 7 && e.detail == 0)
        && s.security == Security::None
        && ctx.server.is_some_and(|i| i.starttls)
    {
        return Some(verdict(
            C::StarttlsRequired,
            "The server wants encryption first",
            format!(
                "The server accepts nothing before the connection is encrypted (\"{said}\"). \
                 Choose \"Upgrade with STARTTLS\" on this port, or encryption from the start \
                 on port 465."
            ),
            vec![fix_security_here(s.port, Security::Starttls), fix_tls_465()],
        ));
    }
    if (envelope || stage == Stage::Auth) && enh(5, 4, 5) {
        return Some(verdict(
            C::QuotaExceeded,
            "The account reached its sending limit",
            format!(
                "The provider refused to send more mail from this account for now, because its \
                 sending limit is reached (\"{said}\"). The settings are right. The limit \
                 resets after a while (usually within 24 hours); wait, or send less at once."
            ),
            vec![Fix::action(FixKind::RetryLater, "Try again tomorrow")],
        ));
    }
    if envelope && enh(5, 2, 252) {
        return Some(verdict(
            C::SendAsDenied,
            "This account may not send as that address",
            format!(
                "The server refused to send from \"{}\" with the account you signed in with \
                 (\"{said}\"). Send from the address of that account, or ask the \
                 administrator for \"Send As\" permission on the other address.",
                s.from
            ),
            vec![Fix::action(
                FixKind::CheckAddress,
                "Use the address of the account you sign in with",
            )],
        ));
    }
    if envelope && e.class == 5 && e.subject == 7 && (20..=27).contains(&e.detail) {
        return Some(verdict(
            C::SenderPolicyRejected,
            "The mail was refused by the sender domain's rules (DMARC/SPF)",
            format!(
                "The receiving server checked the sender's domain and the check failed \
                 (\"{said}\"): the domain of \"{}\" does not allow this server to send for \
                 it (SPF, DKIM or DMARC). Send from an address of the account you sign in \
                 with, or ask whoever runs that domain to allow this server.",
                s.from
            ),
            vec![Fix::action(
                FixKind::CheckAddress,
                "Use the address of the account you sign in with",
            )],
        ));
    }
    None
}
