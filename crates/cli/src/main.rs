//! `portolan`: the Portolan engine on the command line, for power users and scripts.
//!
//! Each subcommand lives in `cmd/<name>.rs` with its own `Args` and `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[macro_use]
mod output;
mod cmd;

/// Set up sending mail (SMTP) for an app, a website or a mail program.
#[derive(Debug, Parser)]
#[command(name = "portolan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explain which SMTP port to use (465, 587, 2525, 25) in plain words.
    Ports(cmd::ports::Args),
    /// Find the outgoing-server settings for an email address.
    Discover(cmd::discover::Args),
    /// Check one server configuration step by step (connect, encryption, sign-in).
    Check(cmd::check::Args),
    /// Find which ports of a server answer, and which one to use.
    Probe(cmd::probe::Args),
    /// Check, then send a test email (to your own address by default).
    Send(cmd::send::Args),
    /// Save, list, show, rename, duplicate and delete profiles (passwords in the keyring).
    Profiles(cmd::profiles::Args),
    /// Print a saved profile in the format you paste it into (.env, WordPress, msmtp, …).
    Export(cmd::profiles::ExportArgs),
    /// Import a profile exported by Portolan (JSON file, or - for standard input).
    Import(cmd::profiles::ImportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Ports(args) => cmd::ports::run(args),
        Command::Discover(args) => cmd::discover::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Send(args) => cmd::send::run(args),
        Command::Profiles(args) => cmd::profiles::run(args),
        Command::Export(args) => cmd::profiles::run_export(args),
        Command::Import(args) => cmd::profiles::run_import(args),
    }
}
