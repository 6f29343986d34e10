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

/// How long an attempt runs alone before the next address is tried beside it (RFC 8305,
/// "happy eyeballs", recommends 250 ms): a host whose IPv6 address is unreachable is reached
/// over IPv4 within a fraction of a second, not after the first attempt's share of the time.
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Connects to the first address that accepts, within `timeout` in total. Addresses are tried
/// in the resolver's order with the families interleaved, each started [`ATTEMPT_DELAY`]
/// after the previous one (or at once when it fails), and the first to connect wins. Returns
/// the most telling failure when none does (refused beats unreachable beats timeout: a
/// refusal proves the host is there).
pub async fn connect(
    addrs: &[SocketAddr],
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), NetFailure> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut waiting = interleave(addrs).into_iter();
    let mut running = tokio::task::JoinSet::new();
    let mut worst: Option<NetFailure> = None;
    let start = |waiting: &mut std::vec::IntoIter<SocketAddr>,
                 running: &mut tokio::task::JoinSet<_>| {
        waiting.next().map(|addr| {
            running.spawn(async move { (addr, TcpStream::connect(addr).await) });
        })
    };
    let _ = start(&mut waiting, &mut running);
    loop {
        if running.is_empty() && start(&mut waiting, &mut running).is_none() {
            break;
        }
        let next_try = tokio::time::Instant::now() + ATTEMPT_DELAY;
        tokio::select! {
            done = running.join_next() => match done {
                Some(Ok((addr, Ok(s)))) => {
                    let _ = s.set_nodelay(true);
                    // Dropping the set aborts the attempts still running.
                    return Ok((s, addr));
                }
                Some(Ok((_, Err(e)))) => {
                    worst = Some(merge(worst, classify(&e)));
                    let _ = start(&mut waiting, &mut running);
                }
                Some(Err(_)) | None => {}
            },
            () = tokio::time::sleep_until(next_try) => {
                let _ = start(&mut waiting, &mut running);
            }
            () = tokio::time::sleep_until(deadline) => {
                worst = Some(merge(worst, NetFailure::Timeout));
                break;
            }
        }
    }
    Err(worst.unwrap_or(NetFailure::Timeout))
}

/// The more telling of two failures.
fn merge(worst: Option<NetFailure>, failure: NetFailure) -> NetFailure {
    match (worst, failure) {
        (Some(NetFailure::Refused), _) | (_, NetFailure::Refused) => NetFailure::Refused,
        (Some(u @ NetFailure::Unreachable(_)), _) => u,
        (_, f) => f,
    }
}

/// The addresses with the families alternating, starting with the resolver's first choice.
fn interleave(addrs: &[SocketAddr]) -> Vec<SocketAddr> {
    let first_v6 = addrs.first().is_some_and(SocketAddr::is_ipv6);
    let (mut a, mut b): (Vec<_>, Vec<_>) = addrs.iter().partition(|x| x.is_ipv6() == first_v6);
    a.reverse();
    b.reverse();
    let mut out = Vec::with_capacity(addrs.len());
    while let Some(x) = a.pop() {
        out.push(x);
        if let Some(y) = b.pop() {
            out.push(y);
        }
    }
    out.extend(b.into_iter().rev());
    out
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::net::SocketAddr;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn families_alternate_from_the_first_choice() {
        let got = super::interleave(&[
            a("[2001:db8::1]:25"),
            a("[2001:db8::2]:25"),
            a("192.0.2.1:25"),
            a("192.0.2.2:25"),
            a("192.0.2.3:25"),
        ]);
        assert_eq!(
            got,
            [
                a("[2001:db8::1]:25"),
                a("192.0.2.1:25"),
                a("[2001:db8::2]:25"),
                a("192.0.2.2:25"),
                a("192.0.2.3:25"),
            ]
        );
        assert_eq!(super::interleave(&[a("192.0.2.1:25")]), [a("192.0.2.1:25")]);
        assert!(super::interleave(&[]).is_empty());
    }
}
