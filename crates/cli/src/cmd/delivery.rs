//! `portolan delivery`: the test email was accepted but did not arrive. What to look at, in
//! order, and whether the From domain's SPF record allows the server (with its DMARC policy),
//! read through the system's DNS or the one `--resolver` names.

use std::net::SocketAddr;

use portolan_core::delivery::{explain, DeliveryOptions};
use portolan_core::error::UserError;

use crate::exit::Exit;
use crate::render::{self, Out};
use crate::runtime;

/// Options of `portolan delivery`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The From address of the test email.
    #[arg(long, value_name = "ADDRESS")]
    from: String,
    /// The server it was sent through (e.g. smtp.example.com).
    #[arg(long, value_name = "HOST")]
    host: String,
    /// Where it was sent (defaults to the From address).
    #[arg(long, value_name = "ADDRESS")]
    to: Option<String>,
    /// Ask this DNS server (IP:PORT) instead of the system's.
    #[arg(long, value_name = "IP:PORT")]
    resolver: Option<SocketAddr>,
}

/// Looks up SPF and DMARC and prints the steps.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let opts = DeliveryOptions {
        resolver: args.resolver,
        ..DeliveryOptions::default()
    };
    let to = args.to.as_deref().unwrap_or(&args.from);
    let help = runtime::block_on(None, explain(&args.from, to, &args.host, &opts))??;
    out.show(&help, render::delivery)?;
    Ok(Exit::Done)
}
