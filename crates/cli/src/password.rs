//! Where the password comes from: `--password-stdin`, then `PORTOLAN_PASSWORD`, then a prompt
//! on a terminal; for a saved profile, its keyring entry. Never from an argument.

use std::io::{BufRead, IsTerminal};

use portolan_core::error::{FaceError, PasswordSource, UserError};
use portolan_core::profiles::{Profile, ProfileError};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::Password;

/// The password for `user`: the first line of standard input when `stdin` is set, then
/// PORTOLAN_PASSWORD, then a prompt on a terminal. `None` without a user name or a way to ask.
pub fn read(user: Option<&str>, stdin: bool) -> Result<Option<Password>, UserError> {
    let Some(user) = user else {
        return Ok(None);
    };
    if stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| FaceError::Password {
                from: PasswordSource::Stdin,
                reason: e.to_string(),
            })?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        return Ok(Some(Password::new(pw)));
    }
    if let Ok(pw) = std::env::var("PORTOLAN_PASSWORD") {
        return Ok(Some(Password::new(pw)));
    }
    if std::io::stdin().is_terminal() {
        let pw = rpassword::prompt_password(format!("Password for {user}: ")).map_err(|e| {
            FaceError::Password {
                from: PasswordSource::Prompt,
                reason: e.to_string(),
            }
        })?;
        return Ok(Some(Password::new(pw)));
    }
    Ok(None)
}

/// The password to sign in with a saved profile: --password-stdin, PORTOLAN_PASSWORD, then
/// the profile's keyring entry (or a prompt when none was saved).
pub fn for_profile(profile: &Profile, stdin: bool) -> Result<Option<Password>, UserError> {
    let Some(user) = profile.settings.username.as_deref() else {
        return Ok(None);
    };
    if stdin || std::env::var_os("PORTOLAN_PASSWORD").is_some() {
        return read(Some(user), stdin);
    }
    if !profile.password_saved {
        return read(Some(user), false);
    }
    match portolan_core::profiles::profile_password(&Keychain::platform(), profile) {
        // The entry is gone from the keyring: ask for the password on a terminal rather than
        // signing in without one.
        Err(e @ ProfileError::PasswordMissing(_)) if std::io::stdin().is_terminal() => {
            eprintln!("! {e}");
            read(Some(user), false)
        }
        other => Ok(other?),
    }
}
