//! Malformed replies at every point of check and send, generated from a table (point ×
//! malformation): each case ends in its verdict within its bound, without a panic, and the
//! engine's reply reader keeps what it buffers within its bounds (well under 1 MiB).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine_support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use engine_support::*;
use portolan_core::check::{CheckOptions, Report, Stage, StepStatus};
use portolan_core::ports::Security;
use portolan_core::smtp::conn::{Conn, SmtpError, Wire, MAX_LINE, MAX_REPLY_BYTES};
use portolan_core::verdict::VerdictCode as V;
use tokio::io::AsyncWriteExt;

const BOUND: Duration = Duration::from_secs(20);
const USER: &str = "alice@fake.test";
/// What one read may add to the reader's buffer (the engine reads in 4 KiB chunks).
const READ_CHUNK: usize = 4096;

fn opts(pki: &Pki) -> CheckOptions {
    CheckOptions {
        connect_timeout: Duration::from_secs(2),
        command_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(10),
        trust: Some(pki.trust()),
        ..CheckOptions::default()
    }
}

/// How a malformation must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Accepted: the run succeeds.
    Tolerated,
    /// `not_smtp` at this step.
    NotSmtp,
    /// The step's timeout.
    Timeout,
    /// The server hung up at this step.
    Closed,
    /// Whatever the next step makes of it, but a defined verdict and nothing earlier failing.
    Defined,
}

fn render(code: u16, lines: &[String], eol: &str) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let sep = if i + 1 == lines.len() { ' ' } else { '-' };
        out.push_str(&format!("{code}{sep}{l}{eol}"));
    }
    out.into_bytes()
}

/// The proper lines with `n` filler lines before the last, so the reply has `total` lines.
fn padded(lines: &[&str], total: usize, width: usize) -> Vec<String> {
    let mut v: Vec<String> = lines[..lines.len() - 1]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut i = 0;
    while v.len() + 1 < total {
        let mut f = format!("X-FILL-{i} ");
        while f.len() < width {
            f.push('a');
        }
        v.push(f);
        i += 1;
    }
    v.push(lines[lines.len() - 1].to_string());
    v
}

type Build = Box<dyn Fn(u16, &[&str]) -> Act + Send + Sync>;

fn owned(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

/// The malformations: name, expectation, and how to build the reply from the proper one.
fn malformations() -> Vec<(&'static str, Expect, Build)> {
    let send =
        |f: fn(u16, &[&str]) -> Vec<u8>| -> Build { Box::new(move |c, l| Act::Send(f(c, l))) };
    vec![
        (
            "letters for a code",
            Expect::NotSmtp,
            send(|_, l| format!("abc {}\r\n", l[0]).into_bytes()),
        ),
        (
            "four-digit code",
            Expect::NotSmtp,
            send(|c, l| format!("{c}0 {}\r\n", l[0]).into_bytes()),
        ),
        (
            "two-digit code",
            Expect::NotSmtp,
            send(|c, l| format!("{} {}\r\n", c / 10, l[0]).into_bytes()),
        ),
        (
            "code 999",
            Expect::NotSmtp,
            send(|_, l| format!("999 {}\r\n", l[0]).into_bytes()),
        ),
        (
            "code 1xx",
            Expect::NotSmtp,
            send(|c, l| format!("1{:02} {}\r\n", c % 100, l[0]).into_bytes()),
        ),
        (
            "code 600",
            Expect::NotSmtp,
            send(|_, _| b"600 x\r\n".to_vec()),
        ),
        (
            "code 000",
            Expect::NotSmtp,
            send(|_, _| b"000 x\r\n".to_vec()),
        ),
        (
            "leading space",
            Expect::NotSmtp,
            send(|c, l| format!(" {c} {}\r\n", l[0]).into_bytes()),
        ),
        (
            "tab after the code",
            Expect::NotSmtp,
            send(|c, l| format!("{c}\t{}\r\n", l[0]).into_bytes()),
        ),
        (
            "underscore after the code",
            Expect::NotSmtp,
            send(|c, _| format!("{c}_x\r\n").into_bytes()),
        ),
        (
            "a POP3 answer",
            Expect::NotSmtp,
            send(|_, _| b"+OK POP3 ready\r\n".to_vec()),
        ),
        (
            "an HTTP answer",
            Expect::NotSmtp,
            send(|_, _| b"HTTP/1.1 400 Bad Request\r\n".to_vec()),
        ),
        (
            "an empty line",
            Expect::NotSmtp,
            send(|_, _| b"\r\n".to_vec()),
        ),
        (
            "telnet negotiation",
            Expect::NotSmtp,
            send(|_, _| b"\xff\xfd\x18\xff\xfd\x20\r\n".to_vec()),
        ),
        (
            "NUL in the code",
            Expect::NotSmtp,
            send(|_, _| b"2\x0050 x\r\n".to_vec()),
        ),
        (
            "invalid UTF-8",
            Expect::NotSmtp,
            send(|c, l| [format!("{c} {}", l[0]).as_bytes(), b"\xff\xfe\r\n"].concat()),
        ),
        (
            "a UTF-16 surrogate",
            Expect::NotSmtp,
            send(|c, _| [format!("{c} x").as_bytes(), b"\xed\xa0\x80\r\n"].concat()),
        ),
        (
            "codes disagree in a class",
            Expect::NotSmtp,
            send(|c, l| format!("{c}-{}\r\n{} end\r\n", l[0], c + 1).into_bytes()),
        ),
        (
            "codes disagree across classes",
            Expect::NotSmtp,
            send(|c, l| {
                format!(
                    "{c}-{}\r\n{} end\r\n",
                    l[0],
                    if c / 100 == 5 { 250 } else { 550 }
                )
                .into_bytes()
            }),
        ),
        (
            "a four-digit continuation",
            Expect::NotSmtp,
            send(|c, l| format!("{c}-{}\r\n{c}0 end\r\n", l[0]).into_bytes()),
        ),
        (
            "a line just over the limit",
            Expect::NotSmtp,
            send(|c, _| format!("{c} {}\r\n", "a".repeat(MAX_LINE)).into_bytes()),
        ),
        (
            "257 lines",
            Expect::NotSmtp,
            send(|c, l| render(c, &padded(l, 257, 12), "\r\n")),
        ),
        (
            "a 10,000-line reply",
            Expect::NotSmtp,
            send(|c, l| render(c, &padded(l, 10_000, 12), "\r\n")),
        ),
        (
            "over 64 KiB in 200 lines",
            Expect::NotSmtp,
            send(|c, l| render(c, &padded(l, 200, 400), "\r\n")),
        ),
        (
            "a 1 MiB line",
            Expect::NotSmtp,
            Box::new(|c, _| Act::Flood {
                head: format!("{c} ").into_bytes(),
                fill: b'a',
                len: 1 << 20,
                tail: b"\r\n".to_vec(),
            }),
        ),
        (
            "1 MiB without a line end",
            Expect::NotSmtp,
            Box::new(|c, _| Act::Flood {
                head: format!("{c} ").into_bytes(),
                fill: b'a',
                len: 1 << 20,
                tail: Vec::new(),
            }),
        ),
        (
            "close mid-line",
            Expect::NotSmtp,
            Box::new(|c, l| Act::SendClose(format!("{c}-{}", l[0]).into_bytes())),
        ),
        (
            "close after a continuation line",
            Expect::Closed,
            Box::new(|c, l| Act::SendClose(format!("{c}-{}\r\n", l[0]).into_bytes())),
        ),
        (
            "close before the reply",
            Expect::Closed,
            Box::new(|_, _| Act::SendClose(Vec::new())),
        ),
        ("silence", Expect::Timeout, Box::new(|_, _| Act::Silent)),
        (
            "one byte per second",
            Expect::Timeout,
            Box::new(|c, l| Act::Trickle(render(c, &owned(l), "\r\n"), Duration::from_secs(1))),
        ),
        (
            "CR without LF",
            Expect::Timeout,
            send(|c, l| render(c, &owned(l), "\r")),
        ),
        (
            "a TLS record",
            Expect::Timeout,
            send(|_, _| b"\x16\x03\x01\x00\x08\x02\x00\x00\x04\x03\x03\x00\x00".to_vec()),
        ),
        (
            "bare LF line ends",
            Expect::Tolerated,
            send(|c, l| render(c, &owned(l), "\n")),
        ),
        (
            "NUL in the text",
            Expect::Tolerated,
            send(|c, l| {
                let mut v = owned(l);
                v.last_mut().unwrap().push('\0');
                render(c, &v, "\r\n")
            }),
        ),
        (
            "valid UTF-8 text",
            Expect::Tolerated,
            send(|c, l| {
                let mut v = owned(l);
                v[0].push_str(" grüße ✓");
                render(c, &v, "\r\n")
            }),
        ),
        (
            "a 4000-byte line",
            Expect::Tolerated,
            send(|c, l| {
                let mut v = owned(l);
                v[0].push(' ');
                v[0].push_str(&"a".repeat(4000));
                render(c, &v, "\r\n")
            }),
        ),
        (
            "256 lines",
            Expect::Tolerated,
            send(|c, l| render(c, &padded(l, 256, 12), "\r\n")),
        ),
        (
            "60 KiB in 150 lines",
            Expect::Tolerated,
            send(|c, l| render(c, &padded(l, 150, 400), "\r\n")),
        ),
        (
            "an enhanced code out of range",
            Expect::Tolerated,
            send(|c, l| {
                let mut v = owned(l);
                v[0] = format!("5.99999999999.1 {}", v[0]);
                render(c, &v, "\r\n")
            }),
        ),
        (
            "split across segments",
            Expect::Tolerated,
            Box::new(|c, l| {
                let b = render(c, &owned(l), "\r\n");
                let h = b.len() / 2;
                Act::SendThen(b[..h].to_vec(), Duration::from_millis(50), b[h..].to_vec())
            }),
        ),
        (
            "LF inside the text",
            Expect::Defined,
            send(|c, l| format!("{c} {}\nxt\r\n", l[0]).into_bytes()),
        ),
        (
            "an extra reply after",
            Expect::Defined,
            send(|c, l| [render(c, &owned(l), "\r\n"), b"250 extra\r\n".to_vec()].concat()),
        ),
    ]
}

fn rank(s: Stage) -> usize {
    [
        Stage::Resolve,
        Stage::Connect,
        Stage::Greeting,
        Stage::Ehlo,
        Stage::Starttls,
        Stage::Tls,
        Stage::Auth,
        Stage::MailFrom,
        Stage::RcptTo,
        Stage::Data,
        Stage::Quit,
    ]
    .iter()
    .position(|x| *x == s)
    .unwrap()
}

fn judge(name: &str, point: Point, flow: Flow, expect: Expect, r: &Report) {
    let stage = point.stage();
    // The answer to QUIT is not awaited: whatever it is, the verdict is already known.
    let quit_sent = || {
        r.verdict.code == V::Ok
            && (flow == Flow::Check || r.sent.is_some())
            && r.steps
                .last()
                .is_some_and(|s| s.stage == Stage::Quit && s.status == StepStatus::Ok)
    };
    let ok = match expect {
        _ if point == Point::Quit => quit_sent(),
        Expect::Tolerated => {
            r.verdict.code == V::Ok
                && r.failed_stage().is_none()
                && (flow == Flow::Check || r.sent.is_some())
        }
        Expect::NotSmtp => r.verdict.code == V::NotSmtp && r.failed_stage() == Some(stage),
        Expect::Timeout if point == Point::Greeting => r.verdict.code == V::GreetingTimeout,
        Expect::Timeout => r.verdict.code == V::Timeout && r.failed_stage() == Some(stage),
        Expect::Closed => {
            let want = if point == Point::Auth {
                V::AuthFailed
            } else {
                V::ServerBusy
            };
            r.verdict.code == want && r.failed_stage() == Some(stage)
        }
        Expect::Defined => r.failed_stage().is_none_or(|s| rank(s) >= rank(stage)),
    };
    assert!(
        ok,
        "{name}: expected {expect:?}, got {:?}\n{:#?}",
        r.verdict.code, r.steps
    );
}

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_malformed_reply_at_every_point_ends_in_its_verdict_within_its_bound() {
    let pki = Arc::new(Pki::new());
    let cfg = pki.server(&["127.0.0.1"]);
    let table = Arc::new(malformations());
    let mut jobs: Vec<Job> = Vec::new();
    for (flow, points) in [
        (Flow::Check, &Point::CHECK[..]),
        (Flow::Send, &Point::SEND[..]),
    ] {
        for &point in points {
            for i in 0..table.len() {
                let (table, pki, cfg) = (table.clone(), pki.clone(), cfg.clone());
                jobs.push(Box::pin(async move {
                    let (what, expect, build) = &table[i];
                    let act = build(point.expected(), &point.proper());
                    let steps = Steps::starttls(cfg).on(point.key(), act);
                    let (port, log) = serve_steps(steps).await;
                    let name = format!("{what} at {point:?} [{flow:?}]");
                    let s = settings(port, Security::Starttls, Some(USER));
                    let r = run_flow(flow, s, opts(&pki), BOUND, &name).await;
                    judge(&name, point, flow, *expect, &r);
                    assert_no_auth_in_clear(&log, USER, CANARY, &name);
                    assert_no_secret(&format!("{r:?}"), USER, CANARY);
                }));
            }
        }
    }
    let n = jobs.len();
    let gate = Arc::new(tokio::sync::Semaphore::new(32));
    let mut set = tokio::task::JoinSet::new();
    for job in jobs {
        let gate = gate.clone();
        set.spawn(async move {
            let _p = gate.acquire_owned().await.unwrap();
            job.await;
        });
    }
    while let Some(r) = set.join_next().await {
        if let Err(e) = r {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    println!(
        "{n} malformed-reply cases ({} malformations x {} points of check and send)",
        table.len(),
        Point::CHECK.len() + Point::SEND.len()
    );
    assert!(n >= 200);
}

#[derive(Default)]
struct Count {
    bytes: usize,
    longest: usize,
}
impl Wire for Count {
    fn client_line(&mut self, _: &str) {}
    fn server_line(&mut self, line: &str) {
        self.bytes += line.len() + 2;
        self.longest = self.longest.max(line.len());
    }
}

#[tokio::test]
async fn the_reply_reader_buffers_at_most_a_line_and_a_chunk_per_connection() {
    // The bound itself: what a connection may hold of a reply, all of it well under 1 MiB.
    let per_connection = MAX_LINE + READ_CHUNK + MAX_REPLY_BYTES;
    assert!(per_connection <= 1 << 20, "{per_connection}");
    let floods: Vec<(&str, Vec<u8>, usize)> = vec![
        ("1 MiB line", b"250 ".to_vec(), 1 << 20),
        (
            "10 MiB of continuation lines",
            b"250-x\r\n".repeat(4),
            10 << 20,
        ),
        (
            "10 MiB of 4000-byte lines",
            [b"250-".as_slice(), &[b'a'; 4000], b"\r\n"].concat(),
            10 << 20,
        ),
        ("10 MiB of line ends", b"\n".to_vec(), 10 << 20),
    ];
    for (name, unit, total) in floods {
        let unit2 = unit.clone();
        let port = raw(move |mut s| {
            let unit = unit2.clone();
            async move {
                let piece: Vec<u8> = unit.repeat((16 * 1024 / unit.len()).max(1));
                let mut sent = 0;
                while sent < total && s.write_all(&piece).await.is_ok() {
                    sent += piece.len();
                }
            }
        })
        .await;
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let mut conn = Conn::plain(tcp, Duration::from_secs(5));
        let mut w = Count::default();
        let err = conn.read_reply(&mut w).await.unwrap_err();
        assert!(
            matches!(
                err,
                SmtpError::LineTooLong { .. }
                    | SmtpError::ReplyTooLarge
                    | SmtpError::Malformed { .. }
            ),
            "{name}: {err:?}"
        );
        assert!(
            conn.buffered().len() <= MAX_LINE + READ_CHUNK,
            "{name}: {} bytes buffered",
            conn.buffered().len()
        );
        assert!(
            w.bytes <= MAX_REPLY_BYTES,
            "{name}: {} bytes of reply kept",
            w.bytes
        );
        assert!(w.longest <= MAX_LINE, "{name}");
        let kind = match err {
            SmtpError::LineTooLong { .. } => "line too long",
            SmtpError::ReplyTooLarge => "reply too large",
            _ => "not SMTP",
        };
        println!(
            "{name}: refused ({kind}), {} bytes buffered, {} bytes of reply kept",
            conn.buffered().len(),
            w.bytes
        );
    }
}
