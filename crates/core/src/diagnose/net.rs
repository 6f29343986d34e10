//! Failures before SMTP begins: the name lookup and the connection, and a server that hangs up.

use super::fixes::{fix_find_port, fix_retry, other_submission_ports};
use super::verdict;
use crate::net::NetFailure;
use crate::report::Stage;
use crate::verdict::{Fix, FixKind, Verdict, VerdictCode as C};

pub(super) fn net(n: &NetFailure, host: &str, port: u16) -> Verdict {
    match n {
        NetFailure::DnsNoAnswer => verdict(
            C::DnsNoAnswer,
            "The name service (DNS) is not answering",
            format!(
                "This computer asked its DNS servers where \"{host}\" is, and they did not \
                 answer at all, so Portolan cannot tell whether the name exists. The network \
                 is down or the DNS settings are wrong (a VPN or a captive portal, such as a \
                 hotel's sign-in page, often causes this). Check that other websites open, \
                 then try again."
            ),
            vec![fix_retry()],
        ),
        NetFailure::DnsNotFound(_) => verdict(
            C::DnsNotFound,
            "The server name was not found",
            format!(
                "No server called \"{host}\" exists. Check the spelling (for example \
                 smtp.example.com)."
            ),
            Vec::new(),
        ),
        NetFailure::DnsTimeout => verdict(
            C::DnsNoAnswer,
            "The server name could not be looked up",
            format!(
                "Portolan asked for the address of \"{host}\" but got no answer, so nothing is \
                 known about that name yet. Check that this computer is online (open a web \
                 page), then try again."
            ),
            vec![fix_retry()],
        ),
        NetFailure::Refused => verdict(
            C::ConnectionRefused,
            "The server refused the connection on this port",
            format!(
                "{host} answered, but nothing accepts mail on port {port}. The port number is \
                 probably wrong for this server."
            ),
            other_submission_ports(port),
        ),
        NetFailure::Timeout => verdict(
            C::ConnectTimeout,
            "No answer from the server on this port",
            format!(
                "{host} did not answer on port {port}. Either the server does not offer this \
                 port (some servers stay silent instead of refusing), or a firewall on the \
                 way drops the connection: many networks and internet providers block mail \
                 ports, especially 25. \"Find a working port\" tries the others: if they \
                 answer, the server simply does not offer this one."
            ),
            other_submission_ports(port),
        ),
        NetFailure::Unreachable(_) => verdict(
            C::NetworkUnreachable,
            "This computer cannot reach the server's network",
            format!(
                "There is no route from this computer to {host}. Check that you are online \
                 (and, for a company server, connected to its network or VPN)."
            ),
            vec![fix_retry()],
        ),
        NetFailure::Other(m) => verdict(
            C::NetworkUnreachable,
            "The connection could not be opened",
            format!("Opening a connection to {host} port {port} failed ({m})."),
            vec![fix_retry(), fix_find_port()],
        ),
    }
}

pub(super) fn closed(stage: Stage, host: &str) -> Verdict {
    if stage == Stage::Auth {
        return verdict(
            C::AuthFailed,
            "The server hung up during sign-in",
            format!(
                "{host} closed the connection while checking the user name and password. \
                 This usually means the sign-in was refused; check both."
            ),
            vec![Fix::action(
                FixKind::CheckPassword,
                "Type the password again",
            )],
        );
    }
    verdict(
        C::ServerBusy,
        "The server hung up",
        format!(
            "{host} closed the connection at the step \"{}\". Servers do this when they are \
             overloaded or when they block this computer's address.",
            stage.label()
        ),
        vec![fix_retry(), fix_find_port()],
    )
}
