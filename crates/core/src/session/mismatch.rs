//! Side connections that find the security a port really speaks, so a mismatch comes with
//! the setting that works. They record nothing and never send a credential.
//!
//! A port that stays silent may expect encryption from the first byte. Rather than wait for
//! the whole greeting timeout, after [`SILENT_BEFORE_TLS_TRY`] a second connection tries a TLS
//! handshake while the first keeps waiting: if the greeting comes meanwhile, the first
//! connection wins and the second is dropped. Never on port 25, where a deliberately late
//! greeting is normal (Postfix postscreen, sendmail greet_pause) and a client that speaks
//! first is punished.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use super::{CheckOptions, Target};
use crate::ports::Security;
use crate::recorder::{Recorder, Silent};
use crate::smtp::conn::Wire;
use crate::smtp::{Conn, Ehlo, Reply, SmtpError};
use crate::tls::{self, TlsFailure};

/// How long a port may stay silent before a side connection tries encryption on it.
pub(crate) const SILENT_BEFORE_TLS_TRY: Duration = Duration::from_millis(1500);

/// The port where a late greeting is normal and speaking first is punished.
const SERVER_TO_SERVER_PORT: u16 = 25;

/// The bound of a side connection's handshake or reply.
fn side_timeout(opts: &CheckOptions) -> Duration {
    opts.command_timeout.min(Duration::from_secs(5))
}

/// What the main connection heard first.
pub(super) enum Heard {
    /// The greeting (or why there was none).
    Reply(Result<Reply, SmtpError>),
    /// Nothing yet, but a side connection found encryption from the start, `after` this long.
    SpeaksTls {
        /// Time from the start of the wait.
        after: Duration,
    },
}

/// The side connection's state when the main one is done.
pub(super) enum Side<'a> {
    /// Not started.
    NotTried,
    /// Finished: whether the port speaks TLS first.
    Done(bool),
    /// Still running (dropped, and its connection closed, unless awaited).
    Pending(Pin<Box<dyn Future<Output = bool> + Send + 'a>>),
}

/// Lines of a reply kept until the recorder is free again.
#[derive(Default)]
struct Held(Vec<String>);

impl Wire for Held {
    fn client_line(&mut self, _: &str) {}
    fn server_line(&mut self, line: &str) {
        self.0.push(line.to_owned());
    }
}

impl Held {
    fn replay(self, rec: &mut Recorder<'_>) {
        for line in self.0 {
            rec.server_line(&line);
        }
    }
}

/// Waits for the greeting on `conn` (plain); on a port other than 25 that stays silent for
/// [`SILENT_BEFORE_TLS_TRY`], races it against a TLS handshake on a side connection.
pub(super) async fn greeting<'t>(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    t: &'t Target<'_>,
    addr: SocketAddr,
) -> (Heard, Side<'t>) {
    let began = Instant::now();
    let early =
        t.settings.port != SERVER_TO_SERVER_PORT && t.opts.command_timeout > SILENT_BEFORE_TLS_TRY;
    if !early {
        return (Heard::Reply(conn.read_reply(rec).await), Side::NotTried);
    }
    let mut held = Held::default();
    let mut read = Box::pin(conn.read_reply(&mut held));
    let first = tokio::select! {
        biased;
        r = &mut read => Some(r),
        () = tokio::time::sleep(SILENT_BEFORE_TLS_TRY) => None,
    };
    if let Some(r) = first {
        drop(read);
        held.replay(rec);
        return (Heard::Reply(r), Side::NotTried);
    }
    rec.note(&format!(
        "No greeting after {} s: trying encryption from the start on a second connection",
        SILENT_BEFORE_TLS_TRY.as_secs_f32()
    ));
    let mut side: Pin<Box<dyn Future<Output = bool> + Send + 't>> = Box::pin(speaks_tls(addr, t));
    let outcome = tokio::select! {
        biased;
        r = &mut read => Ok(r),
        speaks = &mut side => Err(speaks),
    };
    match outcome {
        // The greeting (or the end of the wait) came first: the main path goes on.
        Ok(r) => {
            drop(read);
            held.replay(rec);
            (Heard::Reply(r), Side::Pending(side))
        }
        Err(true) => {
            drop(read);
            held.replay(rec);
            (
                Heard::SpeaksTls {
                    after: began.elapsed(),
                },
                Side::Done(true),
            )
        }
        Err(false) => {
            let r = read.await;
            drop(side);
            held.replay(rec);
            rec.note("The second connection did not answer with encryption");
            (Heard::Reply(r), Side::Done(false))
        }
    }
}

/// Side connection: does this port complete (or at least start) a TLS handshake?
pub(super) async fn speaks_tls(addr: SocketAddr, t: &Target<'_>) -> bool {
    let bound = side_timeout(t.opts);
    let Ok(Ok(tcp)) = tokio::time::timeout(t.opts.connect_timeout, TcpStream::connect(addr)).await
    else {
        return false;
    };
    let (res, _) = tls::handshake(tcp, &t.host, t.settings.port, &t.trust, None, bound).await;
    matches!(res, Ok(_) | Err(TlsFailure::Cert(_)))
}

/// Side connection: does this port greet in plain text, and does it offer STARTTLS?
pub(super) async fn plain_mode(
    addr: SocketAddr,
    opts: &CheckOptions,
    ehlo_name: &str,
) -> Option<Security> {
    let tcp = tokio::time::timeout(opts.connect_timeout, TcpStream::connect(addr))
        .await
        .ok()?
        .ok()?;
    let mut conn = Conn::plain(tcp, side_timeout(opts));
    let greeting = conn.read_reply(&mut Silent).await.ok()?;
    if greeting.code != 220 {
        return None;
    }
    let r = conn
        .command(&mut Silent, &format!("EHLO {ehlo_name}"))
        .await
        .ok()?;
    let _ = conn.send_line(&mut Silent, "QUIT").await;
    Some(if Ehlo::parse(&r).starttls {
        Security::Starttls
    } else {
        Security::None
    })
}
