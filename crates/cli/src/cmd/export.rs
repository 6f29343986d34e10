//! `portolan export`: a saved profile in the format it is pasted into.

use portolan_core::error::UserError;
use portolan_core::export::{ExportInput, FormatId};
use portolan_core::profiles::{self, ProfileStore};
use portolan_core::secrets::Keychain;

use crate::exit::Exit;
use crate::render::{self, Out};

/// Options of `portolan export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The saved profile's name or id.
    #[arg(required_unless_present = "list")]
    profile: Option<String>,
    /// The format (see --list), e.g. env, laravel, wp_mail_smtp, msmtprc, smtp_url.
    #[arg(long, short, default_value = "card")]
    format: FormatId,
    /// Write the saved password into the output. Left out by default.
    #[arg(long)]
    include_password: bool,
    /// List the formats and what each is for.
    #[arg(long)]
    list: bool,
}

/// Runs `portolan export`.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    if args.list {
        out.show(&portolan_core::export::formats(), |f| {
            render::format_list(f)
        })?;
        return Ok(Exit::Done);
    }
    let store = ProfileStore::open_default()?;
    let key = args.profile.clone().unwrap_or_default();
    let found = store.find(&key);
    out.notices(&store.take_notices());
    let p = found?;
    let password = if args.include_password && p.password_saved {
        profiles::profile_password(&Keychain::platform(), &p)?
    } else {
        None
    };
    let input = ExportInput {
        name: Some(p.name.clone()),
        profile_id: Some(p.id.clone()),
        settings: p.settings.clone(),
        password,
        provider_id: p.provider_id.clone(),
    };
    let exported = portolan_core::export::export(args.format, &input, args.include_password)?;
    out.show(&exported, |e| render::exported(out, e))?;
    Ok(Exit::Done)
}
