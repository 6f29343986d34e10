//! `portolan send`: the check, then the test email (to your own address by default).

use std::process::ExitCode;

use portolan_core::error::{ErrorCode, UserError};

use super::check::{
    cancel_on_ctrl_c, fail, finish, live_printer, runtime, validate_settings, ServerArgs,
    EXIT_CODES,
};

/// Options of `portolan send`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct Args {
    #[command(flatten)]
    server: ServerArgs,
    /// Where to send the test email (defaults to the sender address).
    #[arg(long)]
    to: Option<String>,
}

/// Checks, sends the test email and prints the server's acceptance.
pub fn run(args: Args) -> ExitCode {
    let a = &args.server;
    let result = (|| {
        let settings = a.resolve()?;
        if a.profile.is_none()
            && a.from.is_none()
            && !a.user.as_deref().is_some_and(|u| u.contains('@'))
        {
            return Err(UserError::new(
                ErrorCode::MissingFrom,
                "The test email needs a sender address.",
                "Give --from you@example.com (or sign in with --user set to your address).",
            ));
        }
        validate_settings(&settings, a.profile.as_deref())?;
        if let Some(to) = &args.to {
            portolan_core::settings::validate_address("recipient address", to).map_err(|m| {
                UserError::new(
                    ErrorCode::InvalidAddress,
                    format!("--to: {m}"),
                    "Correct the option and run the command again.",
                )
            })?;
        }
        let opts = a.options()?;
        let password = a.password()?;
        Ok::<_, UserError>((settings, opts, password))
    })();
    let (settings, opts, password) = match result {
        Ok(x) => x,
        Err(e) => return fail(&e, a.json),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(&e, a.json),
    };
    if !a.json {
        outln!(
            "Sending \"{}\" to {} through {} port {} ({})…",
            portolan_core::send::SUBJECT,
            args.to.as_deref().unwrap_or(&settings.from),
            settings.host,
            settings.port,
            settings.security.label()
        );
    }
    let printer = live_printer(a.json);
    let report = rt.block_on(async {
        cancel_on_ctrl_c(opts.cancel.clone());
        portolan_core::send::send_test(
            &settings,
            password.as_ref(),
            args.to.as_deref(),
            &opts,
            &printer,
        )
        .await
    });
    match report {
        Ok(r) => finish(&r, a),
        Err(e) => fail(&e, a.json),
    }
}
