//! `portolan ports`: the port guide of DESIGN.md §4.

use portolan_core::error::UserError;

use crate::exit::Exit;
use crate::render::Out;

/// Options of `portolan ports`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints the guide, the same words the app shows.
pub fn run(_args: Args, out: Out) -> Result<Exit, UserError> {
    let guide = portolan_core::ports::guide();
    out.show(&guide, |g| {
        out!("{}", portolan_core::ports::render_text(g, 78))
    })?;
    Ok(Exit::Done)
}
