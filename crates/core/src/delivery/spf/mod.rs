//! A small, bounded SPF evaluator (RFC 7208 `check_host`): does a domain's SPF record allow an
//! IP address to send mail for it? It follows `ip4`, `ip6`, `a`, `mx`, `include`, `exists`,
//! `all` and `redirect=`, counts every term that asks DNS (at most 10, §4.6.4), stops after
//! two look-ups that find nothing (§4.6.4), reads at most 10 MX names per `mx`, and expands
//! the simple macros (`%{d}`, `%{i}`, `%{s}`, `%{l}`, `%{o}`); `ptr` never matches (it is
//! deprecated, §5.5). No crate in reach does this, so it is written here, short and bounded.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::discover::dns::{Dns, LookupFailure};

/// The most terms that ask DNS in one evaluation (RFC 7208 §4.6.4).
pub const MAX_LOOKUPS: u32 = 10;
/// The most look-ups that may find nothing (RFC 7208 §4.6.4).
pub const MAX_VOID_LOOKUPS: u32 = 2;
/// The most MX names followed by one `mx` term (RFC 7208 §4.6.4).
pub const MAX_MX_NAMES: usize = 10;

/// What SPF says about an address (RFC 7208 §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SpfResult {
    /// The record allows the address.
    Pass,
    /// The record says the address may not send (`-all`).
    Fail,
    /// The record says the address probably may not send (`~all`).
    SoftFail,
    /// The record says nothing either way (`?all`, or no match).
    Neutral,
    /// The domain has no SPF record.
    None,
    /// DNS did not answer; the answer may differ later.
    TempError,
    /// The record is broken (or needs more than Portolan follows).
    PermError,
}

/// What one evaluation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfOutcome {
    /// The result.
    pub result: SpfResult,
    /// The domain's own SPF record, if it has one.
    pub record: Option<String>,
    /// Why, for temperror and permerror.
    pub reason: Option<String>,
    /// How many terms asked DNS.
    pub lookups: u32,
}

/// The DNS questions SPF asks; [`Dns`] in the app, a table in unit tests.
pub trait SpfDns: Sync {
    /// TXT records of a name.
    fn txt(&self, name: &str) -> impl Future<Output = Result<Vec<String>, LookupFailure>> + Send;
    /// A and AAAA addresses of a name.
    fn ips(&self, name: &str) -> impl Future<Output = Result<Vec<IpAddr>, LookupFailure>> + Send;
    /// MX names of a domain.
    fn mx(&self, name: &str) -> impl Future<Output = Result<Vec<String>, LookupFailure>> + Send;
}

impl SpfDns for Dns {
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        Dns::txt(self, name).await
    }
    async fn ips(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        Dns::ips(self, name).await
    }
    async fn mx(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        Dns::mx(self, name)
            .await
            .map(|v| v.into_iter().map(|(_, h)| h).collect())
    }
}

/// Why an evaluation stopped early.
enum Stop {
    Temp(String),
    Perm(String),
}

/// The state shared by one evaluation and its includes.
struct Eval<'a, D: SpfDns> {
    dns: &'a D,
    ip: IpAddr,
    sender: &'a str,
    lookups: u32,
    void: u32,
}

type Boxed<'b, T> = Pin<Box<dyn Future<Output = T> + Send + 'b>>;

/// Evaluates `domain`'s SPF record for `ip`, as for mail from `sender` (an address at that
/// domain). Never loops: every DNS-asking term is counted against [`MAX_LOOKUPS`].
pub async fn check_host<D: SpfDns>(dns: &D, ip: IpAddr, domain: &str, sender: &str) -> SpfOutcome {
    let mut e = Eval {
        dns,
        ip,
        sender,
        lookups: 0,
        void: 0,
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let record = match e.record(&domain).await {
        Ok(r) => r,
        Err(Stop::Temp(m)) => return outcome(SpfResult::TempError, None, Some(m), 0),
        Err(Stop::Perm(m)) => return outcome(SpfResult::PermError, None, Some(m), 0),
    };
    let Some(record) = record else {
        return outcome(SpfResult::None, None, None, 0);
    };
    let r = e.evaluate(domain.clone(), record.clone()).await;
    let lookups = e.lookups;
    match r {
        Ok(res) => outcome(res, Some(record), None, lookups),
        Err(Stop::Temp(m)) => outcome(SpfResult::TempError, Some(record), Some(m), lookups),
        Err(Stop::Perm(m)) => outcome(SpfResult::PermError, Some(record), Some(m), lookups),
    }
}

fn outcome(
    result: SpfResult,
    record: Option<String>,
    reason: Option<String>,
    lookups: u32,
) -> SpfOutcome {
    SpfOutcome {
        result,
        record,
        reason,
        lookups,
    }
}

/// Whether `txt` is an SPF record (`v=spf1` alone or followed by a space).
pub fn is_spf(txt: &str) -> bool {
    let t = txt.trim_start();
    t.len() >= 6
        && t[..6].eq_ignore_ascii_case("v=spf1")
        && t[6..].chars().next().is_none_or(|c| c == ' ')
}

impl<D: SpfDns> Eval<'_, D> {
    /// The one SPF record of `domain` (none, or an error when there are several).
    async fn record(&mut self, domain: &str) -> Result<Option<String>, Stop> {
        match self.dns.txt(domain).await {
            Ok(v) => {
                let spf: Vec<String> = v.into_iter().filter(|t| is_spf(t)).collect();
                match spf.len() {
                    0 => Ok(None),
                    1 => Ok(spf.into_iter().next()),
                    n => Err(Stop::Perm(format!(
                        "{domain} has {n} SPF records; it may have only one"
                    ))),
                }
            }
            Err(LookupFailure::NotFound) => Ok(None),
            Err(f) => Err(Stop::Temp(format!("{domain}: {}", f.describe()))),
        }
    }

    fn count(&mut self) -> Result<(), Stop> {
        self.lookups += 1;
        if self.lookups > MAX_LOOKUPS {
            return Err(Stop::Perm(format!(
                "the record needs more than {MAX_LOOKUPS} DNS look-ups"
            )));
        }
        Ok(())
    }

    /// A look-up that found nothing; the third one is an error.
    fn void(&mut self) -> Result<(), Stop> {
        self.void += 1;
        if self.void > MAX_VOID_LOOKUPS {
            return Err(Stop::Perm(format!(
                "more than {MAX_VOID_LOOKUPS} of the record's names do not exist"
            )));
        }
        Ok(())
    }

    async fn ips_of(&mut self, name: &str) -> Result<Vec<IpAddr>, Stop> {
        match self.dns.ips(name).await {
            Ok(v) => Ok(v),
            Err(LookupFailure::NotFound) => {
                self.void()?;
                Ok(Vec::new())
            }
            Err(f) => Err(Stop::Temp(format!("{name}: {}", f.describe()))),
        }
    }

    fn evaluate(&mut self, domain: String, record: String) -> Boxed<'_, Result<SpfResult, Stop>> {
        Box::pin(async move {
            let mut redirect = None;
            for term in record.split_ascii_whitespace().skip(1) {
                if let Some((name, value)) = modifier(term) {
                    // exp= and unknown modifiers do not change the result (§6).
                    if name.eq_ignore_ascii_case("redirect") {
                        if redirect.is_some() {
                            return Err(Stop::Perm("two redirect= modifiers".into()));
                        }
                        redirect = Some(self.expand(value, &domain)?);
                    }
                    continue;
                }
                let (qualifier, mech) = match term.as_bytes()[0] {
                    b'+' => (SpfResult::Pass, &term[1..]),
                    b'-' => (SpfResult::Fail, &term[1..]),
                    b'~' => (SpfResult::SoftFail, &term[1..]),
                    b'?' => (SpfResult::Neutral, &term[1..]),
                    _ => (SpfResult::Pass, term),
                };
                if self.matches(mech, &domain).await? {
                    return Ok(qualifier);
                }
            }
            if let Some(target) = redirect {
                self.count()?;
                return match self.record(&target).await? {
                    Some(r) => self.evaluate(target, r).await,
                    None => Err(Stop::Perm(format!(
                        "redirect to {target}, which has no SPF record"
                    ))),
                };
            }
            Ok(SpfResult::Neutral)
        })
    }

    /// Whether mechanism `mech` (without its qualifier) matches the address.
    async fn matches(&mut self, mech: &str, domain: &str) -> Result<bool, Stop> {
        let (name, arg) = match mech.find([':', '/']) {
            Some(i) => (&mech[..i], &mech[i..]),
            None => (mech, ""),
        };
        match name.to_ascii_lowercase().as_str() {
            "all" if arg.is_empty() => Ok(true),
            "ip4" | "ip6" => {
                let arg = arg.strip_prefix(':').ok_or_else(|| bad(mech))?;
                let (addr, len) = match arg.split_once('/') {
                    Some((a, l)) => (a, Some(l.parse::<u8>().map_err(|_| bad(mech))?)),
                    None => (arg, None),
                };
                let net: IpAddr = addr.parse().map_err(|_| bad(mech))?;
                if (name.eq_ignore_ascii_case("ip4")) != net.is_ipv4() {
                    return Err(bad(mech));
                }
                let len = len.unwrap_or(if net.is_ipv4() { 32 } else { 128 });
                if (net.is_ipv4() && len > 32) || len > 128 {
                    return Err(bad(mech));
                }
                Ok(in_net(self.ip, net, len))
            }
            "a" | "mx" => {
                self.count()?;
                let (target, v4, v6) = self.spec_and_cidr(arg, domain, mech)?;
                let names = if name.eq_ignore_ascii_case("mx") {
                    match self.dns.mx(&target).await {
                        Ok(v) if v.len() > MAX_MX_NAMES => {
                            return Err(Stop::Perm(format!(
                                "{target} has more than {MAX_MX_NAMES} mail servers"
                            )))
                        }
                        Ok(v) => v,
                        Err(LookupFailure::NotFound) => {
                            self.void()?;
                            Vec::new()
                        }
                        Err(f) => return Err(Stop::Temp(format!("{target}: {}", f.describe()))),
                    }
                } else {
                    vec![target]
                };
                for n in names {
                    for ip in self.ips_of(&n).await? {
                        let len = if ip.is_ipv4() { v4 } else { v6 };
                        if in_net(self.ip, ip, len) {
                            return Ok(true);
                        }
                    }
                }
                Ok(false)
            }
            "include" => {
                self.count()?;
                let target =
                    self.expand(arg.strip_prefix(':').ok_or_else(|| bad(mech))?, domain)?;
                let Some(record) = self.record(&target).await? else {
                    return Err(Stop::Perm(format!("include:{target} has no SPF record")));
                };
                match self.evaluate(target, record).await? {
                    SpfResult::Pass => Ok(true),
                    _ => Ok(false),
                }
            }
            "exists" => {
                self.count()?;
                let target =
                    self.expand(arg.strip_prefix(':').ok_or_else(|| bad(mech))?, domain)?;
                Ok(!self.ips_of(&target).await?.is_empty())
            }
            "ptr" => {
                // Deprecated and slow; counted, never matched (RFC 7208 §5.5).
                self.count()?;
                Ok(false)
            }
            _ => Err(bad(mech)),
        }
    }

    /// The domain of an `a`/`mx` term and its CIDR lengths (`a:host/24//64`).
    fn spec_and_cidr(&self, arg: &str, domain: &str, mech: &str) -> Result<(String, u8, u8), Stop> {
        let (spec, cidr) = match arg.find('/') {
            Some(i) => (&arg[..i], &arg[i..]),
            None => (arg, ""),
        };
        let target = match spec.strip_prefix(':') {
            Some(s) => self.expand(s, domain)?,
            None if spec.is_empty() => domain.to_owned(),
            None => return Err(bad(mech)),
        };
        let (mut v4, mut v6) = (32u8, 128u8);
        if !cidr.is_empty() {
            let (a, b) = match cidr.strip_prefix("//") {
                Some(six) => ("", six),
                None => {
                    let c = &cidr[1..];
                    match c.split_once("//") {
                        Some((a, b)) => (a, b),
                        None => (c, ""),
                    }
                }
            };
            if !a.is_empty() {
                v4 = a
                    .parse()
                    .ok()
                    .filter(|n| *n <= 32)
                    .ok_or_else(|| bad(mech))?;
            }
            if !b.is_empty() {
                v6 = b
                    .parse()
                    .ok()
                    .filter(|n| *n <= 128)
                    .ok_or_else(|| bad(mech))?;
            }
        }
        Ok((target.trim_end_matches('.').to_ascii_lowercase(), v4, v6))
    }

    /// Expands the simple macros of a domain-spec (RFC 7208 §7); transformers are refused.
    fn expand(&self, spec: &str, domain: &str) -> Result<String, Stop> {
        let (local, sender_domain) = self
            .sender
            .rsplit_once('@')
            .unwrap_or(("postmaster", self.sender));
        let mut out = String::new();
        let mut rest = spec;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(r) = after.strip_prefix('%') {
                out.push('%');
                rest = r;
            } else if let Some(r) = after.strip_prefix('_') {
                out.push(' ');
                rest = r;
            } else if let Some(r) = after.strip_prefix('-') {
                out.push_str("%20");
                rest = r;
            } else if after.starts_with('{') && after.len() >= 3 && &after[2..3] == "}" {
                match after.as_bytes()[1].to_ascii_lowercase() {
                    b'd' => out.push_str(domain),
                    b's' => out.push_str(self.sender),
                    b'l' => out.push_str(local),
                    b'o' => out.push_str(sender_domain),
                    b'i' => out.push_str(&dotted(self.ip)),
                    b'v' => out.push_str(if self.ip.is_ipv4() { "in-addr" } else { "ip6" }),
                    _ => {
                        return Err(Stop::Perm(format!(
                            "the macro in \"{spec}\" is not supported"
                        )))
                    }
                }
                rest = &after[3..];
            } else {
                return Err(Stop::Perm(format!(
                    "the macro in \"{spec}\" is not supported"
                )));
            }
        }
        out.push_str(rest);
        if out.is_empty() || out.len() > 253 {
            return Err(Stop::Perm(format!("\"{spec}\" is not a usable name")));
        }
        Ok(out.trim_end_matches('.').to_ascii_lowercase())
    }
}

fn bad(term: &str) -> Stop {
    Stop::Perm(format!("\"{term}\" is not a valid SPF term"))
}

/// `name=value` when `term` is a modifier (the name is letters, digits, `-`, `_`, `.`).
fn modifier(term: &str) -> Option<(&str, &str)> {
    let (name, value) = term.split_once('=')?;
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then_some((name, value))
}

/// The address as `%{i}` writes it: dotted quad, or dot-separated nibbles for IPv6.
fn dotted(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => v6
            .octets()
            .iter()
            .flat_map(|b| [b >> 4, b & 0xf])
            .map(|n| format!("{n:x}"))
            .collect::<Vec<_>>()
            .join("."),
    }
}

/// Whether `ip` lies in `net/len` (different families never match).
pub fn in_net(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let len = u32::from(len.min(32));
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let len = u32::from(len.min(128));
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
