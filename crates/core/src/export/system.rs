//! Formats for people and for mail software: the plain-text card, the SMTP URL, msmtp, Postfix
//! and Thunderbird's autoconfig XML.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::escape::{comment, msmtp_arg, xml_text};
use super::{security_words, Ctx, Unwritable, PASSWORD_PLACEHOLDER};
use crate::ports::Security;

/// Refuses control characters where a human-readable line is written.
fn one_line(field: &'static str, v: &str) -> Result<(), Unwritable> {
    if v.chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err(Unwritable::new(
            field,
            "contains a line break or another invisible control character",
        ));
    }
    Ok(())
}

/// The plain-text card.
pub(crate) fn card(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = String::new();
    match c.name {
        Some(n) => o.push_str(&format!("SMTP settings: {}\n", comment(n))),
        None => o.push_str("SMTP settings\n"),
    }
    o.push_str(&format!("Server (host):   {}\n", c.s.host));
    o.push_str(&format!("Port:            {}\n", c.s.port));
    o.push_str(&format!(
        "Security:        {}\n",
        security_words(c.s.security)
    ));
    o.push_str(&format!(
        "In apps:         {}\n",
        crate::ports::app_names(c.s.security)
    ));
    match c.user() {
        Some(u) => {
            o.push_str("Sign-in:         Required\n");
            o.push_str(&format!("User name:       {u}\n"));
            match c.password {
                Some(p) => {
                    one_line("password", p)?;
                    o.push_str(&format!("Password:        {p}\n"));
                }
                None => o.push_str(&format!(
                    "Password:        (left out: {})\n",
                    super::password_words(c.s)
                )),
            }
        }
        None => o.push_str("Sign-in:         None (the server accepts mail without it)\n"),
    }
    o.push_str(&format!("Sender address:  {}\n", c.s.from));
    Ok(o)
}

/// RFC 3986 userinfo: everything but the unreserved characters is percent-encoded.
const USERINFO: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The host as a URL host: IPv6 in brackets, internationalised names as punycode.
fn url_host(host: &str) -> Result<String, Unwritable> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(match ip {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            std::net::IpAddr::V4(v4) => v4.to_string(),
        });
    }
    let ascii = idna::domain_to_ascii(host)
        .map_err(|_| Unwritable::new("server name", "is not a valid internet host name"))?;
    if ascii.is_empty()
        || !ascii
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
    {
        return Err(Unwritable::new(
            "server name",
            "contains characters a URL cannot hold in a host name",
        ));
    }
    Ok(ascii)
}

/// `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`, `smtp://host:25`.
/// `tls=required` is lettre's spelling; other libraries ignore it and upgrade when offered.
pub(crate) fn smtp_url(c: &Ctx) -> Result<String, Unwritable> {
    let scheme = if c.s.security == Security::Tls {
        "smtps"
    } else {
        "smtp"
    };
    let mut o = format!("{scheme}://");
    if let Some(u) = c.user() {
        o.push_str(&utf8_percent_encode(u, USERINFO).to_string());
        o.push(':');
        o.push_str(&utf8_percent_encode(c.password_or_placeholder(), USERINFO).to_string());
        o.push('@');
    }
    o.push_str(&url_host(&c.s.host)?);
    o.push_str(&format!(":{}", c.s.port));
    if c.s.security == Security::Starttls {
        o.push_str("?tls=required");
    }
    o.push('\n');
    Ok(o)
}

/// An msmtp account named "portolan", made the default.
pub(crate) fn msmtprc(c: &Ctx) -> Result<String, Unwritable> {
    let arg = |field: &'static str, v: &str| msmtp_arg(v).map_err(|r| Unwritable::new(field, r));
    let mut o = format!("# {}\n", c.title());
    o.push_str("# Save as ~/.msmtprc and make it private: chmod 600 ~/.msmtprc\n");
    o.push_str("account portolan\n");
    o.push_str(&format!("host {}\n", arg("server name", &c.s.host)?));
    o.push_str(&format!("port {}\n", c.s.port));
    match c.s.security {
        Security::Tls => o.push_str("tls on\ntls_starttls off\n"),
        Security::Starttls => o.push_str("tls on\ntls_starttls on\n"),
        Security::None => o.push_str("tls off\n"),
    }
    if c.s.security != Security::None {
        o.push_str("tls_trust_file system\n");
    }
    match c.user() {
        Some(u) => {
            o.push_str("auth on\n");
            o.push_str(&format!("user {}\n", arg("user name", u)?));
            match c.password {
                Some(p) => o.push_str(&format!("password {}\n", arg("password", p)?)),
                None => {
                    o.push_str(
                        "# Portolan left the password out. Either put it on the next line \
                         instead of your-password-here,\n",
                    );
                    if let Some(id) = c.profile_id {
                        o.push_str(&format!(
                            "# or, on this computer, read it from Portolan's keyring entry:\n\
                             # passwordeval \"secret-tool lookup service Portolan username {}\"\n",
                            comment(id)
                        ));
                    } else {
                        o.push_str("# or use passwordeval with your password manager.\n");
                    }
                    o.push_str(&format!("password {PASSWORD_PLACEHOLDER}\n"));
                }
            }
        }
        None => o.push_str("auth off\n"),
    }
    o.push_str(&format!("from {}\n", arg("sender address", &c.s.from)?));
    if let Some(name) = &c.s.ehlo_name {
        // msmtp's "domain" is the argument of its EHLO.
        o.push_str(&format!("domain {}\n", arg("EHLO name", name)?));
    }
    o.push_str("\naccount default : portolan\n");
    Ok(o)
}

/// Postfix as a relay client: `main.cf` lines and `/etc/postfix/sasl_passwd`.
pub(crate) fn postfix(c: &Ctx) -> Result<String, Unwritable> {
    let host = &c.s.host;
    // main.cf expands `$name`; lookup-table keys end at whitespace.
    if host.contains('$') || host.contains(',') || host.chars().any(char::is_whitespace) {
        return Err(Unwritable::new(
            "server name",
            "contains \"$\", \",\" or a space, which Postfix reads as syntax",
        ));
    }
    let relay = if host.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[ipv6:{host}]:{}", c.s.port)
    } else {
        format!("[{host}]:{}", c.s.port)
    };
    let mut o = format!("# {}\n", c.title());
    o.push_str("# 1. Add to /etc/postfix/main.cf:\n");
    o.push_str(&format!("relayhost = {relay}\n"));
    match c.s.security {
        Security::Tls => {
            // main.cf has no end-of-line comments: a "#" after a value is part of the value.
            o.push_str("# Encrypted from the start (port 465):\n");
            o.push_str("smtp_tls_wrappermode = yes\n");
            o.push_str("smtp_tls_security_level = encrypt\n");
        }
        Security::Starttls => {
            o.push_str("# Require the STARTTLS upgrade:\n");
            o.push_str("smtp_tls_security_level = encrypt\n");
        }
        Security::None => o.push_str("smtp_tls_security_level = may\n"),
    }
    if let Some(name) = &c.s.ehlo_name {
        // A checked EHLO name holds letters, digits and . - _ : [ ] only: nothing main.cf
        // reads as syntax.
        o.push_str("# The name given in the hello (EHLO) to the relay:\n");
        o.push_str(&format!("smtp_helo_name = {name}\n"));
    }
    let Some(user) = c.user() else {
        o.push_str("# This server is used without signing in: no sasl_passwd needed.\n");
        return Ok(o);
    };
    if user.contains(':') || user.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
        return Err(Unwritable::new(
            "user name",
            "contains \":\" or a space, which Postfix's sasl_passwd cannot hold",
        ));
    }
    let pw = c.password_or_placeholder();
    if pw.chars().any(|ch| ch == '\n' || ch == '\r') || pw.trim() != pw {
        return Err(Unwritable::new(
            "password",
            "contains a line break or starts or ends with a space, which Postfix's \
             sasl_passwd cannot hold",
        ));
    }
    o.push_str("smtp_sasl_auth_enable = yes\n");
    o.push_str("smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n");
    o.push_str("smtp_sasl_security_options = noanonymous\n");
    o.push_str("smtp_sasl_tls_security_options = noanonymous\n");
    o.push_str("\n# 2. Create /etc/postfix/sasl_passwd with this line");
    if c.password.is_none() {
        o.push_str(" (replace your-password-here with the password)");
    }
    o.push_str(":\n");
    o.push_str(&format!("{relay} {user}:{pw}\n"));
    o.push_str(
        "\n# 3. Then run:\n#   chmod 600 /etc/postfix/sasl_passwd\n#   postmap \
         /etc/postfix/sasl_passwd\n#   systemctl reload postfix\n",
    );
    Ok(o)
}

/// Thunderbird's autoconfig (clientConfig v1.1), outgoing server only; it never holds a
/// password.
pub(crate) fn thunderbird(c: &Ctx) -> Result<String, Unwritable> {
    let x = |field: &'static str, v: &str| xml_text(v).map_err(|r| Unwritable::new(field, r));
    let domain =
        c.s.from
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or(&c.s.host);
    let socket = match c.s.security {
        Security::Tls => "SSL",
        Security::Starttls => "STARTTLS",
        Security::None => "plain",
    };
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<clientConfig version=\"1.1\">\n");
    o.push_str(&format!(
        "  <emailProvider id=\"{}\">\n",
        x("sender address", domain)?
    ));
    o.push_str(&format!(
        "    <domain>{}</domain>\n",
        x("sender address", domain)?
    ));
    let display = c.name.unwrap_or(domain);
    o.push_str(&format!(
        "    <displayName>{}</displayName>\n",
        x("profile name", display)?
    ));
    o.push_str("    <outgoingServer type=\"smtp\">\n");
    o.push_str(&format!(
        "      <hostname>{}</hostname>\n",
        x("server name", &c.s.host)?
    ));
    o.push_str(&format!("      <port>{}</port>\n", c.s.port));
    o.push_str(&format!("      <socketType>{socket}</socketType>\n"));
    match c.user() {
        Some(u) => {
            o.push_str("      <authentication>password-cleartext</authentication>\n");
            o.push_str(&format!(
                "      <username>{}</username>\n",
                x("user name", u)?
            ));
        }
        None => o.push_str("      <authentication>none</authentication>\n"),
    }
    o.push_str("    </outgoingServer>\n  </emailProvider>\n</clientConfig>\n");
    Ok(o)
}
