//! A refused sign-in, classified by the reply code and the enhanced status code (and, for the
//! providers that document one, their error token such as Yahoo's `#AUTH005`), with the first
//! fix picked by the provider: at a provider that wants app passwords, the page that makes one.

use super::fixes::{fix_retry, other_submission_ports};
use super::provider::Family;
use super::{verdict, Context};
use crate::smtp::Reply;
use crate::verdict::{Fix, FixKind, Verdict, VerdictCode as C};

/// "Type the password again".
fn check_pw() -> Fix {
    Fix::action(FixKind::CheckPassword, "Type the password again")
}

/// The provider's own error token in a reply, such as `(#AUTH005)`: a `#` and capitals and
/// digits inside parentheses. A documented code, not words.
pub(super) fn provider_token(r: &Reply) -> Option<String> {
    r.lines.iter().find_map(|l| {
        let start = l.find("(#")? + 2;
        let rest = &l[start..];
        let end = rest.find(')')?;
        let tok = &rest[..end];
        (!tok.is_empty()
            && tok.len() <= 16
            && tok
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        .then(|| tok.to_owned())
    })
}

/// The fixes for a refused password at a provider that wants an app password: its page
/// first, then typing the new password in.
pub(super) fn app_password_fixes(name: &str, page: &str) -> Vec<Fix> {
    vec![
        Fix::open_page(format!("Create an app password at {name}"), page),
        Fix::action(FixKind::CreateAppPassword, "Type the app password here"),
    ]
}

/// The request an IT administrator needs when Microsoft 365 refuses SMTP AUTH: the three
/// switches by name, and the server's reply.
pub(super) fn microsoft_admin_request(ctx: &Context<'_>, said: &str) -> String {
    let s = ctx.settings;
    let who = s.username.as_deref().unwrap_or(s.from.as_str());
    format!(
        "Hello, could you allow authenticated SMTP (SMTP AUTH) for my mailbox {who}? An app \
         that sends mail through {host} port {port} is refused with: \"{said}\"\n\
         \n\
         Microsoft 365 turns SMTP AUTH off in three places; each must allow it:\n\
         1. For the organisation: Exchange admin center > Settings > Mail flow > \"Turn off \
         SMTP AUTH protocol for your organization\" must be cleared \
         (PowerShell: Set-TransportConfig -SmtpClientAuthenticationDisabled $false).\n\
         2. Security Defaults: while they are on in the Microsoft Entra admin center (Identity \
         > Overview > Properties > Manage security defaults), SMTP AUTH with a password is \
         blocked; a Conditional Access policy can replace them.\n\
         3. For the mailbox: Microsoft 365 admin center > Users > Active users > {who} > Mail \
         > Manage email apps > \"Authenticated SMTP\" must be ticked \
         (PowerShell: Set-CASMailbox -Identity {who} -SmtpClientAuthenticationDisabled $false).\n\
         \n\
         Microsoft's page: https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission\n\
         Thank you.",
        host = s.host,
        port = s.port,
    )
}

/// The verdict when Microsoft 365 says SMTP AUTH is switched off (`5.7.139`).
pub(super) fn smtp_auth_disabled(ctx: &Context<'_>, said: &str) -> Verdict {
    if ctx
        .provider
        .is_some_and(|p| p.family == Family::OutlookPersonal)
    {
        return outlook_personal(ctx, Some(said));
    }
    verdict(
        C::SmtpAuthDisabled,
        "Sending from apps is switched off for this mailbox",
        format!(
            "Microsoft 365 refused the sign-in because password sign-in for apps (SMTP AUTH) \
             is switched off (\"{said}\"). Your password is not the problem. It can be off for \
             the whole organisation, by Security Defaults, or for your mailbox alone, and only \
             an administrator can turn it on. Copy the request below and send it to your IT \
             administrator; it names the three settings and includes the server's answer."
        ),
        vec![Fix::copy_text(
            "Copy a request for your IT admin",
            microsoft_admin_request(ctx, said),
        )],
    )
}

/// Outlook.com personal accounts take no passwords from other apps.
pub(super) fn outlook_personal(ctx: &Context<'_>, said: Option<&str>) -> Verdict {
    let fixes = ctx
        .provider
        .and_then(|p| p.help.as_deref())
        .map(|link| vec![Fix::open_page("Read Microsoft's page about it", link)])
        .unwrap_or_default();
    verdict(
        C::OauthRequired,
        "Outlook.com no longer accepts passwords from other apps",
        format!(
            "Since 16 September 2024, personal Outlook.com, Hotmail and Live accounts only \
             accept sign-in through Microsoft's own page (OAuth), not a password typed into \
             another app{}. Use an app that offers \"Sign in with Microsoft\", or send through \
             another provider.",
            said.map(|s| format!(" (\"{s}\")")).unwrap_or_default()
        ),
        fixes,
    )
}

pub(super) fn auth(r: &Reply, said: &str, ctx: &Context<'_>) -> Verdict {
    let e = r.enhanced;
    let enh = |c: u8, s: u16, d: u16| e.is_some_and(|x| x.is(c, s, d));
    let provider = ctx.provider;
    let family = provider.map(|p| p.family).unwrap_or_default();
    let app_page = provider.and_then(|p| Some((p.name.as_str(), p.app_password_page.as_deref()?)));
    if enh(5, 7, 139) {
        return smtp_auth_disabled(ctx, said);
    }
    if family == Family::OutlookPersonal && r.is_permanent() {
        return outlook_personal(ctx, Some(said));
    }
    // Google documents 534 5.7.9 as "application-specific password required"; elsewhere
    // 5.7.9 is RFC 4954's "authentication mechanism is too weak".
    if family == Family::Google && (r.code == 534 || enh(5, 7, 9)) {
        let mut fixes = app_page
            .map(|(n, p)| app_password_fixes(n, p))
            .unwrap_or_default();
        if fixes.is_empty() {
            fixes.push(Fix::action(
                FixKind::CreateAppPassword,
                "Create an app password, then type it here",
            ));
        }
        return verdict(
            C::AppPasswordRequired,
            "Google wants an app password",
            format!(
                "Google refused your normal password for apps (\"{said}\"). Your account uses \
                 2-Step Verification, so apps need an \"app password\": create one in your \
                 Google Account and type it here instead of your normal password."
            ),
            fixes,
        );
    }
    if enh(5, 7, 9) || (r.code == 534 && enh(5, 7, 14)) {
        return verdict(
            C::AuthMechanismUnsupported,
            "The server wants a stronger sign-in method",
            format!(
                "The server refused the sign-in method as too weak (\"{said}\"). Servers say \
                 this when a password must not be sent this way on this port; try the \
                 encrypted ports."
            ),
            other_submission_ports(ctx.settings.port),
        );
    }
    if family == Family::Yahoo && provider_token(r).as_deref() == Some("AUTH005") {
        let mut fixes = vec![Fix::action(
            FixKind::RetryLater,
            "Wait an hour, then try again",
        )];
        if let Some((n, p)) = app_page {
            fixes.extend(app_password_fixes(n, p));
        }
        return verdict(
            C::RateLimited,
            "Too many refused sign-ins: the account is paused for a while",
            format!(
                "The server stopped accepting sign-ins for now after several refused attempts \
                 (\"{said}\"). Trying again at once keeps the pause going. Wait, then sign in \
                 with an app password: this provider refuses your normal password in apps."
            ),
            fixes,
        );
    }
    if r.code == 454 && enh(4, 7, 0) {
        return verdict(
            C::RateLimited,
            "Too many sign-ins in a short time",
            format!(
                "The server is not checking passwords for this account right now (\"{said}\"). \
                 This is not a wrong password: it happens after many sign-ins in a short time, \
                 or while the server is briefly unable to check. Wait about 15 minutes and try \
                 once more; repeated tries make the wait longer."
            ),
            vec![Fix::action(
                FixKind::RetryLater,
                "Wait 15 minutes, then try again",
            )],
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
    if enh(5, 7, 57) {
        return smtp_auth_disabled(ctx, said);
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
    refused(
        ctx,
        &format!("The server refused the sign-in (\"{said}\")."),
        Some(said),
    )
}

/// A refused user name or password (`535 5.7.8`, `5.7.3`, `5.7.0`, …, or a hang-up during
/// sign-in): the first fix is the provider's app-password page when it wants one.
pub(super) fn refused(ctx: &Context<'_>, what: &str, said: Option<&str>) -> Verdict {
    let provider = ctx.provider;
    if let Some((name, page)) =
        provider.and_then(|p| Some((p.name.as_str(), p.app_password_page.as_deref()?)))
    {
        return verdict(
            C::AuthFailed,
            &format!("{name} refused the password: it needs an app password"),
            format!(
                "{what} {name} does not accept your normal password in other apps. Create an \
                 \"app password\" on {name}'s security page (two-step verification may have \
                 to be turned on first) and type that password here. If you did use an app \
                 password, check the user name (your full address) and make a new one."
            ),
            app_password_fixes(name, page),
        );
    }
    let mut fixes = vec![check_pw()];
    if let (Some(p), Some(said)) = (provider, said) {
        if p.family == Family::Microsoft365 {
            fixes.push(Fix::copy_text(
                "If the password is right: copy a request for your IT admin",
                microsoft_admin_request(ctx, said),
            ));
        }
    }
    verdict(
        C::AuthFailed,
        "The user name or password was not accepted",
        format!(
            "{what} Check the user name (often your full email address) and the password. \
             Some providers need an app password instead of your normal one."
        ),
        fixes,
    )
}
