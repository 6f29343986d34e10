//! The invariants behind the fuzz targets (`fuzz/`) and their seed corpora
//! (`tests/fuzz_corpus.rs`): each function takes any bytes, runs one parser or validator of the
//! engine on them and panics when a promise of that code is broken. Not part of the API.
//!
//! Inputs are read the way the seeds are written, so a seed stays readable:
//! - [`smtp_reply`]: the bytes a server sends; the first byte also picks the chunk size they
//!   arrive in.
//! - [`redactor`]: line 1 the user, line 2 the password, then one dialogue line per line:
//!   `S: ` server, `C: ` client, `N: ` note, `R` a new command after a failed exchange.
//!   `{PLAIN}`, `{SECRET64}`, `{USER64}` and `{SECRET}` stand for the credentials as the
//!   engine sends them (a server line may quote them back).
//! - [`autoconfig`]: a clientConfig XML document.
//! - [`import`]: the text pasted into "Import a Portolan file".
//! - [`settings`]: the fields of `SmtpSettings` separated by `0xff` bytes (never in UTF-8):
//!   host, port, security, user name (`0xfe` alone for none), from, plaintext flag, and the
//!   certificate exception's host, port and fingerprint (absent when these are missing).

// The job of this module is to panic, loudly, when an invariant does not hold. Messages name
// lengths and positions, never a password.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::discover::{address, autoconfig as ac};
use crate::export::{self, ExportError, ExportInput, FormatId};
use crate::ports::Security;
use crate::profiles::MAX_NAME_LEN;
use crate::secrets::MAX_PASSWORD_LEN;
use crate::sensitive::Sensitive;
use crate::settings::{self, CertException, SmtpSettings, MAX_FIELD_LEN, MAX_HOST_LEN};
use crate::smtp::conn::{
    take_line, PartialReply, SmtpError, MAX_LINE, MAX_REPLY_BYTES, MAX_REPLY_LINES, SHOWN_BYTES,
};
use crate::smtp::reply::{parse_line, EnhancedCode, Reply};
use crate::transcript::{self, Transcript, REDACTED};

/// The longest transcript line: 512 shown characters, one escape that began at the limit
/// (`\xNN`), and the `…` that marks the cut.
const MAX_TRANSCRIPT_TEXT: usize = 512 + 3 + '…'.len_utf8();

// ---------------------------------------------------------------------------------------------
// SMTP replies

/// Every reply in `data` as the connection reads them, up to the first error (a connection
/// closed mid-line included), with the data arriving `chunk` bytes at a time.
pub fn read_replies(data: &[u8], chunk: usize) -> Vec<Result<Reply, SmtpError>> {
    let chunk = chunk.max(1);
    let mut pending = data.chunks(chunk);
    let mut buf: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    let mut partial = PartialReply::default();
    let mut searched = 0;
    loop {
        match take_line(&mut buf, &mut searched) {
            Err(e) => {
                out.push(Err(e));
                return out;
            }
            Ok(Some(raw)) => match partial.push(&raw) {
                Err(e) => {
                    out.push(Err(e));
                    return out;
                }
                Ok((text, done)) => {
                    assert_eq!(
                        text.as_bytes(),
                        &raw[..],
                        "recorded text is the line as read"
                    );
                    if let Some(reply) = done {
                        out.push(Ok(reply));
                        partial = PartialReply::default();
                    }
                }
            },
            Ok(None) => match pending.next() {
                Some(c) => buf.extend_from_slice(c),
                None => {
                    out.push(Err(SmtpError::Closed {
                        partial: std::mem::take(&mut buf),
                    }));
                    return out;
                }
            },
        }
    }
}

/// Server bytes: replies are bounded and well-formed, errors keep only a short excerpt, and
/// the result does not depend on how the bytes were split into packets.
pub fn smtp_reply(data: &[u8]) {
    let whole = read_replies(data, data.len());
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0)) * 37;
    let chunked = read_replies(data, chunk);
    assert_eq!(whole, chunked, "the result depends on packet boundaries");
    let mut consumed_at_least = 0usize;
    for r in &whole {
        match r {
            Ok(reply) => {
                check_reply(reply);
                consumed_at_least += 4 * reply.lines.len();
            }
            Err(SmtpError::Malformed { first } | SmtpError::LineTooLong { first }) => {
                assert!(
                    first.len() <= SHOWN_BYTES,
                    "an error keeps {} bytes",
                    first.len()
                );
            }
            Err(SmtpError::Closed { partial }) => {
                assert!(
                    partial.len() <= MAX_LINE + 1,
                    "{} unread bytes kept",
                    partial.len()
                );
                assert!(!partial.contains(&b'\n'), "a complete line was left unread");
            }
            Err(SmtpError::ReplyTooLarge) => {}
            Err(e) => panic!("reading from memory cannot fail with {e:?}"),
        }
    }
    assert!(consumed_at_least <= data.len(), "replies read from nowhere");
    assert!(
        whole.last().is_some_and(Result::is_err),
        "reading ends with an error"
    );
    for line in data.split(|&b| b == b'\n') {
        if let Ok(text) = std::str::from_utf8(line) {
            check_parse_line(text.strip_suffix('\r').unwrap_or(text));
        }
    }
}

fn check_reply(reply: &Reply) {
    assert!(
        (200..=599).contains(&reply.code),
        "reply code {} is out of range",
        reply.code
    );
    assert!(!reply.lines.is_empty(), "a reply without a line");
    assert!(
        reply.lines.len() <= MAX_REPLY_LINES,
        "{} lines",
        reply.lines.len()
    );
    let bytes: usize = reply.lines.iter().map(|l| l.len() + 6).sum();
    assert!(bytes <= MAX_REPLY_BYTES, "a reply of {bytes} bytes");
    for l in &reply.lines {
        assert!(l.len() <= MAX_LINE, "a line of {} bytes", l.len());
        assert!(!l.contains('\n'), "a line holds a line feed");
    }
    let kinds = [
        reply.is_positive(),
        reply.is_intermediate(),
        reply.is_transient(),
        reply.is_permanent(),
    ];
    assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{}", reply.code);
    assert!(reply.one_line().starts_with(&reply.code.to_string()));
    assert_eq!(
        reply.enhanced,
        EnhancedCode::parse(&reply.lines[0], reply.code),
        "the enhanced code comes from the first line"
    );
    if let Some(e) = reply.enhanced {
        assert_eq!(u16::from(e.class), reply.code / 100, "class of {e}");
        assert!(e.subject < 1000 && e.detail < 1000, "{e}");
        assert_eq!(EnhancedCode::parse(&e.to_string(), reply.code), Some(e));
    }
}

fn check_parse_line(text: &str) {
    let Some((code, last, rest)) = parse_line(text) else {
        return;
    };
    assert!((200..=599).contains(&code), "code {code}");
    let rebuilt = match (last, rest.is_empty() && text.len() == 3) {
        (true, true) => code.to_string(),
        (true, false) => format!("{code} {rest}"),
        (false, _) => format!("{code}-{rest}"),
    };
    assert_eq!(rebuilt, text, "the line is code, separator and text");
}

// ---------------------------------------------------------------------------------------------
// Transcript and scrub

/// A dialogue with credentials: what the engine sends for them is never recorded, every line
/// is printable and bounded, and `scrub` leaves no form of the password.
pub fn redactor(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let user = lines.next().unwrap_or_default();
    let secret = lines.next().unwrap_or_default();
    let plain = STANDARD.encode(format!("\0{user}\0{secret}"));
    let secret64 = STANDARD.encode(secret);
    let user64 = STANDARD.encode(user);
    let expand = |l: &str| {
        l.replace("{PLAIN}", &plain)
            .replace("{SECRET64}", &secret64)
            .replace("{USER64}", &user64)
            .replace("{SECRET}", secret)
    };

    let mut t = Transcript::new();
    let mut awaiting = false;
    for (i, line) in lines.take(64).enumerate() {
        if let Some(rest) = line.strip_prefix("S: ") {
            // As the check records it: a server may quote the credential back, so every form
            // of the password is removed before the line is recorded.
            let rest = expand(rest);
            let scrubbed = transcript::scrub(&rest, user, secret);
            let rec = t.server(&scrubbed, 0);
            assert_eq!(
                rec.text,
                transcript::printable(&scrubbed, 512),
                "server line {i}"
            );
            check_scrub(&rest, user, secret);
            if plain_text(&rest) && plain_text(secret) && !secret.contains(['<', '>']) {
                // No form holds `<` or `>`, so none can span a mark and its neighbour.
                for form in transcript::secret_forms(user, secret) {
                    for piece in rec.text.split(REDACTED) {
                        assert!(!piece.contains(&form), "server line {i} shows a credential");
                    }
                }
            }
            if scrubbed.starts_with("334") {
                awaiting = true;
            }
        } else if let Some(rest) = line.strip_prefix("N: ") {
            let rec = t.note(&expand(rest), 0);
            check_printable(&rec.text);
        } else if line == "R" {
            t.reset_secret_state();
            awaiting = false;
        } else {
            let sent = expand(line.strip_prefix("C: ").unwrap_or(line));
            let rec = t.client(&sent, 0);
            let expected = if awaiting {
                REDACTED.to_owned()
            } else {
                auth_shown(&sent).unwrap_or_else(|| transcript::printable(&sent, 512))
            };
            assert_eq!(rec.text, expected, "client line {i}");
            // What is recorded for a credential does not depend on it: the same line with
            // another password is recorded the same way. (Checking for the password's forms
            // would fail for a password such as "PLAIN <redacted", which the record holds.)
            if awaiting || sent == format!("AUTH PLAIN {plain}") {
                let other = format!("{secret}\u{1}other");
                let plain2 = STANDARD.encode(format!("\0{user}\0{other}"));
                let sent2 = line
                    .strip_prefix("C: ")
                    .unwrap_or(line)
                    .replace("{PLAIN}", &plain2)
                    .replace("{SECRET64}", &STANDARD.encode(&other))
                    .replace("{USER64}", &user64)
                    .replace("{SECRET}", &other);
                let mut t2 = Transcript::new();
                if awaiting {
                    t2.server("334 ", 0);
                }
                let rec2 = t2.client(&sent2, 0);
                assert_eq!(
                    rec.text, rec2.text,
                    "client line {i} depends on the credential"
                );
            }
            awaiting = false;
        }
    }
    for l in t.lines() {
        check_printable(&l.text);
    }

    let joined: String = t
        .lines()
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    check_scrub(&joined, user, secret);
    check_scrub(&expand(&text), user, secret);
    check_forms_complete(user, secret);
}

/// Printable ASCII without a backslash: text the transcript records as it is, so a form of the
/// password in the record can only come from the text itself.
fn plain_text(text: &str) -> bool {
    text.bytes()
        .all(|b| (0x20..=0x7e).contains(&b) && b != b'\\')
}

/// What the transcript shows for an `AUTH <mechanism> <argument>` line, if it is one.
fn auth_shown(line: &str) -> Option<String> {
    let mut words = line.splitn(3, ' ');
    let verb = words.next()?;
    if !verb.eq_ignore_ascii_case("AUTH") {
        return None;
    }
    let shown = match (words.next(), words.next()) {
        (Some(mech), Some(_)) => format!("{verb} {mech} {REDACTED}"),
        (Some(mech), None) => format!("{verb} {mech}"),
        _ => verb.to_owned(),
    };
    Some(transcript::printable(&shown, 512))
}

fn check_printable(text: &str) {
    assert!(
        text.len() <= MAX_TRANSCRIPT_TEXT,
        "a line of {} bytes",
        text.len()
    );
    let body = text.strip_suffix('…').unwrap_or(text);
    assert!(
        body.bytes().all(|b| (0x20..=0x7e).contains(&b)),
        "a transcript line holds a control or non-ASCII character"
    );
}

/// `scrub` leaves no form of the password outside the `<redacted>` marks it puts in, and
/// changes nothing when there is nothing to hide.
fn check_scrub(text: &str, user: &str, secret: &str) {
    let forms = transcript::secret_forms(user, secret);
    let out = transcript::scrub(text, user, secret);
    for piece in out.split(REDACTED) {
        for (n, form) in forms.iter().enumerate() {
            assert!(!piece.contains(form.as_str()), "form {n} survived scrub");
        }
    }
    if !forms.iter().any(|f| text.contains(f.as_str())) {
        assert_eq!(out, text, "scrub changed a text without a credential");
    }
}

/// The forms cover the password's base64 at every alignment, whatever surrounds it.
fn check_forms_complete(user: &str, secret: &str) {
    if secret.len() < 5 {
        return;
    }
    let forms = transcript::secret_forms(user, secret);
    assert!(forms.iter().all(|f| f.len() >= 4), "a form shorter than 4");
    for pad in 0..3 {
        let mut buf: Vec<u8> = user.bytes().chain([0u8; 3]).take(pad).collect();
        buf.extend_from_slice(secret.as_bytes());
        buf.extend_from_slice(user.as_bytes());
        let enc = STANDARD.encode(&buf);
        assert!(
            forms.iter().any(|f| enc.contains(f.as_str())),
            "base64 after {pad} bytes is not covered"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Autoconfig

/// A clientConfig document: at most 8 servers, each usable as the host and port of settings,
/// read the same way twice.
pub fn autoconfig(data: &[u8]) {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    for typed in ["jo@example.com", "josé.ñ@bücher.example"] {
        let addr = address::parse(typed).expect("a valid test address");
        let first = ac::parse(xml, &addr);
        assert_eq!(first, ac::parse(xml, &addr), "parse is not deterministic");
        let config = match first {
            Ok(c) => c,
            Err(ac::FetchFailure::Malformed(why)) => {
                assert!(!why.is_empty(), "a refusal without a reason");
                continue;
            }
            Err(other) => panic!("parsing cannot fail with {other:?}"),
        };
        assert!(
            (1..=8).contains(&config.servers.len()),
            "{} servers",
            config.servers.len()
        );
        if let Some(url) = &config.help_url {
            assert!(url.starts_with("https://"), "a help link that is not https");
        }
        for s in &config.servers {
            assert_ne!(s.port, 0);
            assert_eq!(s.host, s.host.to_ascii_lowercase(), "host not lowercased");
            assert!(!s.host.ends_with('.'), "host keeps its final dot");
            assert!(
                s.host.is_ascii() && !s.host.chars().any(|c| c.is_control() || c == ' '),
                "host with a space, control or non-ASCII character"
            );
            assert!(
                settings::validate_host(&s.host).is_ok(),
                "a discovered host that settings refuse"
            );
            if let Some(u) = &s.username {
                assert!(!u.is_empty() && u.trim() == u, "user name not trimmed");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Import of Portolan JSON

/// Pasted text: an accepted profile is valid and survives export and import unchanged; a
/// refusal names each problem and does not depend on the password's value.
pub fn import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match export::import_json(text) {
        Ok(imported) => check_imported(&imported),
        Err(e) => {
            assert!(!e.problems.is_empty(), "a refusal without a problem");
            for p in &e.problems {
                assert!(!p.message.is_empty(), "a problem without words");
            }
        }
    }
    check_password_not_echoed(text);
}

fn check_imported(imported: &export::Imported) {
    let name = &imported.name;
    assert!(!name.is_empty() && name.trim() == name, "name not trimmed");
    assert!(name.chars().count() <= MAX_NAME_LEN, "name too long");
    assert!(
        !name.chars().any(char::is_control),
        "name with a control character"
    );
    assert!(
        imported.settings.validate().is_ok(),
        "imported settings do not validate"
    );
    check_valid_settings(&imported.settings);
    let password = imported.password.as_ref().map(|p| p.expose().clone());
    if let Some(p) = &password {
        assert!(
            !p.is_empty() && p.len() <= MAX_PASSWORD_LEN,
            "password of {} bytes",
            p.len()
        );
    }
    let input = ExportInput {
        name: Some(name.clone()),
        profile_id: None,
        settings: imported.settings.clone(),
        password: password.clone().map(Sensitive::new),
    };
    let json = export::export(FormatId::Json, &input, password.is_some())
        .unwrap_or_else(|e| panic!("an imported profile cannot be exported: {}", e.code()));
    let again = export::import_json(&json.text)
        .unwrap_or_else(|e| panic!("an exported profile is refused: {:?}", field_names(&e)));
    assert_eq!(&again.name, name, "name changed by export and import");
    assert_eq!(
        again.settings, imported.settings,
        "settings changed by export and import"
    );
    // Without a sign-in name there is no password to carry.
    let kept = password.filter(|_| imported.settings.username.is_some());
    assert!(
        again.password.as_ref().map(|p| p.expose()) == kept.as_ref(),
        "password changed by export and import"
    );
}

fn field_names(e: &export::ImportError) -> Vec<&str> {
    e.problems.iter().map(|p| p.field.as_str()).collect()
}

/// The outcome of importing `text` must not change when only the password's characters do:
/// a refusal never quotes the password.
fn check_password_not_echoed(text: &str) {
    let Ok(mut value) =
        serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
    else {
        return;
    };
    let Some(serde_json::Value::String(p)) = value.get("password").cloned() else {
        return;
    };
    let original = value.to_string();
    if let Some(obj) = value.as_object_mut() {
        let stand_in = "x".repeat(p.len());
        obj.insert("password".into(), serde_json::Value::String(stand_in));
    }
    let changed = value.to_string();
    if original.len().max(changed.len()) > export::MAX_IMPORT_LEN {
        return;
    }
    match (
        export::import_json(&original),
        export::import_json(&changed),
    ) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.name, b.name);
            assert_eq!(a.settings, b.settings);
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "a refusal depends on the password"),
        _ => panic!("whether a profile is accepted depends on its password's characters"),
    }
}

// ---------------------------------------------------------------------------------------------
// Settings

/// The `0xff`-separated fields as settings (see the module's documentation).
pub fn settings_from(data: &[u8]) -> SmtpSettings {
    let mut f = data.split(|&b| b == 0xff);
    let mut text = || String::from_utf8_lossy(f.next().unwrap_or_default()).into_owned();
    let port_of = |t: &str| t.trim().parse::<u16>().unwrap_or(t.len() as u16);
    let host = text();
    let port = port_of(&text());
    let security = match text().as_str() {
        "tls" => Security::Tls,
        "starttls" => Security::Starttls,
        _ => Security::None,
    };
    let user = text();
    let username = (user != "\u{fffd}").then_some(user);
    let from = text();
    let allow_plaintext_auth = text() == "true";
    let cert_host = text();
    let cert_port = text();
    let sha256 = text();
    let cert_exception = (!cert_host.is_empty() || !sha256.is_empty()).then(|| CertException {
        host: cert_host,
        port: port_of(&cert_port),
        sha256,
    });
    let ehlo_name = Some(text()).filter(|t| !t.is_empty());
    SmtpSettings {
        host,
        port,
        security,
        username,
        from,
        allow_plaintext_auth,
        cert_exception,
        ehlo_name,
    }
}

/// Settings that validate hold no line break or control character and no value too long for
/// its field; each refusal names a known field in words without control characters; and
/// valid settings export to every format (or say why a format cannot hold a value).
pub fn settings(data: &[u8]) {
    let s = settings_from(data);
    let result = s.validate();
    assert_eq!(result.is_ok(), s.validate_for_user().is_ok());
    match result {
        Ok(()) => {
            check_valid_settings(&s);
            check_exports(&s);
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal without a problem");
            for e in &errors {
                assert!(
                    ["host", "port", "username", "from", "cert_exception"]
                        .contains(&e.field.as_str()),
                    "unknown field {:?}",
                    e.field
                );
                assert!(!e.message.is_empty());
                assert!(
                    !e.message.chars().any(char::is_control),
                    "the message for {} holds a control character",
                    e.field
                );
                assert!(
                    e.message.chars().count() <= 2 * MAX_FIELD_LEN + 400,
                    "a message of {} characters",
                    e.message.chars().count()
                );
            }
        }
    }
}

/// What valid settings promise to everything that writes them on a line (SMTP, exports).
fn check_valid_settings(s: &SmtpSettings) {
    let one_line = |what: &str, v: &str, max: usize| {
        assert!(
            !v.chars().any(char::is_control),
            "{what} holds a control character"
        );
        assert!(
            !v.contains(['\r', '\n', '\0']),
            "{what} holds CR, LF or NUL"
        );
        // The limits count characters (what the user sees), not bytes.
        let n = v.chars().count();
        assert!(n <= max, "{what} is {n} characters");
    };
    one_line("host", &s.host, MAX_HOST_LEN);
    assert!(!s.host.trim().is_empty(), "empty host");
    assert_ne!(s.port, 0, "port 0");
    if let Some(u) = &s.username {
        one_line("username", u, MAX_FIELD_LEN);
        assert!(!u.trim().is_empty(), "empty user name");
    }
    one_line("from", &s.from, MAX_FIELD_LEN);
    let from = s.from.trim();
    let (local, domain) = from.rsplit_once('@').expect("from has an @");
    assert!(
        !local.is_empty() && domain.contains('.'),
        "incomplete sender address"
    );
    assert!(
        !from.chars().any(char::is_whitespace),
        "sender address with a space"
    );
}

/// The password given to the exports, which must not write it.
const CANARY: &str = "pw-Fuzz-9f1c";

fn check_exports(s: &SmtpSettings) {
    let with = ExportInput {
        name: Some("Fuzz".into()),
        profile_id: None,
        settings: s.clone(),
        password: Some(Sensitive::new(CANARY.to_owned())),
    };
    let without = ExportInput {
        password: None,
        ..with.clone()
    };
    for format in FormatId::ALL {
        match export::export(format, &with, false) {
            Ok(e) => {
                assert!(
                    !e.includes_password,
                    "{format} holds a password it was not asked for"
                );
                // Unless a field holds it (the fuzzer finds the canary and types it in).
                assert!(
                    !e.text.contains(CANARY) || format!("{s:?}").contains(CANARY),
                    "{format} shows the password"
                );
                let again = export::export(format, &without, false)
                    .unwrap_or_else(|e| panic!("{format} depends on the password: {}", e.code()));
                assert_eq!(e.text, again.text, "{format} depends on the password");
            }
            Err(ExportError::NotRepresentable { .. }) => {}
            Err(e) => panic!("{format} refused valid settings: {}", e.code()),
        }
    }
}
