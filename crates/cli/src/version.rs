//! `portolan -V` prints the version line; `portolan --version` the version, the licence and the
//! third-party notices, in the core's words (the app's About page shows the same).

use std::io::Write;
use std::process::ExitCode;

/// Answers `-V` and `--version` given first, as clap would, before clap parses anything;
/// `None` for every other command line.
pub fn answer() -> Option<ExitCode> {
    let first = std::env::args_os().nth(1)?;
    let text = if first == "-V" {
        portolan_core::about::version_line() + "\n"
    } else if first == "--version" {
        portolan_core::about::plain_text(&portolan_core::about::about())
    } else {
        return None;
    };
    // A closed pipe (`portolan --version | head -n 1`) is not an error worth a message.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Some(ExitCode::SUCCESS)
}
