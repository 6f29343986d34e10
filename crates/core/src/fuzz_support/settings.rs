//! Settings: the fields of `SmtpSettings` separated by `0xff` bytes.

use crate::export::{self, ExportError, ExportInput, FormatId};
use crate::ports::Security;
use crate::sensitive::Sensitive;
use crate::settings::{CertException, SmtpSettings, MAX_FIELD_LEN, MAX_HOST_LEN};

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
                    [
                        "host",
                        "port",
                        "username",
                        "from",
                        "cert_exception",
                        "ehlo_name"
                    ]
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
pub(super) fn check_valid_settings(s: &SmtpSettings) {
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
        provider_id: None,
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
                // The same page: a host check page made again is the one given back.
                let again = export::export_stamped(format, &without, false, e.stamp.as_ref())
                    .unwrap_or_else(|e| panic!("{format} depends on the password: {}", e.code()));
                assert_eq!(e, again, "{format} depends on the password");
            }
            Err(ExportError::NotRepresentable { .. }) => {}
            Err(e) => panic!("{format} refused valid settings: {}", e.code()),
        }
    }
}
