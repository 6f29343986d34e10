//! Scripted SMTP servers on loopback for the engine's tests: one listener per test, on an
//! ephemeral port, doing exactly what the test says (including misbehaving), plus test
//! certificates from the shared test CA (`portolan-test-support`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use portolan_core::check::CheckOptions;
use portolan_core::ports::Security;
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;
use portolan_test_support::leak::Scan;
use portolan_test_support::pki::{self, TestCa};
use rustls::pki_types::CertificateDer;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A password whose every form the tests look for in reports.
pub const CANARY: &str = "Canary-9q7Z-Pa55w0rd!";

/// A CA, and server certificates signed by it (the shared test CA, with the engine's trust).
pub struct Pki {
    pub ca_pem: String,
    ca: TestCa,
}

impl Pki {
    pub fn new() -> Self {
        Self::named("Portolan Scripted Test CA")
    }

    /// A CA whose common name is `cn` (e.g. an antivirus product's interception CA).
    pub fn named(cn: &str) -> Self {
        let ca = TestCa::new(cn);
        Self {
            ca_pem: ca.pem.clone(),
            ca,
        }
    }

    /// The engine's trust: the platform plus this CA.
    pub fn trust(&self) -> Trust {
        Trust::with_extra_ca_pem(self.ca_pem.as_bytes()).unwrap()
    }

    /// A server config with a certificate for `names`, signed by this CA.
    pub fn server(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        self.ca.server(names)
    }

    /// A self-signed server config for `names`.
    pub fn self_signed(names: &[&str]) -> (Arc<rustls::ServerConfig>, CertificateDer<'static>) {
        pki::self_signed(names)
    }
}

/// How the scripted server behaves. Replies are raw bytes so tests can misbehave exactly.
#[derive(Clone)]
pub struct Script {
    /// Sent on connect (after the handshake for implicit TLS). Empty: say nothing.
    pub greeting: Vec<u8>,
    /// Implicit TLS with this config.
    pub implicit_tls: Option<Arc<rustls::ServerConfig>>,
    /// EHLO reply keywords (after the first line).
    pub ehlo: Vec<String>,
    /// The raw reply to EHLO; overrides `ehlo` when set.
    pub ehlo_raw: Option<Vec<u8>>,
    /// The raw reply to STARTTLS, and the config to upgrade with (None: stay plain).
    pub starttls: Option<(Vec<u8>, Option<Arc<rustls::ServerConfig>>)>,
    /// EHLO keywords after STARTTLS.
    pub ehlo_after_tls: Vec<String>,
    /// The final reply to AUTH. `{line}` stands for the client's last line (the AUTH PLAIN
    /// command or the AUTH LOGIN password answer), `{arg}` for its last word and `{decoded}`
    /// for that word base64-decoded: servers that quote the credential back.
    pub auth_reply: String,
    pub mail_reply: String,
    pub rcpt_reply: String,
    pub data_reply: String,
    /// Go silent after receiving a command starting with this verb.
    pub stall_on: Option<String>,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            greeting: b"220 fake.test ESMTP ready\r\n".to_vec(),
            implicit_tls: None,
            ehlo: vec![
                "PIPELINING".into(),
                "SIZE 10240000".into(),
                "8BITMIME".into(),
            ],
            ehlo_raw: None,
            starttls: None,
            ehlo_after_tls: vec!["AUTH PLAIN LOGIN".into(), "SIZE 10240000".into()],
            auth_reply: "235 2.7.0 Authentication successful".into(),
            mail_reply: "250 2.1.0 Ok".into(),
            rcpt_reply: "250 2.1.5 Ok".into(),
            data_reply: "250 2.0.0 Ok: queued as ABC123".into(),
            stall_on: None,
        }
    }
}

/// Every line the server received, for asserting what was (not) sent.
pub type Log = Arc<Mutex<Vec<String>>>;

/// A scripted server on 127.0.0.1; serves every connection with the same script.
pub async fn serve(script: Script) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: Log = Arc::default();
    let l2 = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let script = script.clone();
            let log = l2.clone();
            tokio::spawn(async move {
                if let Some(cfg) = script.implicit_tls.clone() {
                    let Ok(tls) = tokio_rustls::TlsAcceptor::from(cfg).accept(tcp).await else {
                        return;
                    };
                    let _ = session(tls, &script, &log, true).await;
                } else if let Some(tcp) = session(tcp, &script, &log, false).await {
                    if let Some((_, Some(cfg))) = &script.starttls {
                        if let Ok(tls) = tokio_rustls::TlsAcceptor::from(cfg.clone())
                            .accept(tcp)
                            .await
                        {
                            let _ = session(tls, &script, &log, true).await;
                        }
                    }
                }
            });
        }
    });
    (port, log)
}

/// Serves one phase; returns the stream when the client asked for STARTTLS.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    s: S,
    script: &Script,
    log: &Log,
    encrypted: bool,
) -> Option<S> {
    let mut s = BufReader::new(s);
    if !encrypted || script.implicit_tls.is_some() {
        if script.greeting.is_empty() {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return None;
        }
        s.write_all(&script.greeting).await.ok()?;
    }
    loop {
        let mut line = String::new();
        if s.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end().to_owned();
        log.lock().unwrap().push(line.clone());
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        if script.stall_on.as_deref() == Some(verb.as_str()) {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return None;
        }
        let reply: Vec<u8> = match verb.as_str() {
            "EHLO" => {
                if let (Some(raw), false) = (&script.ehlo_raw, encrypted) {
                    raw.clone()
                } else {
                    let kws = if encrypted && script.implicit_tls.is_none() {
                        &script.ehlo_after_tls
                    } else {
                        &script.ehlo
                    };
                    let mut kws = kws.clone();
                    if !encrypted && script.starttls.is_some() {
                        kws.push("STARTTLS".into());
                    }
                    let mut r = String::from("250-fake.test\r\n");
                    for (i, k) in kws.iter().enumerate() {
                        let sep = if i + 1 == kws.len() { ' ' } else { '-' };
                        r.push_str(&format!("250{sep}{k}\r\n"));
                    }
                    if kws.is_empty() {
                        r = "250 fake.test\r\n".into();
                    }
                    r.into_bytes()
                }
            }
            "STARTTLS" => match &script.starttls {
                Some((raw, cfg)) => {
                    s.write_all(raw).await.ok()?;
                    s.flush().await.ok()?;
                    if cfg.is_some() {
                        return Some(s.into_inner());
                    }
                    continue;
                }
                None => b"502 5.5.1 not offered\r\n".to_vec(),
            },
            "AUTH" => {
                let mut last = line.clone();
                if line.to_ascii_uppercase().starts_with("AUTH LOGIN") {
                    s.write_all(b"334 VXNlcm5hbWU6\r\n").await.ok()?;
                    let mut u = String::new();
                    s.read_line(&mut u).await.ok()?;
                    log.lock().unwrap().push(u.trim_end().to_owned());
                    s.write_all(b"334 UGFzc3dvcmQ6\r\n").await.ok()?;
                    let mut p = String::new();
                    s.read_line(&mut p).await.ok()?;
                    log.lock().unwrap().push(p.trim_end().to_owned());
                    last = p.trim_end().to_owned();
                }
                format!("{}\r\n", echo(&script.auth_reply, &last)).into_bytes()
            }
            "MAIL" => format!("{}\r\n", script.mail_reply).into_bytes(),
            "RCPT" => format!("{}\r\n", script.rcpt_reply).into_bytes(),
            "DATA" => {
                s.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .ok()?;
                loop {
                    let mut l = String::new();
                    if s.read_line(&mut l).await.ok()? == 0 {
                        return None;
                    }
                    if l == ".\r\n" {
                        break;
                    }
                }
                format!("{}\r\n", script.data_reply).into_bytes()
            }
            "QUIT" => {
                let _ = s.write_all(b"221 2.0.0 Bye\r\n").await;
                return None;
            }
            _ => b"500 5.5.2 unrecognised\r\n".to_vec(),
        };
        s.write_all(&reply).await.ok()?;
    }
}

/// `reply` with `{line}`, `{arg}` and `{decoded}` filled in from the client's `last` line.
fn echo(reply: &str, last: &str) -> String {
    use base64::Engine as _;
    let arg = last.rsplit(' ').next().unwrap_or_default();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(arg)
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default();
    reply
        .replace("{line}", last)
        .replace("{arg}", arg)
        .replace("{decoded}", &decoded)
}

/// A raw server: runs `f` on each accepted connection.
pub async fn raw<F, Fut>(f: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let f = Arc::new(f);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(f(tcp));
        }
    });
    port
}

/// Settings for 127.0.0.1:`port`.
pub fn settings(port: u16, security: Security, user: Option<&str>) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security,
        username: user.map(str::to_owned),
        from: "alice@fake.test".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

/// Short bounds so fault tests take about a second.
pub fn quick(trust: Option<Trust>) -> CheckOptions {
    CheckOptions {
        connect_timeout: Duration::from_secs(1),
        command_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(6),
        trust,
        ..CheckOptions::default()
    }
}

/// Fails the test if any form of `secret` (`leak::forms`) appears in `text`.
pub fn assert_no_secret(text: &str, user: &str, secret: &str) {
    let mut scan = Scan::new(&[(user, secret)]);
    scan.text("text", text);
    assert!(
        scan.hits.is_empty(),
        "a form of the password leaked: {:?}",
        scan.hits
    );
}

// ---------------------------------------------------------------------------------------------
// Step servers: one raw-bytes answer per point of the dialogue, and a log of every line the
// client sent that says whether it arrived encrypted.

/// What a step server does at one point of the dialogue.
#[derive(Clone, Debug)]
pub enum Act {
    /// Write these bytes (anything: several replies, half a line, garbage).
    Send(Vec<u8>),
    /// Write the first bytes, wait, then write the second (a second TCP segment).
    SendThen(Vec<u8>, Duration, Vec<u8>),
    /// Write these bytes, then close the connection.
    SendClose(Vec<u8>),
    /// Write these bytes one at a time, `every` apart (a slowloris reply).
    Trickle(Vec<u8>, Duration),
    /// Write `head`, `len` copies of `fill`, then `tail`, in 16 KiB pieces: the server never
    /// holds the whole reply.
    Flood {
        head: Vec<u8>,
        fill: u8,
        len: usize,
        tail: Vec<u8>,
    },
    /// Write nothing (and keep reading what the client sends).
    Silent,
}

impl Act {
    /// A reply of `text` with CR LF added.
    pub fn line(text: &str) -> Self {
        Act::Send(format!("{text}\r\n").into_bytes())
    }

    /// The bytes this act writes first (to tell a `334` or a `354` from other answers).
    fn head(&self) -> &[u8] {
        match self {
            Act::Send(b) | Act::SendThen(b, _, _) | Act::SendClose(b) | Act::Trickle(b, _) => b,
            Act::Flood { head, .. } => head,
            Act::Silent => b"",
        }
    }
}

/// One line the client sent.
#[derive(Clone, Debug)]
pub struct Rx {
    /// Whether it arrived inside TLS.
    pub encrypted: bool,
    /// The line, without its line end (lossy UTF-8).
    pub line: String,
}

/// Every line the client sent to a step server.
pub type RxLog = Arc<Mutex<Vec<Rx>>>;

/// A step server's script. Points not given get a well-behaved default, so a test names only
/// what it breaks. Keys: `GREETING`, `EHLO`, `STARTTLS`, `AUTH` (first answer), `AUTH+`
/// (answers to continuation lines after a `334`), `MAIL`, `RCPT`, `DATA`, `.` (end of
/// message), `QUIT`; prefixed with `TLS:` for the encrypted phase (falling back to the plain
/// key, except `EHLO`).
#[derive(Clone, Default)]
pub struct Steps {
    pub acts: std::collections::HashMap<String, Act>,
    /// Implicit TLS with this config.
    pub implicit_tls: Option<Arc<rustls::ServerConfig>>,
    /// The config STARTTLS upgrades with (when the client then starts a handshake).
    pub starttls_tls: Option<Arc<rustls::ServerConfig>>,
}

impl Steps {
    /// A well-behaved STARTTLS server (plain greeting, STARTTLS and AUTH offered in the
    /// clear, as a tempting server would) with `cfg` for the upgrade.
    pub fn starttls(cfg: Arc<rustls::ServerConfig>) -> Self {
        Self {
            starttls_tls: Some(cfg),
            ..Self::default()
        }
    }

    /// Sets the act at `key`.
    pub fn on(mut self, key: &str, act: Act) -> Self {
        self.acts.insert(key.to_owned(), act);
        self
    }

    fn act(&self, key: &str, encrypted: bool, st: &StepState) -> Act {
        if encrypted {
            if let Some(a) = self.acts.get(&format!("TLS:{key}")) {
                return a.clone();
            }
        }
        if !(encrypted && key == "EHLO") {
            if let Some(a) = self.acts.get(key) {
                return a.clone();
            }
        }
        Act::Send(match key {
            "GREETING" => b"220 fake.test ESMTP ready\r\n".to_vec(),
            "EHLO" if encrypted => {
                b"250-fake.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000000\r\n"
                    .to_vec()
            }
            "EHLO" if self.starttls_tls.is_some() => {
                b"250-fake.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
                    .to_vec()
            }
            "EHLO" => b"250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n".to_vec(),
            "STARTTLS" => b"220 2.0.0 Ready to start TLS\r\n".to_vec(),
            "AUTH" if st.login => b"334 VXNlcm5hbWU6\r\n".to_vec(),
            "AUTH" => b"235 2.7.0 Authentication successful\r\n".to_vec(),
            "AUTH+" if st.login && st.continuations == 1 => b"334 UGFzc3dvcmQ6\r\n".to_vec(),
            "AUTH+" => b"235 2.7.0 Authentication successful\r\n".to_vec(),
            "MAIL" => b"250 2.1.0 Ok\r\n".to_vec(),
            "RCPT" => b"250 2.1.5 Ok\r\n".to_vec(),
            "DATA" => b"354 End data with <CR><LF>.<CR><LF>\r\n".to_vec(),
            "." => b"250 2.0.0 Ok: queued as ABC123\r\n".to_vec(),
            "QUIT" => b"221 2.0.0 Bye\r\n".to_vec(),
            _ => b"500 5.5.2 unrecognised\r\n".to_vec(),
        })
    }
}

#[derive(Default)]
struct StepState {
    /// The last answer was a `334`: the next line continues AUTH.
    in_auth: bool,
    /// AUTH LOGIN without an initial answer.
    login: bool,
    continuations: u32,
}

/// A step server on 127.0.0.1.
pub async fn serve_steps(steps: Steps) -> (u16, RxLog) {
    serve_steps_on("127.0.0.1", steps).await
}

/// A step server on `ip` (`127.0.0.1` or `::1`); every connection gets the same script and
/// writes to the same log. Each connection ends after at most 60 s.
pub async fn serve_steps_on(ip: &str, steps: Steps) -> (u16, RxLog) {
    let listener = TcpListener::bind((ip, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: RxLog = Arc::default();
    let l2 = log.clone();
    let steps = Arc::new(steps);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (steps, log) = (steps.clone(), l2.clone());
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    Duration::from_secs(60),
                    step_connection(tcp, &steps, &log),
                )
                .await;
            });
        }
    });
    (port, log)
}

async fn step_connection(tcp: tokio::net::TcpStream, steps: &Steps, log: &RxLog) {
    if let Some(cfg) = steps.implicit_tls.clone() {
        if let Ok(tls) = tokio_rustls::TlsAcceptor::from(cfg).accept(tcp).await {
            let _ = step_phase(tls, steps, log, true, true).await;
        }
        return;
    }
    let mut greet = true;
    let mut tcp = tcp;
    loop {
        let Some(t) = step_phase(tcp, steps, log, false, greet).await else {
            return;
        };
        greet = false;
        // The client answered STARTTLS's reply: a TLS handshake starts with 0x16; anything
        // else is more plain text, read (and logged) as such.
        let mut first = [0u8; 1];
        match tokio::time::timeout(Duration::from_secs(5), t.peek(&mut first)).await {
            Ok(Ok(1)) if first[0] == 0x16 => {
                let cfg = steps.starttls_tls.clone().unwrap();
                if let Ok(tls) = tokio_rustls::TlsAcceptor::from(cfg).accept(t).await {
                    let _ = step_phase(tls, steps, log, true, false).await;
                }
                return;
            }
            Ok(Ok(n)) if n > 0 => tcp = t,
            _ => return,
        }
    }
}

/// Serves one phase. Returns the stream when STARTTLS was answered and an upgrade is possible.
async fn step_phase<S: AsyncRead + AsyncWrite + Unpin>(
    s: S,
    steps: &Steps,
    log: &RxLog,
    encrypted: bool,
    greet: bool,
) -> Option<S> {
    let mut s = BufReader::new(s);
    let mut st = StepState::default();
    if greet && !perform(&mut s, &steps.act("GREETING", encrypted, &st)).await {
        return drain(s, log, encrypted).await;
    }
    loop {
        let line = read_client_line(&mut s).await?;
        log.lock().unwrap().push(Rx {
            encrypted,
            line: line.clone(),
        });
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default();
        let key = if st.in_auth {
            st.continuations += 1;
            "AUTH+"
        } else {
            match verb {
                "EHLO" | "HELO" => "EHLO",
                "AUTH" => {
                    st.login = upper.trim_end() == "AUTH LOGIN";
                    st.continuations = 0;
                    "AUTH"
                }
                v => v,
            }
        };
        let act = steps.act(key, encrypted, &st);
        st.in_auth = matches!(key, "AUTH" | "AUTH+") && act.head().starts_with(b"334");
        if !perform(&mut s, &act).await {
            return drain(s, log, encrypted).await;
        }
        match key {
            "QUIT" => return drain(s, log, encrypted).await,
            "STARTTLS" if !encrypted && steps.starttls_tls.is_some() && s.buffer().is_empty() => {
                return Some(s.into_inner());
            }
            "DATA" if act.head().starts_with(b"354") => {
                // The message: read to the lone dot (logged as one line, by size).
                let mut size = 0usize;
                loop {
                    let l = read_client_line(&mut s).await?;
                    if l == "." {
                        break;
                    }
                    size += l.len() + 2;
                }
                log.lock().unwrap().push(Rx {
                    encrypted,
                    line: format!("<message of {size} bytes>"),
                });
                if !perform(&mut s, &steps.act(".", encrypted, &st)).await {
                    return drain(s, log, encrypted).await;
                }
            }
            _ => {}
        }
    }
}

/// One client line (lossy UTF-8, without CR LF); `None` at the end or after 64 KiB.
async fn read_client_line<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let n = r.take(64 * 1024).read_until(b'\n', &mut buf).await.ok()?;
    if n == 0 {
        return None;
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Logs whatever the client still sends, until it closes (at most 5 s).
async fn drain<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: BufReader<S>,
    log: &RxLog,
    encrypted: bool,
) -> Option<S> {
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(line) = read_client_line(&mut s).await {
            log.lock().unwrap().push(Rx { encrypted, line });
        }
    })
    .await;
    None
}

/// Performs `act`; false when the connection should end (closed by the act or broken).
async fn perform<S: AsyncWrite + Unpin>(s: &mut S, act: &Act) -> bool {
    let w = async {
        match act {
            Act::Send(b) => s.write_all(b).await?,
            Act::SendThen(a, wait, b) => {
                s.write_all(a).await?;
                s.flush().await?;
                tokio::time::sleep(*wait).await;
                s.write_all(b).await?;
            }
            Act::SendClose(b) => {
                s.write_all(b).await?;
                s.flush().await?;
                s.shutdown().await?;
                return Ok(false);
            }
            Act::Trickle(b, every) => {
                for byte in b {
                    s.write_all(std::slice::from_ref(byte)).await?;
                    s.flush().await?;
                    tokio::time::sleep(*every).await;
                }
            }
            Act::Flood {
                head,
                fill,
                len,
                tail,
            } => {
                s.write_all(head).await?;
                let piece = vec![*fill; 16 * 1024];
                let mut left = *len;
                while left > 0 {
                    let n = left.min(piece.len());
                    s.write_all(&piece[..n]).await?;
                    left -= n;
                }
                s.write_all(tail).await?;
            }
            Act::Silent => {}
        }
        s.flush().await?;
        Ok::<bool, std::io::Error>(true)
    };
    w.await.unwrap_or(false)
}

/// The lines the client sent before encryption.
pub fn clear_lines(log: &RxLog) -> Vec<String> {
    log.lock()
        .unwrap()
        .iter()
        .filter(|r| !r.encrypted)
        .map(|r| r.line.clone())
        .collect()
}

/// Fails when the client sent AUTH, or any form of the password, unencrypted.
pub fn assert_no_auth_in_clear(log: &RxLog, user: &str, secret: &str, case: &str) {
    let forms = portolan_core::transcript::secret_forms(user, secret);
    for line in clear_lines(log) {
        assert!(
            !line.trim_start().to_ascii_uppercase().starts_with("AUTH"),
            "{case}: AUTH sent unencrypted: {line}"
        );
        for f in &forms {
            assert!(
                !line.contains(f.as_str()),
                "{case}: a form of the password was sent unencrypted"
            );
        }
    }
}

/// Whether the client sent a line starting with `prefix` (any case), encrypted or not.
pub fn rx_has(log: &RxLog, prefix: &str) -> bool {
    let p = prefix.to_ascii_uppercase();
    log.lock()
        .unwrap()
        .iter()
        .any(|r| r.line.to_ascii_uppercase().starts_with(&p))
}

/// Check or send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// `check`: up to sign-in, then QUIT.
    Check,
    /// `send_test`: the test email after sign-in.
    Send,
}

/// Runs `flow` against `settings` with the password `CANARY` (when `user` is set), bounded
/// by `bound` from the outside: a run that outlives it fails the test as a hang.
pub async fn run_flow(
    flow: Flow,
    settings: SmtpSettings,
    opts: CheckOptions,
    bound: Duration,
    case: &str,
) -> portolan_core::check::Report {
    let pw = portolan_core::sensitive::Sensitive::new(CANARY.to_owned());
    let pw = settings.username.as_ref().map(|_| &pw);
    let fut = async {
        match flow {
            Flow::Check => portolan_core::check::check(&settings, pw, &opts, &()).await,
            Flow::Send => portolan_core::send::send_test(&settings, pw, None, &opts, &()).await,
        }
    };
    match tokio::time::timeout(bound, fut).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => panic!("{case}: refused before any traffic: {e:?}"),
        Err(_) => panic!("{case}: still running after {bound:?} (a hang)"),
    }
}

/// Settings for `ip`:`port` (`127.0.0.1` or `::1`).
pub fn settings_on(ip: &str, port: u16, security: Security, user: Option<&str>) -> SmtpSettings {
    SmtpSettings {
        host: ip.into(),
        ..settings(port, security, user)
    }
}

/// A point of the dialogue where a step server answers, and the reply it expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    Greeting,
    Ehlo,
    Starttls,
    EhloTls,
    Auth,
    Mail,
    Rcpt,
    Data,
    DataEnd,
    Quit,
}

impl Point {
    /// The points a check passes.
    pub const CHECK: [Point; 6] = [
        Point::Greeting,
        Point::Ehlo,
        Point::Starttls,
        Point::EhloTls,
        Point::Auth,
        Point::Quit,
    ];
    /// The points a send passes.
    pub const SEND: [Point; 10] = [
        Point::Greeting,
        Point::Ehlo,
        Point::Starttls,
        Point::EhloTls,
        Point::Auth,
        Point::Mail,
        Point::Rcpt,
        Point::Data,
        Point::DataEnd,
        Point::Quit,
    ];

    /// The reply code that is right here.
    pub fn expected(self) -> u16 {
        match self {
            Point::Greeting | Point::Starttls => 220,
            Point::Ehlo | Point::EhloTls | Point::Mail | Point::Rcpt | Point::DataEnd => 250,
            Point::Auth => 235,
            Point::Data => 354,
            Point::Quit => 221,
        }
    }

    /// The [`Steps`] key of this point.
    pub fn key(self) -> &'static str {
        match self {
            Point::Greeting => "GREETING",
            Point::Ehlo => "EHLO",
            Point::Starttls => "STARTTLS",
            Point::EhloTls => "TLS:EHLO",
            Point::Auth => "AUTH",
            Point::Mail => "MAIL",
            Point::Rcpt => "RCPT",
            Point::Data => "DATA",
            Point::DataEnd => ".",
            Point::Quit => "QUIT",
        }
    }

    /// The step of the report this point belongs to.
    pub fn stage(self) -> portolan_core::check::Stage {
        match self {
            Point::Greeting => portolan_core::check::Stage::Greeting,
            Point::Ehlo | Point::EhloTls => portolan_core::check::Stage::Ehlo,
            Point::Starttls => portolan_core::check::Stage::Starttls,
            Point::Auth => portolan_core::check::Stage::Auth,
            Point::Mail => portolan_core::check::Stage::MailFrom,
            Point::Rcpt => portolan_core::check::Stage::RcptTo,
            Point::Data | Point::DataEnd => portolan_core::check::Stage::Data,
            Point::Quit => portolan_core::check::Stage::Quit,
        }
    }

    /// The well-behaved reply's lines here (what [`Steps`] sends by default).
    pub fn proper(self) -> Vec<&'static str> {
        match self {
            Point::Greeting => vec!["fake.test ESMTP ready"],
            Point::Ehlo => vec![
                "fake.test",
                "PIPELINING",
                "AUTH PLAIN LOGIN",
                "STARTTLS",
                "8BITMIME",
            ],
            Point::Starttls => vec!["2.0.0 Ready to start TLS"],
            Point::EhloTls => vec![
                "fake.test",
                "PIPELINING",
                "AUTH PLAIN LOGIN",
                "SIZE 1000000",
            ],
            Point::Auth => vec!["2.7.0 Authentication successful"],
            Point::Mail => vec!["2.1.0 Ok"],
            Point::Rcpt => vec!["2.1.5 Ok"],
            Point::Data => vec!["End data with <CR><LF>.<CR><LF>"],
            Point::DataEnd => vec!["2.0.0 Ok: queued as ABC123"],
            Point::Quit => vec!["2.0.0 Bye"],
        }
    }
}
