//! One module per subcommand: its `Args` and its `run`, which returns how the command ended
//! (a status of the exit-code table) or the error the one failure path shows.

pub mod check;
pub mod delivery;
pub mod discover;
pub mod export;
pub mod import;
pub mod ports;
pub mod probe;
pub mod profiles;
pub mod send;
pub mod services;
