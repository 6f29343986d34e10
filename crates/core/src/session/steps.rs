//! The stages of opening a session, one function each: name lookup, TCP connect, the TLS
//! handshake (written once, for implicit TLS and after STARTTLS), the greeting, EHLO and
//! STARTTLS. Each begins its step, ends it with a summary, and returns the [`Failure`] that
//! becomes the verdict.

use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpStream;

use super::{command, failure, mismatch, refused, smtp_summary, Target};
use crate::diagnose::Failure;
use crate::net::{self, NetFailure};
use crate::ports::Security;
use crate::recorder::Recorder;
use crate::report::{ServerInfo, Stage};
use crate::smtp::{Conn, Ehlo, SmtpError};
use crate::tls::{self, TlsFailure, TlsInfo};
use crate::transcript::escape_bytes;

/// Looks up the server name.
pub(super) async fn resolve(
    rec: &mut Recorder<'_>,
    t: &Target<'_>,
) -> Result<Vec<SocketAddr>, Failure> {
    let host = t.host.as_str();
    rec.begin(Stage::Resolve);
    let fixed: Vec<SocketAddr> = t
        .opts
        .resolve
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case(host))
        .map(|(_, ip)| SocketAddr::new(*ip, t.settings.port))
        .collect();
    let found = if fixed.is_empty() {
        net::resolve(host, t.settings.port, t.opts.connect_timeout).await
    } else {
        Ok(fixed)
    };
    match found {
        Ok(a) => {
            let list: Vec<String> = a.iter().map(|x| x.ip().to_string()).collect();
            rec.ok(format!("{host} is at {}", list.join(", ")));
            Ok(a)
        }
        Err(f) => {
            rec.fail(
                if f == net::NetFailure::DnsTimeout {
                    format!("No answer when looking up \"{host}\"")
                } else {
                    format!("No server called \"{host}\" was found")
                },
                None,
            );
            Err(Failure::Net(f))
        }
    }
}

/// Opens the TCP connection to the first address that accepts.
pub(super) async fn connect(
    rec: &mut Recorder<'_>,
    t: &Target<'_>,
    addrs: &[SocketAddr],
) -> Result<(TcpStream, SocketAddr), Failure> {
    let port = t.settings.port;
    rec.begin(Stage::Connect);
    match net::connect(addrs, t.opts.connect_timeout).await {
        Ok((tcp, addr)) => {
            rec.ok(format!("Connected to {addr}"));
            Ok((tcp, addr))
        }
        Err(f) => {
            let summary = match &f {
                NetFailure::Refused => format!("Port {port} refused the connection"),
                NetFailure::Timeout => format!(
                    "No answer on port {port} within {} s",
                    t.opts.connect_timeout.as_secs_f32()
                ),
                NetFailure::Unreachable(m) | NetFailure::Other(m) => {
                    format!("Could not connect ({m})")
                }
                _ => "Could not connect".into(),
            };
            rec.fail(summary, None);
            Err(Failure::Net(f))
        }
    }
}

/// The TLS handshake step, for implicit TLS and after STARTTLS alike. On failure the step is
/// failed (with `not_tls` as its summary when plain text came back) and the caller decides
/// what the failure means.
async fn handshake(
    rec: &mut Recorder<'_>,
    t: &Target<'_>,
    tcp: TcpStream,
    not_tls: &str,
) -> Result<Conn, TlsFailure> {
    rec.begin(Stage::Tls);
    let (res, info) = tls::handshake(
        tcp,
        &t.host,
        t.settings.port,
        &t.trust,
        t.settings.cert_exception.as_ref(),
        t.opts.command_timeout,
    )
    .await;
    rec.tls = info;
    match res {
        Ok(stream) => {
            rec.ok(tls_ok_summary(rec.tls.as_ref()));
            Ok(Conn::tls(stream, t.opts.command_timeout))
        }
        Err(TlsFailure::NotTls) => {
            rec.fail(not_tls, None);
            Err(TlsFailure::NotTls)
        }
        Err(f) => {
            let detail = rec.tls.as_ref().and_then(|i| i.verify_error.clone());
            rec.fail(tls_summary(&f), detail);
            Err(f)
        }
    }
}

/// Encryption from the first byte. When the port answers in plain text, a side connection
/// finds the security it does speak.
pub(super) async fn implicit_tls(
    rec: &mut Recorder<'_>,
    t: &Target<'_>,
    tcp: TcpStream,
    addr: SocketAddr,
    ehlo_name: &str,
) -> Result<Conn, Failure> {
    let not_tls = "The server answered in plain text, not with encryption";
    match handshake(rec, t, tcp, not_tls).await {
        Ok(conn) => Ok(conn),
        Err(TlsFailure::NotTls) => {
            let works = if t.opts.find_mismatch {
                rec.note("Checking whether the port works without encryption from the start");
                mismatch::plain_mode(addr, t.opts, ehlo_name).await
            } else {
                None
            };
            Err(Failure::SecurityMismatch { works })
        }
        Err(f) => Err(Failure::Tls(f)),
    }
}

/// Waits for the `220` greeting; returns the connection and the banner. On a plain
/// connection a silent port may be one that expects encryption: see [`mismatch::greeting`].
pub(super) async fn greet(
    rec: &mut Recorder<'_>,
    t: &Target<'_>,
    mut conn: Conn,
    addr: SocketAddr,
) -> Result<(Conn, String), Failure> {
    rec.begin(Stage::Greeting);
    let plain = !conn.is_encrypted();
    let timeout = t.opts.command_timeout;
    let (heard, side) = if plain && t.opts.find_mismatch {
        mismatch::greeting(&mut conn, rec, t, addr).await
    } else {
        (
            mismatch::Heard::Reply(conn.read_reply(rec).await),
            mismatch::Side::NotTried,
        )
    };
    let reply = match heard {
        mismatch::Heard::SpeaksTls { after } => {
            rec.fail(
                format!(
                    "No greeting after {} s, and the port answers with encryption",
                    after.as_secs_f32()
                ),
                None,
            );
            rec.note("A second connection found that this port expects encryption from the start");
            return Err(Failure::SecurityMismatch {
                works: Some(Security::Tls),
            });
        }
        mismatch::Heard::Reply(r) => r,
    };
    match reply {
        Ok(r) if r.code == 220 => {
            let banner = r.lines.join(" ");
            rec.ok(format!("The server said hello: {}", r.one_line()));
            Ok((conn, banner))
        }
        Ok(r) => Err(refused(rec, Stage::Greeting, r)),
        Err(SmtpError::Timeout) if plain => {
            rec.fail(
                format!("No greeting within {} s", timeout.as_secs_f32()),
                None,
            );
            drop(conn);
            let speaks_tls = match side {
                mismatch::Side::Done(speaks) => speaks,
                mismatch::Side::Pending(side) => side.await,
                mismatch::Side::NotTried if t.opts.find_mismatch => {
                    rec.note("Checking whether the port expects encryption from the start");
                    mismatch::speaks_tls(addr, t).await
                }
                mismatch::Side::NotTried => false,
            };
            if speaks_tls {
                return Err(Failure::SecurityMismatch {
                    works: Some(Security::Tls),
                });
            }
            Err(Failure::GreetingTimeout)
        }
        Err(SmtpError::Timeout) => {
            rec.fail("No greeting after encryption was set up", None);
            Err(Failure::GreetingTimeout)
        }
        Err(e) => {
            rec.fail(smtp_summary(&e, timeout), None);
            Err(failure(Stage::Greeting, e))
        }
    }
}

/// Says hello and reads what the server offers; the report's server information is updated.
pub(super) async fn ehlo(
    conn: &mut Conn,
    rec: &mut Recorder<'_>,
    name: &str,
    banner: &str,
) -> Result<Ehlo, Failure> {
    rec.begin(Stage::Ehlo);
    let r = command(conn, rec, Stage::Ehlo, &format!("EHLO {name}")).await?;
    if r.code != 250 {
        return Err(refused(rec, Stage::Ehlo, r));
    }
    let ehlo = Ehlo::parse(&r);
    let mut offers = Vec::new();
    if ehlo.starttls {
        offers.push("STARTTLS".to_owned());
    }
    if !ehlo.auth_mechanisms.is_empty() {
        offers.push(format!("sign-in ({})", ehlo.auth_mechanisms.join(" ")));
    }
    if let Some(size) = ehlo.size_limit.filter(|s| *s > 0) {
        offers.push(format!("messages up to {} MB", size / 1_000_000));
    }
    rec.ok(if offers.is_empty() {
        "The server answered hello".to_owned()
    } else {
        format!("The server offers {}", offers.join(", "))
    });
    rec.server = Some(ServerInfo::new(banner, ehlo.clone(), conn.is_encrypted()));
    Ok(ehlo)
}

/// Asks to upgrade, refuses anything sent before the handshake (it can only be injected), and
/// runs the handshake. Returns the encrypted connection.
pub(super) async fn starttls(
    rec: &mut Recorder<'_>,
    t: &Target<'_>,
    mut conn: Conn,
    ehlo: &Ehlo,
) -> Result<Conn, Failure> {
    rec.begin(Stage::Starttls);
    if !ehlo.starttls {
        rec.fail("The server does not offer STARTTLS", None);
        return Err(Failure::StarttlsNotOffered);
    }
    let r = command(&mut conn, rec, Stage::Starttls, "STARTTLS").await?;
    if r.code != 220 {
        return Err(refused(rec, Stage::Starttls, r));
    }
    let (tcp, mut early) = match conn.into_plain() {
        Ok(x) => x,
        Err(_) => {
            rec.fail("The connection is already encrypted", None);
            return Err(Failure::Tls(TlsFailure::Other("already encrypted".into())));
        }
    };
    // Anything already received, or waiting in the socket, came before the handshake:
    // it can only be injected (RFC 3207 §4.2, CVE-2011-0411 and its many relatives).
    let mut probe = [0u8; 256];
    if let Ok(n) = tcp.try_read(&mut probe) {
        early.extend_from_slice(&probe[..n]);
    }
    if !early.is_empty() {
        rec.fail(
            "Data arrived between the STARTTLS answer and the encryption",
            Some(escape_bytes(&early, 64)),
        );
        return Err(Failure::StarttlsInjection {
            bytes: escape_bytes(&early, 64),
        });
    }
    rec.ok("The server agreed to upgrade");
    match handshake(rec, t, tcp, "Plain data arrived instead of encryption").await {
        Ok(conn) => Ok(conn),
        Err(TlsFailure::NotTls) => Err(Failure::StarttlsInjection {
            bytes: "(data that is not encryption)".into(),
        }),
        Err(f) => Err(Failure::Tls(f)),
    }
}

/// The EHLO name: the local address as an RFC 5321 address literal.
pub(super) fn address_literal(addr: Option<SocketAddr>) -> String {
    match addr.map(|a| a.ip()) {
        Some(IpAddr::V4(ip)) => format!("[{ip}]"),
        Some(IpAddr::V6(ip)) => format!("[IPv6:{ip}]"),
        None => "[127.0.0.1]".into(),
    }
}

fn tls_summary(f: &TlsFailure) -> String {
    match f {
        TlsFailure::Cert(_) => "The certificate was refused".into(),
        TlsFailure::NotTls => "The server did not answer with encryption".into(),
        TlsFailure::Closed => "The server hung up during the handshake".into(),
        TlsFailure::Timeout => "No answer to the start of encryption".into(),
        TlsFailure::OutdatedVersion => {
            "The server only speaks an outdated encryption version".into()
        }
        TlsFailure::Other(m) => format!("Encryption failed ({m})"),
    }
}

fn tls_ok_summary(info: Option<&TlsInfo>) -> String {
    let Some(i) = info else {
        return "Encrypted".into();
    };
    let mut s = format!("Encrypted with {}", i.version.as_deref().unwrap_or("TLS"));
    if let Some(c) = i.chain.first() {
        s.push_str(&format!(
            "; certificate for {} valid until {}",
            c.names.join(", "),
            crate::report::date_for_people(&c.not_after)
        ));
    }
    if i.exception_used {
        s.push_str(" (trusted by your exception)");
    }
    s
}
