//! Loopback stand-ins for the internet, for discovery tests: an HTTP(S) server (tokio +
//! tokio-rustls, certificates from a throw-away CA) that serves autoconfig files by Host header
//! and path. The DNS responder and the CA are the shared ones of `portolan-test-support`.
//! Everything listens on 127.0.0.1 only.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portolan_test_support::pki::TestCa;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A throw-away CA and a server certificate for the given names.
pub struct TestPki {
    pub ca_pem: String,
    pub server: Arc<tokio_rustls::rustls::ServerConfig>,
}

pub fn pki(names: &[&str]) -> TestPki {
    let ca = TestCa::new("Portolan discovery test CA");
    TestPki {
        server: ca.server(names),
        ca_pem: ca.pem,
    }
}

/// What the web server answers for one (host, path) route.
#[derive(Clone)]
pub enum Page {
    /// 200 with this body.
    Ok(String),
    /// This status, empty body.
    Status(u16),
    /// Headers, then nothing for this long (a stalled server).
    Stall(Duration),
    /// 200 with an endless body and no Content-Length.
    Endless,
    /// 302 to this location.
    Redirect(String),
}

/// A loopback web server (HTTP, or HTTPS when given a TLS config) routing on Host and path.
pub struct WebServer {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for WebServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Routes: (host without port, path without query) → page. Unknown routes get 404.
pub type Routes = HashMap<(String, String), Page>;

pub async fn web(
    routes: Routes,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
) -> WebServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let reqs = requests.clone();
    let routes = Arc::new(routes);
    let task = tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                continue;
            };
            let routes = routes.clone();
            let reqs = reqs.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(cfg) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
                        if let Ok(s) = acceptor.accept(sock).await {
                            handle(s, &routes, &reqs).await;
                        }
                    }
                    None => handle(sock, &routes, &reqs).await,
                }
            });
        }
    });
    WebServer {
        port,
        requests,
        task,
    }
}

async fn handle<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut s: S,
    routes: &Routes,
    reqs: &Mutex<Vec<String>>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.lines();
    let target = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_owned();
    let host = lines
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("host").then(|| v.trim().to_owned())
        })
        .unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .map(|(h, _)| h.to_owned())
        .unwrap_or(host)
        .to_ascii_lowercase();
    reqs.lock().unwrap().push(format!("{host}{target}"));
    let path = target.split('?').next().unwrap_or("/").to_owned();
    let page = routes
        .get(&(host, path))
        .cloned()
        .unwrap_or(Page::Status(404));
    match page {
        Page::Ok(body) => {
            let resp = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(resp.as_bytes()).await;
        }
        Page::Status(code) => {
            let resp =
                format!("HTTP/1.1 {code} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = s.write_all(resp.as_bytes()).await;
        }
        Page::Stall(d) => {
            tokio::time::sleep(d).await;
        }
        Page::Endless => {
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\n\r\n<clientConfig>")
                .await;
            let chunk = vec![b' '; 64 * 1024];
            // Stops when the client hangs up (or after 64 MiB, as a guard).
            for _ in 0..1024 {
                if s.write_all(&chunk).await.is_err() {
                    break;
                }
            }
        }
        Page::Redirect(to) => {
            let resp = format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = s.write_all(resp.as_bytes()).await;
        }
    }
    let _ = s.shutdown().await;
}

/// A clientConfig v1.1 file with one SMTP server.
pub fn client_config(host: &str, port: u16, socket: &str, username: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="test">
    <domain>test</domain>
    <displayName>Test Mail</displayName>
    <outgoingServer type="smtp">
      <hostname>{host}</hostname>
      <port>{port}</port>
      <socketType>{socket}</socketType>
      <username>{username}</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#
    )
}
