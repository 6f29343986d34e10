//! Every form in which a password could leak, and a scanner that counts the outputs it read and
//! the forms it found. Computed here, independently of the engine's own redaction, so a gap in
//! the engine cannot hide itself.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Every leaked form of `secret` (signing in as `user`), each with a label saying what it is:
/// the password itself; AUTH PLAIN's base64 of `\0user\0pass` and of `user\0user\0pass`; AUTH
/// LOGIN's base64 of the password; the base64 of the password after 0, 1 and 2 other bytes,
/// cut to the characters that depend on the password alone (so the form is found inside any
/// longer base64 text); URL-encoded, form-encoded, JSON-escaped and Rust-`Debug` forms, and
/// the `Debug` of its bytes.
pub fn forms(user: &str, secret: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        ("password".into(), secret.to_owned()),
        (
            "AUTH PLAIN base64".into(),
            STANDARD.encode(format!("\0{user}\0{secret}")),
        ),
        (
            "AUTH PLAIN base64 with authzid".into(),
            STANDARD.encode(format!("{user}\0{user}\0{secret}")),
        ),
        ("AUTH LOGIN base64".into(), STANDARD.encode(secret)),
    ];
    for pad in 0..3usize {
        let mut bytes = vec![0u8; pad];
        bytes.extend_from_slice(secret.as_bytes());
        let enc = STANDARD.encode(&bytes);
        // A group of 4 characters encodes 3 bytes: with a prefix, the first group mixes it
        // with the password; the last group may mix with whatever follows.
        let start = if pad == 0 { 0 } else { 4 };
        let end = bytes.len() / 3 * 4;
        if end > start {
            out.push((
                format!("base64 after {pad} other bytes"),
                enc[start..end].to_owned(),
            ));
        }
    }
    out.push(("URL-encoded".into(), percent(secret, false, true)));
    out.push((
        "URL-encoded (lowercase hex)".into(),
        percent(secret, false, false),
    ));
    out.push(("form-encoded".into(), percent(secret, true, true)));
    let json = serde_json::to_string(secret).unwrap();
    out.push(("JSON-escaped".into(), json[1..json.len() - 1].to_owned()));
    let debug = format!("{secret:?}");
    out.push(("Debug-escaped".into(), debug[1..debug.len() - 1].to_owned()));
    let bytes = format!("{:?}", secret.as_bytes());
    out.push((
        "Debug of its bytes".into(),
        bytes[1..bytes.len() - 1].to_owned(),
    ));
    out.retain(|(_, f)| f.len() >= 4);
    let mut seen = std::collections::HashSet::new();
    out.retain(|(_, f)| seen.insert(f.clone()));
    out
}

/// Percent-encoding of everything but RFC 3986's unreserved characters; `form` writes a space
/// as `+` (application/x-www-form-urlencoded).
fn percent(s: &str, form: bool, upper: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' if form => out.push('+'),
            _ if upper => out.push_str(&format!("%{b:02X}")),
            _ => out.push_str(&format!("%{b:02x}")),
        }
    }
    out
}

/// Reads outputs and records every form of every secret found in them.
#[derive(Debug)]
pub struct Scan {
    forms: Vec<(String, String)>,
    /// How many outputs were read.
    pub outputs: usize,
    /// How many flows produced them.
    pub flows: usize,
    /// `what: form` for each form found.
    pub hits: Vec<String>,
}

impl Scan {
    /// A scanner for these `(user, password)` pairs.
    pub fn new(secrets: &[(&str, &str)]) -> Self {
        let mut forms = Vec::new();
        for (user, secret) in secrets {
            forms.extend(self::forms(user, secret));
        }
        Self {
            forms,
            outputs: 0,
            flows: 0,
            hits: Vec::new(),
        }
    }

    /// Counts one more flow.
    pub fn flow(&mut self) {
        self.flows += 1;
    }

    /// Reads one output, named `what` in the hits.
    pub fn text(&mut self, what: &str, text: &str) {
        self.outputs += 1;
        for (label, form) in &self.forms {
            if let Some(at) = text.find(form.as_str()) {
                // Show where, with the form itself masked, so the failure names the place.
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(40)
                    .map_or(0, |(i, _)| i);
                let context = format!("{}<{label}>", &text[from..at]);
                self.hits.push(format!("{what}: {label} in …{context:?}"));
            }
        }
    }

    /// Reads bytes (a file, a process's output) as text.
    pub fn bytes(&mut self, what: &str, bytes: &[u8]) {
        self.text(what, &String::from_utf8_lossy(bytes));
    }

    /// Adds another scanner's counts and hits.
    pub fn merge(&mut self, other: Scan) {
        self.outputs += other.outputs;
        self.flows += other.flows;
        self.hits.extend(other.hits);
    }

    /// Prints the counts and fails on any hit.
    pub fn finish(&self, name: &str) {
        println!(
            "leak scan {name}: {} outputs scanned, {} flows, {} forms searched, {} hits",
            self.outputs,
            self.flows,
            self.forms.len(),
            self.hits.len()
        );
        for h in &self.hits {
            println!("  HIT {h}");
        }
        assert!(
            self.hits.is_empty(),
            "{name}: a form of the password leaked:\n{}",
            self.hits.join("\n")
        );
    }
}
