//! `portolan discover EMAIL`: proposes outgoing-server settings for an address, says where
//! each came from and what left the computer to find them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use portolan_core::discover::{
    discover, DiscoverEvent, DiscoverOptions, Discovery, EgressKind, SourceStatus,
};
use portolan_core::error::{ErrorCode, UserError};
use portolan_core::ports::Security;
use portolan_core::tls::Trust;

use super::check::{fail, runtime, wrap};

const DISCOVER_EXIT_CODES: &str = "\
Exit codes:
   0  at least one server was proposed
   2  the address or an option is wrong (nothing was sent)
  21  no settings were found
  70  Portolan itself failed";

/// Options of `portolan discover`.
#[derive(Debug, clap::Args)]
#[command(after_help = DISCOVER_EXIT_CODES)]
pub struct Args {
    /// The address you will send from, e.g. name@example.com.
    email: String,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
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
    /// Trust the certificate authorities in this PEM file as well as the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
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
    #[arg(long = "guess-port", value_name = "PORT:SECURITY", value_parser = parse_pair, hide = true)]
    guess_ports: Vec<(u16, Security)>,
}

fn parse_pair(s: &str) -> Result<(u16, Security), String> {
    let (port, sec) = s
        .split_once(':')
        .ok_or_else(|| format!("\"{s}\" should look like 587:starttls"))?;
    let port: u16 = port
        .parse()
        .map_err(|_| format!("\"{port}\" is not a port number"))?;
    Ok((port, sec.parse()?))
}

fn options(args: &Args) -> Result<DiscoverOptions, UserError> {
    if !(args.budget.is_finite() && args.budget > 0.0 && args.budget <= 120.0) {
        return Err(UserError::new(
            ErrorCode::InvalidOption,
            "The time budget must be between 0 and 120 seconds.",
            "Try --budget 8.",
        ));
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
            return Err(UserError::new(
                ErrorCode::InvalidOption,
                format!("\"{u}\" is not a web address."),
                "Give a URL starting with https://.",
            ));
        }
        o.ispdb_url = Some(u.clone());
    }
    if !args.guess_ports.is_empty() {
        o.guess_ports = args.guess_ports.clone();
    }
    if let Some(path) = &args.ca_file {
        // One trust for autoconfig over HTTPS and for the probes that confirm guesses.
        o.trust = Some(Trust::with_extra_ca_file(path)?);
    }
    Ok(o)
}

fn status_mark(s: SourceStatus) -> &'static str {
    match s {
        SourceStatus::Found => "✓",
        SourceStatus::NothingFound => "–",
        SourceStatus::Skipped => "·",
        SourceStatus::Failed | SourceStatus::TimedOut => "✗",
    }
}

fn render(d: &Discovery) -> String {
    let mut out = String::new();
    out.push_str(&wrap(&d.summary, 78, ""));
    out.push('\n');
    for (i, c) in d.candidates.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} port {} — {}{}\n",
            i + 1,
            c.host,
            c.port,
            c.security.label(),
            if c.confirmed {
                " (a mail server answered there)"
            } else {
                ""
            }
        ));
        let mut from = c.origin.clone();
        if let Some(p) = &c.provider_name {
            from = format!("{p}, {from}");
        }
        out.push_str(&wrap(&format!("Where from: {from}."), 78, "   "));
        out.push('\n');
        match (&c.username, &c.username_hint) {
            (Some(u), _) => out.push_str(&format!("   User name: {u}\n")),
            (None, Some(h)) => {
                out.push_str(&wrap(&format!("User name: {h}"), 78, "   "));
                out.push('\n');
            }
            (None, None) => out.push_str("   No sign-in.\n"),
        }
        for n in &c.notes {
            out.push_str(&wrap(&format!("! {}", n.text), 78, "   "));
            out.push('\n');
        }
        if let Some(h) = &c.help_url {
            out.push_str(&format!("   Help: {h}\n"));
        }
    }
    out.push_str("\nWhat was tried:\n");
    // Sources skipped for one shared reason (offline, a catalogue hit) make one line.
    let skipped: Vec<_> = d
        .sources
        .iter()
        .filter(|r| r.status == SourceStatus::Skipped)
        .collect();
    let shared_skip = skipped.len() > 1 && skipped.iter().all(|r| r.detail == skipped[0].detail);
    for r in &d.sources {
        if shared_skip && r.status == SourceStatus::Skipped {
            continue;
        }
        out.push_str(&wrap(
            &format!("{} {}: {}", status_mark(r.status), r.label, r.detail),
            78,
            "  ",
        ));
        out.push('\n');
    }
    if shared_skip {
        out.push_str(&wrap(
            &format!(
                "· The other {} sources: {}",
                skipped.len(),
                skipped[0].detail
            ),
            78,
            "  ",
        ));
        out.push('\n');
    }
    out.push_str("\nWhat left this computer:\n");
    if d.left_computer.is_empty() {
        out.push_str("  Nothing.\n");
    }
    for e in &d.left_computer {
        let kind = match e.kind {
            EgressKind::Dns => "DNS",
            EgressKind::Https => "HTTPS",
            EgressKind::Http => "HTTP",
            EgressKind::Smtp => "SMTP",
        };
        out.push_str(&wrap(
            &format!("{kind} {} — {}", e.target, e.detail),
            78,
            "  ",
        ));
        out.push('\n');
    }
    out.push_str(if d.address_shared {
        "Your email address was sent, as you allowed.\n"
    } else {
        "Your email address itself was sent to no one.\n"
    });
    out
}

/// Runs a discovery, printing each proposal as it arrives (text mode), then the ranked list.
pub fn run(args: Args) -> ExitCode {
    let opts = match options(&args) {
        Ok(o) => o,
        Err(e) => return fail(&e, args.json),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("✗ {}", e.message);
            return ExitCode::from(70);
        }
    };
    let json = args.json;
    let progress = move |e: DiscoverEvent| {
        if json {
            return;
        }
        if let DiscoverEvent::Found {
            candidate,
            after_ms,
        } = e
        {
            eprintln!(
                "… {} port {} ({}) after {after_ms} ms",
                candidate.host,
                candidate.port,
                candidate.source.label()
            );
        }
    };
    let result = rt.block_on(discover(&args.email, &opts, &progress));
    let d = match result {
        Ok(d) => d,
        Err(e) => return fail(&e, json),
    };
    if json {
        match serde_json::to_string_pretty(&d) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("Could not write the result as JSON: {e}");
                return ExitCode::from(70);
            }
        }
    } else {
        out!("{}", render(&d));
    }
    if d.candidates.is_empty() {
        ExitCode::from(21)
    } else {
        ExitCode::SUCCESS
    }
}
