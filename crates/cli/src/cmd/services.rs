//! `portolan services`: the sending services of the built-in list ("I send through a
//! service"), or one service's settings, user name and notes.

use portolan_core::discover::catalogue::{find_sending_service, sending_service_views};
use portolan_core::error::UserError;

use crate::exit::Exit;
use crate::render::{self, Out};

/// Options of `portolan services`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The service's id (e.g. sendgrid, amazon-ses-eu-west-1); without it, the list.
    pub id: Option<String>,
}

/// Prints the list, or one service.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    match args.id {
        None => {
            let list = sending_service_views();
            out.show(&list, |l| render::service_list(l))?;
        }
        Some(id) => {
            let service = find_sending_service(&id)?;
            out.show(&service, render::service_card)?;
        }
    }
    Ok(Exit::Done)
}
