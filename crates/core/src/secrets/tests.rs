//! The keychain's sentences and checks, on keyring-core's in-memory store.

use super::*;

fn pw(s: &str) -> Sensitive<String> {
    Sensitive::new(s.to_owned())
}

#[test]
fn mock_store_saves_reads_and_deletes_one_entry_per_profile() {
    let k = Keychain::mock();
    k.set_password("p1", &pw("first")).unwrap();
    k.set_password("p2", &pw("second")).unwrap();
    assert_eq!(k.get_password("p1").unwrap().expose(), "first");
    assert_eq!(k.get_password("p2").unwrap().expose(), "second");
    k.set_password("p1", &pw("replaced")).unwrap();
    assert_eq!(k.get_password("p1").unwrap().expose(), "replaced");
    assert!(k.delete_password("p1").unwrap());
    assert!(!k.delete_password("p1").unwrap());
    assert_eq!(k.get_password("p1").unwrap_err(), SecretError::NotFound);
    assert!(k.find_password("p1").unwrap().is_none());
}

#[test]
fn empty_and_oversized_passwords_are_refused_with_a_sentence() {
    let k = Keychain::mock();
    let e = k.set_password("p", &pw("")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeychainInvalidValue);
    let long = "x".repeat(MAX_PASSWORD_LEN + 1);
    let e = k.set_password("p", &pw(&long)).unwrap_err();
    assert!(e.to_string().contains("longer than"), "{e}");
}

#[test]
fn mock_errors_become_sentences_with_codes() {
    let k = Keychain::mock();
    k.set_password("p", &pw("secret-canary")).unwrap();
    let entry = k.entry("p").unwrap();
    let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess(Box::new(
        std::io::Error::other("denied"),
    )));
    let e = k.get_password("p").unwrap_err();
    assert_eq!(e, SecretError::AccessDenied);
    let user: UserError = e.into();
    assert_eq!(user.code, ErrorCode::KeychainAccessDenied);
    assert!(!user.hint.is_empty());
    // The error is consumed: the next call works again.
    assert_eq!(k.get_password("p").unwrap().expose(), "secret-canary");
}

#[cfg(target_os = "linux")]
#[test]
fn secret_service_states_map_to_their_own_sentences() {
    let wrap = |e: secret_service::Error| {
        SecretError::from(keyring_core::Error::PlatformFailure(Box::new(e)))
    };
    assert_eq!(
        wrap(secret_service::Error::Unavailable),
        SecretError::Unavailable
    );
    assert_eq!(wrap(secret_service::Error::Locked), SecretError::Locked);
    assert_eq!(
        wrap(secret_service::Error::Prompt),
        SecretError::PromptDismissed
    );
    assert_eq!(
        SecretError::Unavailable.to_string(),
        "No keyring service is running: install or start GNOME Keyring or KWallet, then \
         try again."
    );
}

#[test]
fn bad_bytes_in_the_store_are_never_echoed() {
    let e = SecretError::from(keyring_core::Error::BadEncoding(
        b"secret-canary\xff".to_vec(),
    ));
    assert!(!e.to_string().contains("canary"), "{e}");
    assert!(!format!("{e:?}").contains("canary"));
}

#[test]
fn debug_of_the_handle_shows_no_store_internals() {
    assert_eq!(format!("{:?}", Keychain::mock()), "Keychain { kind: Mock }");
}
