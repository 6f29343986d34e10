//! A tiny authoritative DNS responder on loopback (UDP, answers encoded with hickory-proto),
//! so discovery's look-ups (MX, SRV, A) and the delivery help's (TXT) are answered by the test through a configurable
//! resolver. Exact (name, type) matches; NXDOMAIN for unknown names, NODATA for known names
//! without that type; a name can also stay silent or answer SERVFAIL.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, MX, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record};
use tokio::net::UdpSocket;

pub use hickory_proto::rr::RecordType;

/// How the DNS responder treats one name.
#[derive(Debug, Clone)]
pub enum DnsAnswer {
    /// These records.
    Records(Vec<RData>),
    /// Never answer (a dead or filtered server).
    Silent,
    /// SERVFAIL.
    ServFail,
}

/// A tiny authoritative responder: exact (name, type) matches, NXDOMAIN otherwise.
#[derive(Debug)]
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
#[derive(Debug, Default, Clone)]
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
    /// A TXT record (one string), e.g. an SPF or DMARC record.
    pub fn txt(mut self, owner: &str, text: &str) -> Self {
        let e = self
            .0
            .entry((owner.to_ascii_lowercase(), RecordType::TXT))
            .or_insert(DnsAnswer::Records(vec![]));
        if let DnsAnswer::Records(v) = e {
            v.push(RData::TXT(TXT::new(vec![text.to_owned()])));
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
