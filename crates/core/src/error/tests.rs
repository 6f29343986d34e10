//! Every code: its wire name, its hint, and one error of it made the way the core makes it.

use strum::VariantArray;

use super::*;
use crate::export::{ExportError, ImportError};
use crate::profiles::{KeychainStep, ProfileError};
use crate::secrets::SecretError;
use crate::settings::FieldError;
use crate::tls::TrustError;

fn field(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// One error of each code, made the way the core makes it. The match has no catch-all: a
/// new code does not compile until it has an example here.
fn example(code: ErrorCode) -> UserError {
    use ErrorCode as C;
    match code {
        C::KeychainUnavailable => SecretError::Unavailable.into(),
        C::KeychainLocked => SecretError::Locked.into(),
        C::KeychainPromptDismissed => SecretError::PromptDismissed.into(),
        C::KeychainAccessDenied => SecretError::AccessDenied.into(),
        C::KeychainEntryNotFound => SecretError::NotFound.into(),
        C::KeychainInterrupted => SecretError::Interrupted.into(),
        C::KeychainPasswordMissing => ProfileError::PasswordMissing("Work".into()).into(),
        C::KeychainInvalidValue => SecretError::Invalid("The password is empty.".into()).into(),
        C::KeychainFailed => ProfileError::Keychain {
            step: KeychainStep::Save,
            name: "Website".into(),
            source: SecretError::Failed("the service stopped".into()),
        }
        .into(),
        C::ProfilesNoConfigDir => ProfileError::NoConfigDir.into(),
        C::ProfilesIo => ProfileError::Io {
            action: "write".into(),
            path: "/home/a/.config/profiles.json".into(),
            reason: "No space left on device".into(),
        }
        .into(),
        C::ProfileNotFound => ProfileError::NotFound("Website".into()).into(),
        C::ProfileAmbiguous => ProfileError::Ambiguous("Web".into()).into(),
        C::ProfileInvalidName => crate::profiles::validate_name("").unwrap_err().into(),
        C::ProfileDuplicateName => ProfileError::DuplicateName("Website".into()).into(),
        C::ProfileIdTaken => ProfileError::IdTaken("1234".into()).into(),
        C::ProfilesTooMany => ProfileError::TooMany.into(),
        C::InvalidSettings => {
            let s = crate::settings::SmtpSettings {
                host: "smtp example.com".into(),
                port: 587,
                security: crate::ports::Security::Starttls,
                username: None,
                from: "me@example.com".into(),
                allow_plaintext_auth: false,
                cert_exception: None,
                ehlo_name: None,
            };
            s.validate_for_user().unwrap_err()
        }
        C::InvalidAddress => crate::discover::address::parse("no-at-sign").unwrap_err(),
        C::InvalidOption => FaceError::BadOption(OptionProblem::Budget).into(),
        C::InvalidTimeout => FaceError::Timeout(-1.0).into(),
        C::MissingFrom => FaceError::MissingFrom.into(),
        C::PasswordUnreadable => FaceError::Password {
            from: PasswordSource::Stdin,
            reason: "stream did not contain valid UTF-8".into(),
        }
        .into(),
        C::ExportNoPassword => ExportError::NoPassword.into(),
        C::ExportNotRepresentable => ExportError::NotRepresentable {
            format: ".env".into(),
            field: "server name".into(),
            reason: "contains a quote".into(),
        }
        .into(),
        C::ImportInvalid => ImportError {
            problems: vec![field("settings.port", "The port is missing.")],
        }
        .into(),
        C::ImportUnreadable => FaceError::ImportUnreadable {
            path: "profile.json".into(),
            reason: "No such file or directory".into(),
        }
        .into(),
        C::TrustStoreUnavailable => TrustError::StoreUnavailable("no roots".into()).into(),
        C::CaFileInvalid => crate::tls::Trust::with_extra_ca_pem(b"not a certificate")
            .map(|_| ())
            .unwrap_err()
            .into(),
        C::CatalogueDamaged => UserError::with_code_hint(
            C::CatalogueDamaged,
            "The built-in provider list could not be read.",
        ),
        C::ClipboardFailed => FaceError::Clipboard("no display".into()).into(),
        C::LinkRefused => crate::discover::catalogue::checked_link("https://evil.example/")
            .map(|_| ())
            .unwrap_err(),
        C::BrowserFailed => FaceError::Browser {
            url: "https://myaccount.google.com/apppasswords".into(),
            reason: "xdg-open not found".into(),
        }
        .into(),
        C::Internal => ProfileError::Interrupted.into(),
    }
}

#[test]
fn every_code_has_a_message_and_a_hint_a_person_can_act_on() {
    for code in ErrorCode::VARIANTS {
        let hint = code.hint();
        assert!(!hint.trim().is_empty(), "{code}: empty hint");
        assert!(
            hint.ends_with('.'),
            "{code}: the hint is not a sentence: {hint:?}"
        );
        let e = example(*code);
        assert_eq!(e.code, *code, "the example of {code} has another code");
        for (what, text) in [("message", &e.message), ("hint", &e.hint)] {
            let first = text.chars().next().unwrap_or(' ');
            assert!(
                first.is_uppercase() || first == '"' || first == '-',
                "{code}: the {what} does not start a sentence: {text:?}"
            );
            assert!(
                text.trim_end().ends_with(['.', ')']),
                "{code}: the {what} does not end a sentence: {text:?}"
            );
            assert!(
                !text.contains("Error {") && !text.contains("Os {"),
                "{code}: {text:?}"
            );
        }
    }
}

#[test]
fn an_error_made_with_an_empty_hint_gets_its_codes_own() {
    for code in ErrorCode::VARIANTS {
        let e = UserError::new(*code, "Something happened.", " ");
        assert_eq!(e.hint, code.hint());
    }
    let e = UserError::new(ErrorCode::Internal, "x", "Do this.");
    assert_eq!(e.hint, "Do this.");
}

#[test]
fn every_code_is_its_snake_case_name_on_the_wire() {
    for code in ErrorCode::VARIANTS {
        let json = serde_json::to_string(code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        let back: ErrorCode = serde_json::from_str(&json).unwrap();
        assert_eq!(back, *code);
    }
    // The strings scripts and the UI already switch on: pinned, so none is renamed.
    let wire: Vec<&str> = ErrorCode::VARIANTS.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        wire,
        [
            "keychain_unavailable",
            "keychain_locked",
            "keychain_prompt_dismissed",
            "keychain_access_denied",
            "keychain_entry_not_found",
            "keychain_interrupted",
            "keychain_password_missing",
            "keychain_invalid_value",
            "keychain_failed",
            "profiles_no_config_dir",
            "profiles_io",
            "profile_not_found",
            "profile_ambiguous",
            "profile_invalid_name",
            "profile_duplicate_name",
            "profile_id_taken",
            "profiles_too_many",
            "invalid_settings",
            "invalid_address",
            "invalid_option",
            "invalid_timeout",
            "missing_from",
            "password_unreadable",
            "export_no_password",
            "export_not_representable",
            "import_invalid",
            "import_unreadable",
            "trust_store_unavailable",
            "ca_file_invalid",
            "catalogue_damaged",
            "clipboard_failed",
            "link_refused",
            "browser_failed",
            "internal",
        ]
    );
}
