//! Test helpers shared by the core's, the CLI's and the app's tests (`publish = false`).
//!
//! - [`servers`]: the real Postfix/Dovecot fixture's settings (`servers.env`), and the one rule
//!   for when they are missing: skip with a note, or fail when `PORTOLAN_REQUIRE_SERVERS=1`.
//! - [`session`]: the private keychain session (`scripts/in-test-session.sh`), with the same
//!   rule.
//! - [`dns`]: a loopback DNS responder, so names resolve to loopback through a configurable
//!   resolver.
//! - [`pki`]: a throw-away CA (rcgen) and server configurations signed by it.
//! - [`leak`]: every form of a password, and a scanner that looks for them in outputs.
//! - [`logs`]: the dependencies' `log` and `tracing` lines at trace level, captured.
//! - [`isolate`]: whether a test may run things in namespaces of its own (root, `unshare`).
//! - [`run`]: a program run as a script runs it (arguments, a line on stdin, no password in
//!   the environment), its exit code and output back as text or JSON.
//!
//! Scripted servers that only one test file uses stay beside that file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod dns;
pub mod isolate;
pub mod leak;
pub mod logs;
pub mod pki;
pub mod run;
pub mod servers;
pub mod session;

pub use servers::{required, test_servers, TestServers};
