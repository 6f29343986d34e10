//! Loopback stand-ins for the internet, for discovery tests: a DNS responder (UDP, answers
//! encoded with hickory-proto) and an HTTP(S) server (tokio + tokio-rustls, certificates from
//! a throw-away CA made with rcgen) that serves autoconfig files by Host header and path.
//! Everything listens on 127.0.0.1 only.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, MX, SRV};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// How the DNS responder treats one name.
#[derive(Clone)]
pub enum DnsAnswer {
    /// These records.
    Records(Vec<RData>),
    /// Never answer (a dead or filtered server).
    Silent,
    /// SERVFAIL.
    ServFail,
}

/// A tiny authoritative responder: exact (name, type) matches, NXDOMAIN otherwise.
pub struct DnsServer {
    pub addr: SocketAddr,
    pub queries: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Builds a zone.
#[derive(Default, Clone)]
pub struct Zone(HashMap<(String, RecordType), DnsAnswer>);

fn name(n: &str) -> Name {
    Name::from_ascii(format!("{}.", n.trim_end_matches('.'))).unwrap()
}

impl Zone {
    pub fn a(mut self, host: &str, ip: Ipv4Addr) -> Self {
        let e = self
            .0
            .entry((host.to_ascii_lowercase(), RecordType::A))
            .or_insert(DnsAnswer::Records(vec![]));
        if let DnsAnswer::Records(v) = e {
            v.push(RData::A(A(ip)));
        }
        self
    }
    pub fn mx(mut self, domain: &str, pref: u16, host: &str) -> Self {
        let e = self
            .0
            .entry((domain.to_ascii_lowercase(), RecordType::MX))
            .or_insert(DnsAnswer::Records(vec![]));
        if let DnsAnswer::Records(v) = e {
            v.push(RData::MX(MX::new(pref, name(host))));
        }
        self
    }
    pub fn srv(mut self, owner: &str, prio: u16, weight: u16, port: u16, target: &str) -> Self {
        let e = self
            .0
            .entry((owner.to_ascii_lowercase(), RecordType::SRV))
            .or_insert(DnsAnswer::Records(vec![]));
        let t = if target == "." {
            Name::root()
        } else {
            name(target)
        };
        if let DnsAnswer::Records(v) = e {
            v.push(RData::SRV(SRV::new(prio, weight, port, t)));
        }
        self
    }
    pub fn silent(mut self, owner: &str, t: RecordType) -> Self {
        self.0
            .insert((owner.to_ascii_lowercase(), t), DnsAnswer::Silent);
        self
    }
    pub fn servfail(mut self, owner: &str, t: RecordType) -> Self {
        self.0
            .insert((owner.to_ascii_lowercase(), t), DnsAnswer::ServFail);
        self
    }
    /// Every name under `domain` that has any record, so NODATA differs from NXDOMAIN.
    fn name_exists(&self, n: &str) -> bool {
        self.0.keys().any(|(k, _)| k == n)
    }

    pub async fn serve(self) -> DnsServer {
        let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        let queries = Arc::new(Mutex::new(Vec::new()));
        let q2 = queries.clone();
        let task = tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                    continue;
                };
                let Ok(req) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let Some(q) = req.queries.first().cloned() else {
                    continue;
                };
                let qname = q.name.to_ascii().trim_end_matches('.').to_ascii_lowercase();
                q2.lock().unwrap().push(format!("{} {qname}", q.query_type));
                let mut resp =
                    Message::new(req.metadata.id, MessageType::Response, req.metadata.op_code);
                resp.metadata.recursion_desired = req.metadata.recursion_desired;
                resp.metadata.recursion_available = true;
                resp.metadata.authoritative = true;
                resp.add_query(q.clone());
                match self.0.get(&(qname.clone(), q.query_type)) {
                    Some(DnsAnswer::Silent) => continue,
                    Some(DnsAnswer::ServFail) => {
                        resp.metadata.response_code = ResponseCode::ServFail;
                    }
                    Some(DnsAnswer::Records(rs)) => {
                        for r in rs {
                            resp.add_answer(Record::from_rdata(q.name.clone(), 60, r.clone()));
                        }
                    }
                    None => {
                        if !self.name_exists(&qname) {
                            resp.metadata.response_code = ResponseCode::NXDomain;
                        }
                    }
                }
                if let Ok(bytes) = resp.to_vec() {
                    let _ = sock.send_to(&bytes, peer).await;
                }
            }
        });
        DnsServer {
            addr,
            queries,
            task,
        }
    }
}

/// A throw-away CA and a server certificate for the given names.
pub struct TestPki {
    pub ca_pem: String,
    pub server: Arc<tokio_rustls::rustls::ServerConfig>,
}

pub fn pki(names: &[&str]) -> TestPki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Portolan discovery test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let key =
        tokio_rustls::rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let server = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    TestPki {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
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

/// Reads the real-server fixture's `servers.env`, or `None` (with a note) when it is not
/// configured; panics when `PORTOLAN_REQUIRE_SERVERS=1` demands it.
pub fn test_servers() -> Option<HashMap<String, String>> {
    match std::env::var("PORTOLAN_TEST_SERVERS") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("PORTOLAN_TEST_SERVERS={path} unreadable: {e}"));
            Some(
                text.lines()
                    .filter_map(|l| l.split_once('='))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect(),
            )
        }
        Err(_) => {
            if std::env::var("PORTOLAN_REQUIRE_SERVERS").as_deref() == Ok("1") {
                panic!("PORTOLAN_REQUIRE_SERVERS=1 but PORTOLAN_TEST_SERVERS is not set");
            }
            eprintln!("note: PORTOLAN_TEST_SERVERS not set; skipping the real-server part");
            None
        }
    }
}
