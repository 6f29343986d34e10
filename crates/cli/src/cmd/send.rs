//! `portolan send`: the check, then the test email (to your own address by default).

use portolan_core::error::{FaceError, UserError};

use super::check::prepare;
use crate::args::ServerArgs;
use crate::exit::Exit;
use crate::render::{self, Out};
use crate::runtime;

/// Options of `portolan send`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    server: ServerArgs,
    /// Where to send the test email (defaults to the sender address).
    #[arg(long)]
    to: Option<String>,
}

/// Checks, sends the test email and prints the server's acceptance.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let a = &args.server;
    if a.profile.is_none() && !a.connection.has_from() {
        return Err(FaceError::MissingFrom.into());
    }
    if let Some(to) = &args.to {
        portolan_core::settings::validate_address("recipient address", to).map_err(|message| {
            FaceError::AddressOption {
                option: "--to".into(),
                message,
            }
        })?;
    }
    let p = prepare(a)?;
    out.intro(&render::send_intro(&p.settings, args.to.as_deref()));
    let printer = render::live_steps(out);
    let report = runtime::block_on(
        Some(&p.options.cancel),
        portolan_core::send::send_test(
            &p.settings,
            p.password.as_ref(),
            args.to.as_deref(),
            &p.options,
            &printer,
        ),
    )??;
    out.show(&report, |r| render::conclusion(r, a.transcript))?;
    Ok(Exit::for_report(&report))
}
