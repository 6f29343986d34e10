//! The port guide of DESIGN.md §4 as data: the same words in the app, the CLI and diagnoses.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a connection is protected, named by behaviour rather than "SSL"/"TLS".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Encrypted from the first byte (implicit TLS, RFC 8314), usually port 465.
    Tls,
    /// Starts in plain text, then upgrades with STARTTLS before anything private is sent.
    Starttls,
    /// No encryption at all.
    None,
}

impl Security {
    /// The behaviour-based name users see.
    pub fn label(self) -> &'static str {
        match self {
            Security::Tls => "Encrypted from the start",
            Security::Starttls => "Upgrade with STARTTLS",
            Security::None => "No encryption",
        }
    }

    /// One sentence: what this choice does and when it is right, shown beside the label.
    pub fn help(self) -> &'static str {
        match self {
            Security::Tls => "Usually port 465. Everything is encrypted from the first byte.",
            Security::Starttls => {
                "Usually port 587. Starts plain, then encrypts before your password is sent."
            }
            Security::None => {
                "Only for a relay inside your own network. Portolan will not send a password \
                 this way."
            }
        }
    }

    /// The port to use with this security when none is given: 465 for encryption from the
    /// start, 587 (submission) otherwise.
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 465,
            Security::Starttls | Security::None => 587,
        }
    }

    /// This option as the settings form offers it.
    pub fn option(self) -> SecurityOption {
        SecurityOption {
            security: self,
            label: self.label().to_owned(),
            help: self.help().to_owned(),
            default_port: self.default_port(),
        }
    }

    /// The short name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        }
    }

    /// Every option, in the order the guide lists them.
    pub const ALL: [Security; 3] = [Security::Tls, Security::Starttls, Security::None];
}

impl std::fmt::Display for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Security {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tls" | "implicit" | "implicit-tls" | "ssl" => Ok(Security::Tls),
            "starttls" | "start-tls" => Ok(Security::Starttls),
            "none" | "plain" => Ok(Security::None),
            _ => Err(format!(
                "\"{s}\" is not a security option. Use \"tls\" (encrypted from the start), \
                 \"starttls\" (upgrade with STARTTLS) or \"none\"."
            )),
        }
    }
}

/// One security choice as a form offers it: the value, its name, one sentence of help and
/// the port it usually goes with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecurityOption {
    /// The value.
    pub security: Security,
    /// The behaviour-based name, e.g. "Upgrade with STARTTLS".
    pub label: String,
    /// One sentence: what it does and when it is right.
    pub help: String,
    /// The port used with it when none is given.
    pub default_port: u16,
}

/// The security choices, in the order a form lists them.
pub fn security_options() -> Vec<SecurityOption> {
    Security::ALL.into_iter().map(Security::option).collect()
}

/// What one port is for, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PortInfo {
    /// The port number.
    pub port: u16,
    /// A few words naming its role, e.g. "Submission with STARTTLS".
    pub title: String,
    /// How the connection is protected on this port.
    pub security: Security,
    /// The behaviour-based name of `security`.
    pub security_label: String,
    /// One sentence: what happens on this port.
    pub summary: String,
    /// When this port is the right choice.
    pub use_when: String,
    /// What to watch out for.
    pub caveat: String,
    /// What common apps call this port's security (many say "SSL" for 465 and "TLS" for
    /// STARTTLS); empty when no app names it.
    pub app_names: String,
    /// Where the port comes from (the standard, or that there is none): a detail, shown
    /// folded away.
    pub standard: String,
    /// Whether Portolan recommends this port for apps and mail programs.
    pub recommended_for_apps: bool,
}

/// The whole guide: the ports, and the rule Portolan uses to choose between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PortGuide {
    /// The question the guide answers.
    pub heading: String,
    /// Two sentences that answer it.
    pub short_answer: String,
    /// The ports in the order people should try them.
    pub ports: Vec<PortInfo>,
    /// How Portolan picks when several ports work.
    pub how_portolan_chooses: String,
    /// The security choices a settings form offers, with their help.
    pub security_options: Vec<SecurityOption>,
}

/// The port guide of DESIGN.md §4.
pub fn guide() -> PortGuide {
    let info = |port: u16,
                title: &str,
                security: Security,
                summary: &str,
                use_when: &str,
                caveat: &str,
                standard: &str,
                recommended: bool| PortInfo {
        port,
        title: title.to_owned(),
        security,
        security_label: security.label().to_owned(),
        summary: summary.to_owned(),
        use_when: use_when.to_owned(),
        caveat: caveat.to_owned(),
        app_names: if port == 25 {
            String::new()
        } else {
            app_names(security).to_owned()
        },
        standard: standard.to_owned(),
        recommended_for_apps: recommended,
    };
    PortGuide {
        heading: "Which port should I use?".to_owned(),
        short_answer: "For an app, a website or a mail program, use 465 or 587: both encrypt \
                       the connection to your provider's server, so your password and your mail \
                       cannot be read on the way there. From there on, how the mail travels to \
                       the recipient is up to the providers. Portolan tries both and proposes \
                       the one that actually works from this computer."
            .to_owned(),
        ports: vec![
            info(
                465,
                "Submission, encrypted from the start",
                Security::Tls,
                "The connection is encrypted from the very first byte, before the server even \
                 says hello.",
                "Your provider lists 465, or the app offers \"SSL/TLS\". Recommended when it \
                 works: nothing is ever sent in the clear.",
                "Once called outdated; it was standardised again in 2018 (RFC 8314), which \
                 prefers it. Choosing \"STARTTLS\" on this port makes the connection hang.",
                "RFC 8314 (2018)",
                true,
            ),
            info(
                587,
                "Submission with STARTTLS",
                Security::Starttls,
                "The connection starts in plain text, then is upgraded to encryption before \
                 your password is sent.",
                "Your provider lists 587, or the app offers \"STARTTLS\". The standard port for \
                 apps and mail programs sending through their provider.",
                "Portolan refuses to send your password if the server does not offer the \
                 upgrade. Choosing \"SSL/TLS\" on this port makes the connection fail at once.",
                "RFC 6409 (submission), RFC 3207 (STARTTLS)",
                true,
            ),
            info(
                2525,
                "Unofficial alternative to 587",
                Security::Starttls,
                "Works like 587 (plain start, then STARTTLS) on a different number.",
                "Your network blocks 587 and your sending service (SendGrid, Mailgun, Mailtrap, \
                 and others) offers 2525.",
                "Not an official port: many ordinary mail providers do not listen on it.",
                "No standard; a convention of sending services",
                false,
            ),
            info(
                25,
                "Server-to-server relay",
                Security::Starttls,
                "The port mail servers use to pass mail to each other. Encryption is optional \
                 and sign-in is usually not offered.",
                "Only for a relay that expects you there, such as a company mail server inside \
                 its own network.",
                "Often blocked by home internet providers and cloud hosts to stop spam. If an \
                 app only works on 25, ask for 587 or 465 instead.",
                "RFC 5321 (SMTP)",
                false,
            ),
        ],
        how_portolan_chooses: "Portolan recommends the port that really answers from this \
                               computer. When both 465 and 587 work it proposes 465, because the \
                               connection is encrypted from the first byte, unless your provider \
                               documents only 587."
            .to_owned(),
        security_options: security_options(),
    }
}

/// What common PHP apps call `security`: "SSL" for encryption from the start and "TLS" for
/// STARTTLS (WP Mail SMTP, PHPMailer, FluentSMTP, Laravel before version 11).
pub fn app_names(security: Security) -> &'static str {
    match security {
        Security::Tls => {
            "WP Mail SMTP and FluentSMTP call this \"SSL\"; PHPMailer calls it \"ssl\" \
             (SMTPSecure); Laravel before version 11 calls it MAIL_ENCRYPTION=ssl."
        }
        Security::Starttls => {
            "WP Mail SMTP and FluentSMTP call this \"TLS\", although the connection starts \
             unencrypted; PHPMailer calls it \"tls\" (SMTPSecure); Laravel before version 11 \
             calls it MAIL_ENCRYPTION=tls."
        }
        Security::None => {
            "WP Mail SMTP and FluentSMTP call this \"None\"; PHPMailer leaves SMTPSecure empty."
        }
    }
}

/// The guide entry for `port`, if the guide describes it.
pub fn info_for(port: u16) -> Option<PortInfo> {
    guide().ports.into_iter().find(|p| p.port == port)
}

/// The security a port usually expects: implicit TLS on 465, STARTTLS elsewhere.
pub fn usual_security(port: u16) -> Security {
    if port == Security::Tls.default_port() {
        Security::Tls
    } else {
        Security::Starttls
    }
}

/// The guide as plain text for a terminal, wrapped at `width` columns.
pub fn render_text(guide: &PortGuide, width: usize) -> String {
    let mut out = String::new();
    out.push_str(&guide.heading);
    out.push('\n');
    out.push_str(&"=".repeat(guide.heading.chars().count()));
    out.push_str("\n\n");
    out.push_str(&wrap(&guide.short_answer, width, ""));
    out.push('\n');
    for p in &guide.ports {
        let mark = if p.recommended_for_apps {
            "  (recommended for apps)"
        } else {
            ""
        };
        out.push_str(&format!("\nPort {} — {}{}\n", p.port, p.title, mark));
        out.push_str(&format!("  Security: {}\n", p.security_label));
        out.push_str(&wrap(&p.summary, width, "  "));
        out.push_str(&wrap(&format!("Use it when: {}", p.use_when), width, "  "));
        out.push_str(&wrap(&format!("Watch out: {}", p.caveat), width, "  "));
        if !p.app_names.is_empty() {
            out.push_str(&wrap(&format!("In apps: {}", p.app_names), width, "  "));
        }
        out.push_str(&wrap(
            &format!("Details: standard {}", p.standard),
            width,
            "  ",
        ));
    }
    out.push('\n');
    out.push_str(&wrap(&guide.how_portolan_chooses, width, ""));
    out
}

/// Greedy word wrap; every output line ends with a newline.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_lists_the_four_ports_in_recommended_order() {
        let ports: Vec<u16> = guide().ports.iter().map(|p| p.port).collect();
        assert_eq!(ports, vec![465, 587, 2525, 25]);
    }

    #[test]
    fn security_is_named_by_behaviour_never_ssl() {
        let g = guide();
        for p in &g.ports {
            assert_eq!(p.security_label, p.security.label());
            assert!(!p.security_label.contains("SSL"));
        }
        assert_eq!(Security::Starttls.label(), "Upgrade with STARTTLS");
    }

    #[test]
    fn only_465_and_587_are_recommended_for_apps() {
        let rec: Vec<u16> = guide()
            .ports
            .iter()
            .filter(|p| p.recommended_for_apps)
            .map(|p| p.port)
            .collect();
        assert_eq!(rec, vec![465, 587]);
    }

    #[test]
    fn security_parses_cli_words_and_rejects_others_with_advice() {
        assert_eq!("TLS".parse::<Security>(), Ok(Security::Tls));
        assert_eq!("starttls".parse::<Security>(), Ok(Security::Starttls));
        assert_eq!("none".parse::<Security>(), Ok(Security::None));
        let err = "maybe".parse::<Security>().unwrap_err();
        assert!(err.contains("starttls"), "{err}");
    }

    #[test]
    fn text_rendering_wraps_and_keeps_every_fact() {
        let g = guide();
        let text = render_text(&g, 72);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 72 || !line.contains(' '),
                "too long: {line}"
            );
        }
        for p in &g.ports {
            assert!(text.contains(&format!("Port {} — {}", p.port, p.title)));
        }
        assert!(text.contains("RFC 8314"));
        assert!(text.contains("In apps: WP Mail SMTP"));
    }

    #[test]
    fn the_guide_says_which_hop_is_encrypted_and_what_apps_call_each_mode() {
        let g = guide();
        assert!(!g
            .short_answer
            .contains("encrypt your password and your mail"));
        assert!(g
            .short_answer
            .contains("connection to your provider's server"));
        let p465 = info_for(465).unwrap();
        let p587 = info_for(587).unwrap();
        for app in ["WP Mail SMTP", "PHPMailer", "FluentSMTP", "Laravel"] {
            assert!(
                p465.app_names.contains(app) && p587.app_names.contains(app),
                "{app}"
            );
        }
        assert!(p465.app_names.contains("\"SSL\""));
        assert!(p587.app_names.contains("\"TLS\""));
        assert!(info_for(25).unwrap().app_names.is_empty());
    }

    #[test]
    fn each_security_option_has_a_label_help_and_its_usual_port() {
        let opts = security_options();
        assert_eq!(
            opts.iter().map(|o| o.security).collect::<Vec<_>>(),
            Security::ALL
        );
        for o in &opts {
            assert_eq!(o.label, o.security.label());
            assert!(!o.help.is_empty() && !o.help.contains("SSL"), "{}", o.help);
            assert_eq!(
                usual_security(o.default_port) == Security::Tls,
                o.security == Security::Tls
            );
        }
        assert_eq!(Security::Tls.default_port(), 465);
        assert_eq!(Security::Starttls.default_port(), 587);
        assert_eq!(guide().security_options, opts);
    }

    #[test]
    fn usual_security_is_tls_only_on_465() {
        assert_eq!(usual_security(465), Security::Tls);
        assert_eq!(usual_security(587), Security::Starttls);
        assert_eq!(info_for(2525).map(|p| p.security), Some(Security::Starttls));
        assert!(info_for(8025).is_none());
    }
}
