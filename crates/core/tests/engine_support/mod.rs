//! Scripted SMTP servers on loopback for the engine's tests: one listener per test, on an
//! ephemeral port, doing exactly what the test says (including misbehaving), plus test
//! certificates made with rcgen.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use portolan_core::check::CheckOptions;
use portolan_core::ports::Security;
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub mod leak;

/// A password whose every form the tests look for in reports.
pub const CANARY: &str = "Canary-9q7Z-Pa55w0rd!";

/// A CA, and server certificates signed by it.
pub struct Pki {
    pub ca_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    pub fn new() -> Self {
        Self::named("Portolan Scripted Test CA")
    }

    /// A CA whose common name is `cn` (e.g. an antivirus product's interception CA).
    pub fn named(cn: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.self_signed(&key).unwrap();
        Self {
            ca_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The engine's trust: the platform plus this CA.
    pub fn trust(&self) -> Trust {
        Trust::with_extra_ca_pem(self.ca_pem.as_bytes()).unwrap()
    }

    /// A server config with a certificate for `names`, signed by this CA.
    pub fn server(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, names.first().copied().unwrap_or("x"));
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        server_config(cert.der().clone(), key)
    }

    /// A self-signed server config for `names`.
    pub fn self_signed(names: &[&str]) -> (Arc<rustls::ServerConfig>, CertificateDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        let cert = params.self_signed(&key).unwrap();
        let der = cert.der().clone();
        (server_config(der.clone(), key), der)
    }
}

fn server_config(cert: CertificateDer<'static>, key: KeyPair) -> Arc<rustls::ServerConfig> {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    )
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

/// Fails the test if any form of `secret` ([`leak::forms`]) appears in `text`.
pub fn assert_no_secret(text: &str, user: &str, secret: &str) {
    let mut scan = leak::Scan::new(&[(user, secret)]);
    scan.text("text", text);
    assert!(
        scan.hits.is_empty(),
        "a form of the password leaked: {:?}",
        scan.hits
    );
}
