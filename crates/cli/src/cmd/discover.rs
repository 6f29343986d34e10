//! `portolan discover EMAIL`: proposes outgoing-server settings for an address, says where
//! each came from and what left the computer to find them.

use std::net::SocketAddr;
use std::time::Duration;

use portolan_core::discover::{discover, DiscoverOptions};
use portolan_core::error::{FaceError, OptionProblem, UserError};
use portolan_core::ports::Security;

use crate::args::{parse_port_security, TrustArgs};
use crate::exit::Exit;
use crate::render::{self, Out};
use crate::runtime;

/// Options of `portolan discover`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address you will send from, e.g. name@example.com.
    email: String,
    /// Use only the built-in provider list: nothing leaves this computer.
    #[arg(long)]
    offline: bool,
    /// Ask this DNS server (IP:PORT) instead of the system's.
    #[arg(long, value_name = "IP:PORT")]
    resolver: Option<SocketAddr>,
    /// Base URL of Thunderbird's provider database (the domain is appended).
    #[arg(long, value_name = "URL")]
    ispdb_url: Option<String>,
    /// Do not ask Thunderbird's provider database.
    #[arg(long)]
    no_ispdb: bool,
    #[command(flatten)]
    trust: TrustArgs,
    /// Give up on sources that have not answered after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 8.0)]
    budget: f64,
    /// Allow sending your address to your domain's autoconfig server (Thunderbird does).
    #[arg(long)]
    share_address: bool,
    /// Do not try common server names (smtp., mail., the bare domain).
    #[arg(long)]
    no_guess: bool,
    /// Port of the domain's HTTPS autoconfig (tests and labs).
    #[arg(long, value_name = "PORT", default_value_t = 443, hide = true)]
    autoconfig_https_port: u16,
    /// Port of the domain's HTTP autoconfig fallback (tests and labs).
    #[arg(long, value_name = "PORT", default_value_t = 80, hide = true)]
    autoconfig_http_port: u16,
    /// A (port, security) pair tried on guessed names, as PORT:SECURITY; repeatable.
    #[arg(long = "guess-port", value_name = "PORT:SECURITY", value_parser = parse_port_security, hide = true)]
    guess_ports: Vec<(u16, Security)>,
}

fn options(args: &Args) -> Result<DiscoverOptions, UserError> {
    if !(args.budget.is_finite() && args.budget > 0.0 && args.budget <= 120.0) {
        return Err(FaceError::BadOption(OptionProblem::Budget).into());
    }
    let mut o = DiscoverOptions {
        budget: Duration::from_secs_f64(args.budget),
        offline: args.offline,
        share_address: args.share_address,
        resolver: args.resolver,
        autoconfig_https_port: args.autoconfig_https_port,
        autoconfig_http_port: args.autoconfig_http_port,
        guess: !args.no_guess,
        ..DiscoverOptions::default()
    };
    if args.no_ispdb {
        o.ispdb_url = None;
    } else if let Some(u) = &args.ispdb_url {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            return Err(FaceError::BadOption(OptionProblem::NotWebAddress(u.clone())).into());
        }
        o.ispdb_url = Some(u.clone());
    }
    if !args.guess_ports.is_empty() {
        o.guess_ports = args.guess_ports.clone();
    }
    // One trust for autoconfig over HTTPS and for the probes that confirm guesses.
    if let Some(trust) = args.trust.trust()? {
        o.trust = Some(trust);
    }
    Ok(o)
}

/// Runs a discovery, printing each proposal as it arrives (words), then the ranked list.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let opts = options(&args)?;
    let progress = render::live_proposals(out);
    let d = runtime::block_on(None, discover(&args.email, &opts, &progress))??;
    out.show(&d, |d| out!("{}", render::discovery(d)))?;
    Ok(if d.candidates.is_empty() {
        Exit::NothingFound
    } else {
        Exit::Done
    })
}
