//! `portolan`: the Portolan engine on the command line, for power users and scripts.
//!
//! - `cmd/<name>.rs`: one file per subcommand, its `Args` and its `run`;
//! - `args.rs`: the options several subcommands share; `password.rs`: where a password comes
//!   from;
//! - `render/`: everything printed, in words or as JSON (`--json`, global);
//! - `exit.rs`: the one exit-code table;
//! - here: parsing, and the one failure path every command's error takes.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use portolan_core::error::{FaceError, UserError};

#[macro_use]
mod output;
mod args;
mod cmd;
mod exit;
mod password;
mod render;
mod runtime;
mod version;

use exit::Exit;
use render::Out;

/// Set up sending mail (SMTP) for an app, a website or a mail program.
#[derive(Debug, Parser)]
#[command(name = "portolan", version, about, long_about = None)]
struct Cli {
    /// Print the result, or the failure, as JSON for scripts.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(about = portolan_core::words::cli_help::PORTS_COMMAND)]
    Ports(cmd::ports::Args),
    /// Find the outgoing-server settings for an email address.
    Discover(cmd::discover::Args),
    #[command(about = portolan_core::words::cli_help::CHECK_COMMAND)]
    Check(cmd::check::Args),
    /// Find which ports of a server answer, and which one to use.
    Probe(cmd::probe::Args),
    /// Check, then send a test email (to your own address by default).
    Send(cmd::send::Args),
    /// List the sending services (SendGrid, Amazon SES, …), or show one's settings.
    Services(cmd::services::Args),
    /// The test email did not arrive: what to look at, and whether the From domain's SPF
    /// record allows the server (with its DMARC policy).
    Delivery(cmd::delivery::Args),
    /// Save, list, show, rename, duplicate and delete profiles (passwords in the keyring).
    ///
    /// Profiles are kept in your settings folder (the desktop app's), passwords only in the
    /// keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager).
    Profiles(cmd::profiles::Args),
    /// Print a saved profile in the format you paste it into (.env, WordPress, msmtp, …).
    Export(cmd::export::Args),
    /// Import a profile exported by Portolan (JSON file, or - for standard input).
    Import(cmd::import::Args),
}

/// The command line's definition, with the exit-code table after every command's help.
fn definition() -> clap::Command {
    let table = exit::help();
    let mut command = Cli::command().after_help(table.clone());
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        let t = table.clone();
        command = command.mut_subcommand(name, |c| {
            let subs: Vec<String> = c
                .get_subcommands()
                .map(|s| s.get_name().to_owned())
                .collect();
            let mut c = c.after_help(t.clone());
            for s in subs {
                let t = t.clone();
                c = c.mut_subcommand(s, |s| s.after_help(t));
            }
            c
        });
    }
    command
}

/// A command line clap refused: with `--json`, the failure as JSON like any other.
fn refused(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    if !std::env::args_os().skip(1).any(|a| a == "--json") {
        let _ = e.print();
        return Exit::Usage.into();
    }
    let text = e.render().to_string();
    let first = text.split("\n\n").next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).trim();
    let mut sentence: String = message
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .collect();
    sentence.extend(message.chars().skip(1));
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    fail(Out::new(true), &FaceError::CommandLine(sentence).into())
}

/// The one failure path: the error as the user sees it, and its status from the table.
fn fail(out: Out, e: &UserError) -> ExitCode {
    out.failure(e);
    Exit::for_error(e.code).into()
}

fn main() -> ExitCode {
    if let Some(code) = version::answer() {
        return code;
    }
    let cli = match definition()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return refused(e),
    };
    let out = Out::new(cli.json);
    let done = match cli.command {
        Command::Ports(args) => cmd::ports::run(args, out),
        Command::Discover(args) => cmd::discover::run(args, out),
        Command::Check(args) => cmd::check::run(args, out),
        Command::Probe(args) => cmd::probe::run(args, out),
        Command::Send(args) => cmd::send::run(args, out),
        Command::Services(args) => cmd::services::run(args, out),
        Command::Delivery(args) => cmd::delivery::run(args, out),
        Command::Profiles(args) => cmd::profiles::run(args, out),
        Command::Export(args) => cmd::export::run(args, out),
        Command::Import(args) => cmd::import::run(args, out),
    };
    match done {
        Ok(exit) => exit.into(),
        Err(e) => fail(out, &e),
    }
}
