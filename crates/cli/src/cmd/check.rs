//! `portolan check`: the step-by-step check of one configuration.

use portolan_core::check::{CheckOptions, FindProvider};
use portolan_core::discover::catalogue::known_provider;
use portolan_core::error::UserError;

use crate::args::{seconds, Resolved, ServerArgs};
use crate::exit::Exit;
use crate::render::{self, Out};
use crate::{password, runtime};

/// Options of `portolan check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub server: ServerArgs,
}

/// What `check` and `send` need before connecting: the settings, the bounds, the password.
pub struct Prepared {
    /// The validated settings.
    pub settings: portolan_core::settings::SmtpSettings,
    /// Bounds, trust and cancellation.
    pub options: CheckOptions,
    /// The password, when there is one.
    pub password: Option<portolan_core::sensitive::Password>,
}

/// Resolves the settings, the options and the password, refusing bad input before any
/// network traffic.
pub fn prepare(a: &ServerArgs) -> Result<Prepared, UserError> {
    let Resolved { settings, profile } = a.resolve()?;
    let total = seconds(a.timeout)?;
    let provider_id = profile.as_ref().and_then(|p| p.provider_id.clone());
    let options = CheckOptions {
        trust: a.trust.trust()?,
        ehlo_name: a.ehlo.clone(),
        // The verdict's first fix is the one that works at the provider behind the server
        // (a saved profile names the provider it was made for), looked up while connecting.
        find_provider: Some(FindProvider::by(move |s| {
            known_provider(s, provider_id.as_deref())
        })),
        ..CheckOptions::default()
    }
    .with_total_timeout(total);
    let stdin = a.connection.password_stdin;
    let password = match &profile {
        Some(p) => password::for_profile(p, stdin)?,
        None => password::read(a.connection.user.as_deref(), stdin)?,
    };
    Ok(Prepared {
        settings,
        options,
        password,
    })
}

/// Runs the check and prints it.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let a = &args.server;
    let p = prepare(a)?;
    out.intro(&render::check_intro(&p.settings, p.password.is_some()));
    let printer = render::live_steps(out);
    let report = runtime::block_on(
        Some(&p.options.cancel),
        portolan_core::check::check(&p.settings, p.password.as_ref(), &p.options, &printer),
    )??;
    out.show(&report, |r| render::conclusion(r, a.transcript))?;
    Ok(Exit::for_report(&report))
}
