//! Name lookup and TCP connect, each bounded in time, with failures sorted into the cases a
//! user can act on: no such name, refused, no answer, no route.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;

/// Why a lookup or connection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetFailure {
    /// The name does not resolve (or the lookup failed).
    DnsNotFound(String),
    /// The lookup did not finish in time, or the DNS server did not answer (a temporary
    /// failure): nothing is known about the name.
    DnsTimeout,
    /// This computer's DNS servers do not answer at all (so whether the name exists is not
    /// known).
    DnsNoAnswer,
    /// Every address refused (RST): nothing listens there.
    Refused,
    /// No answer in time (dropped by a firewall, or the host is down).
    Timeout,
    /// No route to the network or host.
    Unreachable(String),
    /// Any other socket error.
    Other(String),
}

/// The addresses of `host`, bounded by `timeout`. An IP address is returned as is.
pub async fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, NetFailure> {
    let host = host.trim().trim_end_matches('.');
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let started = tokio::time::Instant::now();
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
        Err(_) => Err(NetFailure::DnsTimeout),
        Ok(Err(e)) => {
            // The system's lookup says only that it failed: ask the DNS servers directly
            // whether they answer, so "no such server" is said only when one said so.
            let left = timeout.saturating_sub(started.elapsed());
            if dns_answers(
                host,
                left.clamp(Duration::from_millis(500), Duration::from_secs(3)),
            )
            .await
            {
                Err(NetFailure::DnsNotFound(e.to_string()))
            } else {
                Err(NetFailure::DnsNoAnswer)
            }
        }
        Ok(Ok(addrs)) => {
            let mut v: Vec<SocketAddr> = addrs.collect();
            v.dedup();
            if v.is_empty() {
                Err(NetFailure::DnsNotFound("no address".into()))
            } else {
                Ok(v)
            }
        }
    }
}

/// Whether this computer's DNS servers answer a question about `host` (an address, or "no
/// such name") within `timeout`; asked through hickory with the system's configuration.
/// When that configuration cannot be read, the servers are taken to answer.
async fn dns_answers(host: &str, timeout: Duration) -> bool {
    use hickory_resolver::proto::rr::RecordType;
    let Ok(mut builder) = hickory_resolver::TokioResolver::builder_tokio() else {
        return true;
    };
    let o = builder.options_mut();
    o.timeout = timeout;
    o.attempts = 1;
    let Ok(resolver) = builder.build() else {
        return true;
    };
    let fqdn = format!("{host}.");
    let bound = timeout + Duration::from_millis(200);
    match tokio::time::timeout(bound, resolver.lookup(fqdn.as_str(), RecordType::A)).await {
        Err(_) => false,
        Ok(Ok(_)) => true,
        Ok(Err(e)) => e.is_no_records_found() || e.is_nx_domain(),
    }
}

/// Connects to the first address that accepts, within `timeout` in total. Returns the most
/// telling failure when none does (refused beats unreachable beats timeout: a refusal proves
/// the host is there).
pub async fn connect(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), NetFailure> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut worst: Option<NetFailure> = None;
    for (i, addr) in addrs.iter().enumerate() {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        // Leave time for the remaining addresses when there are several.
        let share = left / u32::try_from(addrs.len() - i).unwrap_or(1).max(1);
        let budget = if i + 1 == addrs.len() { left } else { share };
        let failure = match tokio::time::timeout(budget, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                return Ok((s, *addr));
            }
            Ok(Err(e)) => classify(&e),
            Err(_) => NetFailure::Timeout,
        };
        worst = Some(match (worst, failure) {
            (Some(NetFailure::Refused), _) | (_, NetFailure::Refused) => NetFailure::Refused,
            (Some(u @ NetFailure::Unreachable(_)), _) => u,
            (_, f) => f,
        });
    }
    Err(worst.unwrap_or(NetFailure::Timeout))
}

fn classify(e: &std::io::Error) -> NetFailure {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => NetFailure::Refused,
        K::TimedOut => NetFailure::Timeout,
        K::NetworkUnreachable | K::HostUnreachable | K::AddrNotAvailable => {
            NetFailure::Unreachable(e.to_string())
        }
        _ => NetFailure::Other(e.to_string()),
    }
}
