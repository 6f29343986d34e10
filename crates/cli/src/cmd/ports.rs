//! `portolan ports`: the port guide of DESIGN.md §4.

use std::process::ExitCode;

/// Options of `portolan ports`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the guide as JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Prints the guide, the same words the app shows.
pub fn run(args: Args) -> ExitCode {
    let guide = portolan_core::ports::guide();
    if args.json {
        match serde_json::to_string_pretty(&guide) {
            Ok(s) => outln!("{s}"),
            Err(e) => {
                eprintln!("Could not write the guide as JSON: {e}");
                return ExitCode::from(70);
            }
        }
    } else {
        out!("{}", portolan_core::ports::render_text(&guide, 78));
    }
    ExitCode::SUCCESS
}
