//! `portolan probe HOST`: which ports answer, and which one to use.

use portolan_core::error::UserError;
use portolan_core::probe::{default_candidates, ProbeCandidate, ProbeOptions};

use crate::args::{option_problem, parse_port_security, seconds, TrustArgs};
use crate::exit::Exit;
use crate::render::{self, Out};
use crate::runtime;

/// Options of `portolan probe`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mail server's name, e.g. smtp.example.com.
    host: String,
    #[arg(
        help = portolan_core::words::cli_help::PROBE_PORT,
        long = "port",
        value_name = "PORT:SECURITY",
        value_parser = parse_candidate,
        allow_hyphen_values = true
    )]
    ports: Vec<ProbeCandidate>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Give up on a port after this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 15.0,
        allow_negative_numbers = true
    )]
    timeout: f64,
}

fn parse_candidate(s: &str) -> Result<ProbeCandidate, String> {
    let (port, security) = parse_port_security(s)?;
    Ok(ProbeCandidate::new(port, security))
}

/// Probes and prints each port as it answers, then the recommendation.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let port_timeout = seconds(args.timeout)?;
    let step = (port_timeout / 3).min(std::time::Duration::from_secs(5));
    let opts = ProbeOptions {
        trust: args.trust.trust()?,
        port_timeout,
        connect_timeout: step,
        command_timeout: step,
        ..ProbeOptions::default()
    };
    // Refused before anything is printed or sent, like check's and send's options.
    portolan_core::settings::validate_host(&args.host).map_err(|m| option_problem("HOST", m))?;
    let candidates = if args.ports.is_empty() {
        default_candidates()
    } else {
        args.ports.clone()
    };
    out.intro(&render::probe_intro(&args.host, candidates.len()));
    let printer = render::live_ports(out);
    let report = runtime::block_on(
        Some(&opts.cancel),
        portolan_core::probe::probe(&args.host, &candidates, &opts, &printer),
    )??;
    out.show(&report, render::probe_conclusion)?;
    Ok(if report.recommended.is_some() {
        Exit::Done
    } else {
        Exit::NoPortWorks
    })
}
