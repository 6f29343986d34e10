//! "Check it from the other machine": commands that run the same check from the web host or
//! server where the settings will be used.

use super::escape::{comment, powershell_str, shell_word};
use super::{Ctx, Unwritable};
use crate::ports::Security;

/// `host:port`, with IPv6 addresses in brackets.
fn host_port(host: &str, port: u16) -> String {
    if host.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `openssl s_client` for the encrypted modes; `nc` for a server without encryption.
pub(crate) fn openssl(c: &Ctx) -> Result<String, Unwritable> {
    let target = shell_word(&host_port(&c.s.host, c.s.port));
    let mut o = format!(
        "# Run on the machine that will send the mail. {}\n",
        comment(&c.title())
    );
    match c.s.security {
        Security::Starttls => {
            o.push_str("# Expect \"250\" lines and a certificate; type QUIT to leave.\n");
            o.push_str(&format!(
                "openssl s_client -starttls smtp -connect {target} -servername {} -crlf\n",
                shell_word(&c.s.host)
            ));
        }
        Security::Tls => {
            o.push_str("# Expect a certificate, then \"220\"; type QUIT to leave.\n");
            o.push_str(&format!(
                "openssl s_client -connect {target} -servername {} -crlf\n",
                shell_word(&c.s.host)
            ));
        }
        Security::None => {
            o.push_str("# No encryption: expect \"220\"; type QUIT to leave.\n");
            o.push_str(&format!("nc -C {} {}\n", shell_word(&c.s.host), c.s.port));
        }
    }
    Ok(o)
}

/// `swaks` signing in and stopping before any mail is sent.
pub(crate) fn swaks(c: &Ctx) -> Result<String, Unwritable> {
    let mut args = vec![
        "swaks".to_owned(),
        "--server".to_owned(),
        shell_word(&host_port(&c.s.host, c.s.port)),
    ];
    match c.s.security {
        Security::Tls => args.push("--tls-on-connect".into()),
        Security::Starttls => args.push("--tls".into()),
        Security::None => {}
    }
    if let Some(name) = &c.s.ehlo_name {
        args.push("--ehlo".into());
        args.push(shell_word(name));
    }
    args.push("--from".into());
    args.push(shell_word(&c.s.from));
    args.push("--to".into());
    args.push(shell_word(&c.s.from));
    if let Some(u) = c.user() {
        args.push("--auth-user".into());
        args.push(shell_word(u));
        if let Some(p) = c.password {
            args.push("--auth-password".into());
            args.push(shell_word(p));
        }
    }
    args.push("--quit-after".into());
    args.push(if c.user().is_some() { "AUTH" } else { "RCPT" }.into());
    let mut o = format!(
        "# Run on the machine that will send the mail. {}\n",
        comment(&c.title())
    );
    if c.user().is_some() && c.password.is_none() {
        o.push_str("# swaks asks for the password. ");
    } else {
        o.push_str("# ");
    }
    o.push_str("Nothing is sent: it stops after the sign-in check.\n");
    o.push_str(&args.join(" "));
    o.push('\n');
    Ok(o)
}

/// PowerShell's `Test-NetConnection`: is the port reachable from this Windows machine?
pub(crate) fn powershell(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = format!(
        "# Run in PowerShell on the machine that will send the mail. {}\n",
        comment(&c.title())
    );
    o.push_str("# \"TcpTestSucceeded : True\" means the port is reachable.\n");
    o.push_str(&format!(
        "Test-NetConnection -ComputerName {} -Port {}\n",
        powershell_str(&c.s.host),
        c.s.port
    ));
    Ok(o)
}
