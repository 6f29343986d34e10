//! A refused sign-in, classified by the reply code and the enhanced status code.

use super::fixes::{fix_retry, other_submission_ports};
use super::{verdict, Context};
use crate::smtp::Reply;
use crate::verdict::{Fix, FixKind, Verdict, VerdictCode as C};

pub(super) fn auth(r: &Reply, said: &str, ctx: &Context<'_>) -> Verdict {
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

