//! One module per subcommand.

pub mod check;
pub mod discover;
pub mod ports;
pub mod probe;
pub mod profiles;
pub mod send;
