//! The sentences the app's screens show around the engine's answers, about ports, security,
//! verdicts and exports: one place for every such sentence, so a screen writes none of its
//! own and translating Portolan is a change of this data. A `{name}` in a phrase is filled in
//! by the screen with the value it names.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::export::PASSWORD_PLACEHOLDER;
use crate::report::probe::ProbeCandidate;
use crate::settings::SmtpSettings;

/// The phrases, one field each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Phrases {
    /// The probe's heading while it runs; `{host}`.
    pub probe_running: String,
    /// The probe's heading once it is done; `{host}`.
    pub probe_done: String,
    /// What the probe does and does not send.
    pub probe_intro: String,
    /// Shown while other ports have not answered yet.
    pub probe_waiting: String,
    /// Said when one port has answered; `{port}`, `{summary}`.
    pub probe_port_answered: String,
    /// Under the password field: when the password is sent.
    pub password_help: String,
    /// Under the password field of an opened profile whose password is in the keychain.
    pub password_saved_help: String,
    /// The probe's table caption; `{host}`.
    pub probe_caption: String,
    /// Said while a check runs (the check's heading meanwhile).
    pub checking: String,
    /// The check's heading once it is done.
    pub check_done: String,
    /// Said when a fix changed the settings and the check runs again; `{fix}`.
    pub fix_applied: String,
    /// Below a good verdict when the settings changed since the check.
    pub check_stale: String,
    /// Beside "Copy a report for support": what the report holds.
    pub report_holds: String,
    /// Said when the support report is on the clipboard.
    pub report_copied: String,
    /// Under the EHLO name field: what it is for and when to leave it empty.
    pub ehlo_help: String,
    /// Said when a fix's page was handed to the browser; `{link}`.
    pub page_opened: String,
    /// Said when a fix's prepared text is on the clipboard; `{fix}` (the fix's label).
    pub text_copied: String,
    /// The export step's introduction.
    pub export_intro: String,
    /// Why no password can be included: the settings do not sign in.
    pub export_no_signin: String,
    /// Why no password can be included: none is known in the window or the keychain.
    pub export_no_password: String,
    /// That the password is left out unless asked for.
    pub export_password_left_out: String,
    /// The warning shown while "include the password" is ticked.
    pub export_password_warning: String,
    /// The heading of what to do when no port works.
    pub probe_next: String,
    /// The question asked before a certificate is trusted.
    pub trust_question: String,
    /// What trusting a certificate means; `{host}`, `{port}`.
    pub trust_explain: String,
    /// The button that trusts the certificate, in the confirmation.
    pub trust_confirm: String,
    /// The button that leaves the certificate untrusted, in the confirmation.
    pub trust_cancel: String,
    /// Before a verdict's fixes, as a list.
    pub fixes_heading: String,
    /// Before the conversation with the server.
    pub transcript_heading: String,
    /// The server accepted the test email; `{to}`, `{reply}`.
    pub accepted_for: String,
    /// Beside the test email's code (the one in its subject).
    pub sent_code: String,
    /// Beside the test email's Message-ID.
    pub sent_message_id: String,
    /// What the code and the Message-ID are for.
    pub sent_ids_help: String,
    /// The fold with the SPF and DMARC records the delivery help read.
    pub delivery_records: String,
}

pub use crate::report::date_for_people;

/// What a check is about to do, as the command line says it before the steps.
pub fn check_intro(s: &SmtpSettings, with_password: bool) -> String {
    format!(
        "Checking {} port {} ({}){}…",
        s.host,
        s.port,
        s.security.label(),
        match (&s.username, with_password) {
            (Some(u), true) => format!(", signing in as {u}"),
            (Some(_), false) => ", without a password (sign-in not tested)".to_owned(),
            _ => String::new(),
        }
    )
}

/// What sending the test email is about to do; `to` defaults to the sender.
pub fn send_intro(s: &SmtpSettings, to: Option<&str>) -> String {
    format!(
        "Sending a test email (\"{} …\") to {} through {} port {} ({})…",
        crate::send::SUBJECT,
        to.unwrap_or(&s.from),
        s.host,
        s.port,
        s.security.label()
    )
}

/// What a probe is about to do.
pub fn probe_intro(host: &str, ports: usize) -> String {
    format!("Trying {host} on {ports} ports…")
}

/// The line said once the probe's recommendation is certain.
pub fn probe_recommended(candidate: ProbeCandidate, after_ms: u32) -> String {
    format!(
        "Recommended after {after_ms} ms: port {} ({})",
        candidate.port,
        candidate.security.label()
    )
}

/// Why a port given as text is refused.
pub fn bad_port(given: &str) -> String {
    format!(
        "the port must be a whole number from 1 to 65535, not \"{}\". Use 587 (or 465 with \
         --security tls) unless your provider says otherwise",
        given.escape_debug()
    )
}

/// Why a `PORT:SECURITY` pair given as text is refused.
pub fn bad_port_security(given: &str) -> String {
    format!("\"{given}\" should look like 587:starttls")
}

/// The phrases, in English.
pub fn phrases() -> Phrases {
    let s = str::to_owned;
    Phrases {
        probe_running: s("Trying the usual ports on {host}…"),
        probe_done: s("Ports on {host}"),
        probe_intro: s("No password is sent: Portolan only says hello to each port and leaves."),
        probe_waiting: s("Waiting for the other ports…"),
        probe_port_answered: s("Port {port}: {summary}"),
        password_help: s(
            "The password is only sent once the connection is encrypted, and is never written \
             to a file.",
        ),
        password_saved_help: s(
            "Leave it empty to use the password saved in your keychain, or type a new one.",
        ),
        probe_caption: s("What each port of {host} does"),
        checking: s("Checking the connection…"),
        check_done: s("What the check found"),
        fix_applied: s("Applied: {fix}. Checking again."),
        check_stale: s("You changed the settings since this check. Check them again to go on."),
        report_holds: s("Steps, verdict, certificate and conversation, without your password."),
        report_copied: s(
            "Copied the report for support to the clipboard. It has no password in it.",
        ),
        ehlo_help: s(
            "The name this computer gives when it greets the server. Leave it empty unless the \
             server refuses the greeting; then give a full name such as laptop.example.com.",
        ),
        page_opened: s("Opened {link} in your web browser."),
        text_copied: s("Done: {fix}. It is on the clipboard; paste it into an email."),
        export_intro: s(
            "Choose where you will paste them. Portolan writes them in that program's own \
             format.",
        ),
        export_no_signin: s("These settings do not sign in, so there is no password."),
        export_no_password: s(
            "No password is known here: save the profile with its password, or type it in the \
             settings.",
        ),
        export_password_left_out: format!(
            "Left out unless you tick this; the preview always shows “{PASSWORD_PLACEHOLDER}” \
             instead."
        ),
        export_password_warning: s(
            "The password will be in the clipboard as plain text, where other programs can \
             read it. Paste it only where it is needed, and only for this one copy: Portolan \
             clears it from the clipboard after 30 seconds.",
        ),
        probe_next: s("What you can do next"),
        trust_question: s("Trust this certificate?"),
        trust_explain: s(
            "Portolan cannot confirm who runs this server: its certificate does not come from \
             an authority this computer trusts. Trusting it means accepting this one \
             certificate, for {host} port {port} only. Do it only if its fingerprint is the \
             one your provider or IT department gives you: if it is not, someone may be \
             reading your mail on the way. The exception stays with these settings on this \
             computer; the settings you copy into other apps do not carry it.",
        ),
        trust_confirm: s("Yes, trust this certificate"),
        trust_cancel: s("No, keep it untrusted"),
        fixes_heading: s("What you can do:"),
        transcript_heading: s("Conversation with the server (passwords removed):"),
        accepted_for: s("Accepted for {to}: {reply}"),
        sent_code: s("Code in the subject"),
        sent_message_id: s("Message-ID"),
        sent_ids_help: s(
            "Search your mailbox for the code; a mail administrator can trace the email by \
             its Message-ID.",
        ),
        delivery_records: s("The DNS records Portolan read"),
    }
}

/// The command line's help texts about ports and security (`portolan --help` and the options'
/// help), so the CLI writes none of its own. Like clap's own, they end without a full stop.
pub mod cli_help {
    /// `portolan ports`.
    pub const PORTS_COMMAND: &str =
        "Explain which SMTP port to use (465, 587, 2525, 25) in plain words";
    /// `portolan check`.
    pub const CHECK_COMMAND: &str =
        "Check one server configuration step by step (connect, encryption, sign-in)";
    /// `--port`.
    pub const PORT: &str =
        "The port (465, 587, 2525, 25, …); defaults to 465 for tls, 587 otherwise";
    /// `--security`.
    pub const SECURITY: &str = "How the connection is protected: tls (encrypted from the \
         start), starttls (upgrade with STARTTLS) or none";
    /// `--allow-plaintext-auth`.
    pub const ALLOW_PLAINTEXT_AUTH: &str =
        "Allow sending the password over an unencrypted connection (unsafe)";
    /// `probe --port`.
    pub const PROBE_PORT: &str = "A port to try, as PORT:SECURITY (e.g. 587:starttls); repeat \
         for several. Default: 465:tls 587:starttls 2525:starttls 25:starttls, best first";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// The source files of a face (the app's `ui/src`, the CLI's `src`), without generated
    /// bindings and tests.
    pub(super) fn face_sources(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "test" && name != "node_modules" {
                    face_sources(&path, out);
                }
            } else if (name.ends_with(".svelte") || name.ends_with(".ts") || name.ends_with(".rs"))
                && !name.ends_with(".test.ts")
                && name != "bindings.ts"
            {
                out.push(path);
            }
        }
    }

    /// `text` without its comments (`<!-- -->`, `/* */`, `//` to the end of the line).
    pub(super) fn without_comments(text: &str) -> String {
        const KINDS: [(&str, &str); 3] = [("<!--", "-->"), ("/*", "*/"), ("//", "\n")];
        let mut out = String::new();
        let mut rest = text;
        loop {
            let first = KINDS
                .iter()
                .filter_map(|&(open, close)| rest.find(open).map(|i| (i, close)))
                .min_by_key(|&(i, _)| i);
            let Some((i, close)) = first else {
                out.push_str(rest);
                return out;
            };
            out.push_str(&rest[..i]);
            out.push(' ');
            rest = rest[i..]
                .find(close)
                .map_or("", |end| &rest[i + end + close.len()..]);
        }
    }

    #[test]
    fn the_app_writes_no_sentence_of_its_own_about_ports_security_verdicts_or_formats() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src");
        let mut files = vec![];
        face_sources(&root, &mut files);
        assert!(
            files.len() > 10,
            "the app's sources are not at {}",
            root.display()
        );
        // What the engine says, cut where a screen fills a value in: none of it is retyped.
        let mut said: Vec<String> = vec![];
        let json = serde_json::to_value(phrases()).unwrap();
        for v in json.as_object().unwrap().values() {
            let text = v.as_str().unwrap();
            said.extend(text.split(['{', '}']).map(str::to_owned));
        }
        for s in crate::ports::Security::ALL {
            said.push(s.help().to_owned());
        }
        said.retain(|s| s.split_whitespace().count() >= 3);
        // Words only the engine uses in a sentence.
        let engine_words = ["starttls", "encrypt", "certificate"];
        for file in &files {
            let code = without_comments(&std::fs::read_to_string(file).unwrap());
            let lower = code.to_lowercase();
            for s in &said {
                assert!(
                    !code.contains(s.trim()),
                    "{} writes the engine's words “{}”: use say() and words.rs",
                    file.display(),
                    s.trim()
                );
            }
            for w in engine_words {
                // As a word, not inside an identifier such as `trust_certificate`.
                let as_word = lower.match_indices(w).any(|(i, _)| {
                    let before = lower[..i].chars().next_back();
                    let after = lower[i + w.len()..].chars().next();
                    before != Some('_') && after != Some('_')
                });
                assert!(
                    !as_word,
                    "{} writes “{w}” itself: the sentence belongs in the core (words.rs)",
                    file.display()
                );
            }
        }
    }

    #[test]
    fn dates_are_written_for_people() {
        assert_eq!(date_for_people("2027-12-04T13:48:25Z"), "4 December 2027");
        assert_eq!(date_for_people("2000-02-29T00:00:00Z"), "29 February 2000");
        assert_eq!(date_for_people("not a date"), "not a date");
    }

    #[test]
    fn every_phrase_is_a_sentence_and_names_only_known_placeholders() {
        let json = serde_json::to_value(phrases()).unwrap();
        for (name, v) in json.as_object().unwrap() {
            let text = v.as_str().unwrap();
            assert!(!text.trim().is_empty(), "{name} is empty");
            let mut rest = text;
            while let Some(i) = rest.find('{') {
                let end = rest[i..].find('}').map(|j| i + j).unwrap();
                let key = &rest[i + 1..end];
                assert!(
                    ["host", "port", "summary", "fix", "link", "to", "reply"].contains(&key),
                    "{name} names {{{key}}}"
                );
                rest = &rest[end + 1..];
            }
        }
    }
}

#[cfg(test)]
mod cli_tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_command_line_writes_none_of_the_engine_sentences() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cli/src");
        let mut files = vec![];
        super::tests::face_sources(&root, &mut files);
        assert!(
            files.len() > 5,
            "the CLI's sources are not at {}",
            root.display()
        );
        let json = serde_json::to_value(phrases()).unwrap();
        let mut said: Vec<String> = json
            .as_object()
            .unwrap()
            .values()
            .flat_map(|v| {
                v.as_str()
                    .unwrap()
                    .split(['{', '}'])
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        // The lines the CLI prints around a check and a probe, cut where a value goes.
        let settings = SmtpSettings {
            host: "H".into(),
            port: 1,
            security: crate::ports::Security::None,
            username: Some("U".into()),
            from: "F".into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        };
        for text in [
            check_intro(&settings, false),
            send_intro(&settings, None),
            probe_intro("H", 1),
            bad_port("P"),
            bad_port_security("P"),
        ] {
            said.extend(
                text.split(['H', 'F', 'P', '1', '(', ')', ',', '"', '…'])
                    .map(str::to_owned),
            );
        }
        said.retain(|s| s.split_whitespace().count() >= 3);
        for file in &files {
            let code = super::tests::without_comments(&std::fs::read_to_string(file).unwrap());
            for s in &said {
                assert!(
                    !code.contains(s.trim()),
                    "{} writes the engine's words “{}”: print words.rs's instead",
                    file.display(),
                    s.trim()
                );
            }
        }
    }
}
