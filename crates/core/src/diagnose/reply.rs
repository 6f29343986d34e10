//! A negative reply at a stage, classified by the reply code and the enhanced status code.

use super::fixes::{fix_retry, fix_tls_465, other_submission_ports};
use super::{verdict, Context};
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

