//! The real test servers (Postfix + Dovecot on loopback, `scripts/test-servers.sh`) describe
//! themselves in a `servers.env` file named by `PORTOLAN_TEST_SERVERS`. Without it a test that
//! needs them prints a note and passes, unless `PORTOLAN_REQUIRE_SERVERS=1` (the full suite
//! sets it): then it fails, so a broken fixture never passes as a skip.

use std::collections::HashMap;
use std::path::PathBuf;

/// Whether the test command demands the real parts (`PORTOLAN_REQUIRE_SERVERS=1`).
pub fn required() -> bool {
    std::env::var("PORTOLAN_REQUIRE_SERVERS").as_deref() == Ok("1")
}

/// The one rule for a missing real part: fails the test when [`required`], otherwise prints
/// `note: <what>; skipping` for whoever reads the test output.
pub fn skip_or_fail(what: &str) {
    assert!(!required(), "PORTOLAN_REQUIRE_SERVERS=1 but {what}");
    eprintln!("note: {what}; skipping");
}

/// The fixture's settings: `PORTOLAN_TEST_HOST`, `PORTOLAN_TEST_CA_FILE`, the ports, …
#[derive(Debug, Clone)]
pub struct TestServers(HashMap<String, String>);

/// Reads the fixture's `servers.env`, or `None` under the rule of [`skip_or_fail`]. A file
/// that is named but unreadable fails the test.
pub fn test_servers() -> Option<TestServers> {
    let Some(path) = std::env::var_os("PORTOLAN_TEST_SERVERS").filter(|p| !p.is_empty()) else {
        skip_or_fail("PORTOLAN_TEST_SERVERS is not set (no real test servers)");
        return None;
    };
    let path = PathBuf::from(path);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("PORTOLAN_TEST_SERVERS={} unreadable: {e}", path.display()));
    Some(TestServers::parse(&text))
}

impl TestServers {
    /// `KEY=value` lines; anything else is ignored.
    pub fn parse(text: &str) -> Self {
        Self(
            text.lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect(),
        )
    }

    /// The value of `key`; fails the test when the file lacks it.
    pub fn get(&self, key: &str) -> &str {
        self.0
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from servers.env"))
    }

    /// The value of `key`, or `None` when the file lacks it (an optional part of the
    /// fixture).
    pub fn try_get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// A port number.
    pub fn port(&self, key: &str) -> u16 {
        let v = self.get(key);
        v.parse()
            .unwrap_or_else(|_| panic!("{key}={v} in servers.env is not a port"))
    }

    /// A file path (the CA file, a certificate, a log).
    pub fn path(&self, key: &str) -> PathBuf {
        PathBuf::from(self.get(key))
    }
}

impl std::ops::Index<&str> for TestServers {
    type Output = String;

    fn index(&self, key: &str) -> &String {
        self.0
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from servers.env"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_values_trimmed() {
        let s = TestServers::parse("# comment\nPORTOLAN_TEST_HOST = localhost\nA_PORT=43200\n");
        assert_eq!(s.get("PORTOLAN_TEST_HOST"), "localhost");
        assert_eq!(s.port("A_PORT"), 43200);
        assert_eq!(s["A_PORT"], "43200");
    }
}
