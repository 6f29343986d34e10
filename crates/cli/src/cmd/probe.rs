//! `portolan probe HOST`: which ports answer, and which one to use.

use std::path::PathBuf;
use std::process::ExitCode;

use portolan_core::error::{ErrorCode, UserError};
use portolan_core::observer::Event;
use portolan_core::ports::Security;
use portolan_core::probe::{default_candidates, PortState, ProbeCandidate, ProbeOptions};
use portolan_core::tls::Trust;

use super::check::{cancel_on_ctrl_c, fail, runtime, timeout, wrap, EXIT_CODES};

/// Options of `portolan probe`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct Args {
    /// The mail server's name, e.g. smtp.example.com.
    host: String,
    /// A port to try, as PORT:SECURITY (e.g. 587:starttls); repeat for several. Default:
    /// 465:tls 587:starttls 2525:starttls 25:starttls, best first.
    #[arg(
        long = "port",
        value_name = "PORT:SECURITY",
        value_parser = parse_candidate,
        allow_hyphen_values = true
    )]
    ports: Vec<ProbeCandidate>,
    /// Trust the certificate authorities in this PEM file as well as the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Give up on a port after this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 15.0,
        allow_negative_numbers = true
    )]
    timeout: f64,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_candidate(s: &str) -> Result<ProbeCandidate, String> {
    let (port, sec) = s
        .split_once(':')
        .ok_or_else(|| format!("\"{s}\" should look like 587:starttls"))?;
    let port = super::check::parse_port(port)?;
    let security: Security = sec.parse()?;
    Ok(ProbeCandidate::new(port, security))
}

fn state_mark(s: PortState) -> &'static str {
    match s {
        PortState::Works => "✓",
        PortState::WorksUnencrypted => "!",
        _ => "✗",
    }
}

/// Probes and prints each port as it answers, then the recommendation.
pub fn run(args: Args) -> ExitCode {
    let opts = (|| {
        let trust = match &args.ca_file {
            Some(p) => Some(Trust::with_extra_ca_file(p)?),
            None => None,
        };
        let port_timeout = timeout(args.timeout)?;
        let step = (port_timeout / 3).min(std::time::Duration::from_secs(5));
        Ok::<_, UserError>(ProbeOptions {
            trust,
            port_timeout,
            connect_timeout: step,
            command_timeout: step,
            ..ProbeOptions::default()
        })
    })();
    let opts = match opts {
        Ok(o) => o,
        Err(e) => return fail(&e, args.json),
    };
    // Refused before anything is printed or sent, like check's and send's options.
    if let Err(m) = portolan_core::settings::validate_host(&args.host) {
        let e = UserError::new(
            ErrorCode::InvalidSettings,
            format!("HOST: {m}"),
            "Correct the server name and run the command again.",
        );
        return fail(&e, args.json);
    }
    let candidates = if args.ports.is_empty() {
        default_candidates()
    } else {
        args.ports.clone()
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(&e, args.json),
    };
    let json = args.json;
    if !json {
        outln!("Trying {} on {} ports…", args.host, candidates.len());
    }
    let printer = move |e: Event| {
        if json {
            return;
        }
        match e {
            Event::ProbePort { result } => outln!(
                "  {} {:>5} {} — {} ({} ms)",
                state_mark(result.state),
                result.candidate.port,
                result.candidate.security.label(),
                result.summary,
                result.duration_ms
            ),
            Event::ProbeRecommendation {
                candidate,
                after_ms,
            } => outln!(
                "  → Recommended after {after_ms} ms: port {} ({})",
                candidate.port,
                candidate.security.label()
            ),
            _ => {}
        }
    };
    let report = rt.block_on(async {
        cancel_on_ctrl_c(opts.cancel.clone());
        portolan_core::probe::probe(&args.host, &candidates, &opts, &printer).await
    });
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(&e, json),
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("Could not write the result as JSON: {e}");
                return ExitCode::from(70);
            }
        }
    } else {
        outln!("\n{}", wrap(&report.recommendation, 76, ""));
        if let Some(note) = &report.network_note {
            outln!("{}", wrap(note, 76, ""));
        }
    }
    if report.recommended.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(20)
    }
}
