//! The few SMTP pieces the engine speaks itself: bounded reading of replies, their parsing
//! (reply code, enhanced status code), EHLO keywords, and a connection over TCP or TLS.
//!
//! Why not lettre's `AsyncSmtpConnection` for the dialogue: it reads the greeting and sends
//! EHLO inside `connect_with_transport` without handing back the banner, reads through its own
//! `BufReader` (so bytes injected after the `220` to STARTTLS would be silently kept), bounds
//! no step in time, returns negative replies as errors without the enhanced status code, and
//! has no hook for a redacted transcript. Each of those is a DESIGN.md §5 rule, and the check
//! needs only greeting, EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA and QUIT, so the
//! engine speaks them here and keeps lettre for what it does well: building the message.

pub mod conn;
pub mod ehlo;
pub mod reply;

pub use conn::{Conn, SmtpError};
pub use ehlo::Ehlo;
pub use reply::{EnhancedCode, Reply};
