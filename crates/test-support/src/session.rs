//! The keychain tests run inside `scripts/in-test-session.sh`: a private D-Bus session with an
//! unlocked gnome-keyring and a throwaway HOME (`PORTOLAN_TEST_HOME`). Outside it they skip,
//! so `cargo test` never touches the user's own keychain or settings, unless the test command
//! demands the real parts (`PORTOLAN_REQUIRE_SERVERS=1`): then they fail.

use std::path::PathBuf;

use crate::servers::required;

/// The test session's private HOME when inside it. Outside, `None`; a failure when the
/// test command demands the session. For tests that still run outside it (e.g. with the
/// keychain unreachable).
pub fn session_home() -> Option<PathBuf> {
    let Some(home) = std::env::var_os("PORTOLAN_TEST_HOME") else {
        assert!(
            !required(),
            "make test runs the keychain tests inside scripts/in-test-session.sh"
        );
        return None;
    };
    let home = PathBuf::from(home);
    assert_eq!(
        std::env::var_os("HOME").map(PathBuf::from),
        Some(home.clone()),
        "HOME must be the test session's throwaway home"
    );
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the test session has its own D-Bus"
    );
    Some(home)
}

/// [`session_home`], with a note that the test is skipped when outside the session.
pub fn test_home() -> Option<PathBuf> {
    let home = session_home();
    if home.is_none() {
        eprintln!("note: not inside the keychain test session; skipping");
    }
    home
}
