//! Sign-in (RFC 4954): AUTH PLAIN with its initial response, or AUTH LOGIN, never over an
//! unencrypted connection unless the settings allow it. The credential is built in zeroised
//! buffers and never recorded (the transcript redacts AUTH and every answer to a `334`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use zeroize::Zeroizing;

use super::{command, refused};
use crate::diagnose::Failure;
use crate::recorder::Recorder;
use crate::report::{Stage, StepStatus};
use crate::sensitive::Password;
use crate::settings::SmtpSettings;
use crate::smtp::{Conn, Ehlo};

/// Signs in as `user`. `Ok(false)` when no password was given (the step is skipped).
pub(super) async fn auth(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    settings: &SmtpSettings,
    user: &str,
    password: Option<&Password>,
    ehlo: &Ehlo,
) -> Result<bool, Failure> {
    rec.begin(Stage::Auth);
    let mechs = &ehlo.auth_mechanisms;
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
            starttls_offered: ehlo.starttls,
        });
    }
    let has = |m: &str| mechs.iter().any(|x| x == m);
    let pw = password.expose();
    let reply = if has("PLAIN") {
        let token = Zeroizing::new(format!("\0{user}\0{pw}"));
        let line = Zeroizing::new(format!("AUTH PLAIN {}", STANDARD.encode(token.as_bytes())));
        let mut r = command(conn, rec, Stage::Auth, &line).await?;
        if r.code == 334 {
            let b64 = Zeroizing::new(STANDARD.encode(token.as_bytes()));
            r = command(conn, rec, Stage::Auth, &b64).await?;
        }
        r
    } else if has("LOGIN") {
        let mut r = command(conn, rec, Stage::Auth, "AUTH LOGIN").await?;
        let answers = [
            Zeroizing::new(STANDARD.encode(user.as_bytes())),
            Zeroizing::new(STANDARD.encode(pw.as_bytes())),
        ];
        for answer in &answers {
            if r.code != 334 {
                break;
            }
            r = command(conn, rec, Stage::Auth, answer).await?;
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
    if reply.code == 235 {
        rec.ok(format!("Signed in as {user}"));
        Ok(true)
    } else {
        Err(refused(rec, Stage::Auth, reply))
    }
}
