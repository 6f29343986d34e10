//! Writing to standard output without panicking when the reader has gone away
//! (`portolan probe … | head`): Rust's `println!` panics on a closed pipe.

use std::fmt;
use std::io::Write;

/// Writes `args` to stdout; if stdout is closed, exits quietly as a SIGPIPE would.
pub fn write(args: fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).and_then(|()| out.flush()).is_err() {
        std::process::exit(i32::from(crate::exit::Exit::ClosedPipe.status()));
    }
}

/// `print!` that survives a closed pipe.
macro_rules! out {
    ($($t:tt)*) => { $crate::output::write(format_args!($($t)*)) };
}

/// `println!` that survives a closed pipe.
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($t:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($t)*))) };
}
