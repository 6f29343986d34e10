#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The host check page (export `check_php`) as PHP runs it: `php -l` accepts it, and php-cli
//! runs it against the real Postfix of the test set-up (scripts/test-servers.sh): a working
//! port, an expired page, and a port where nothing listens (refused). php-cli trusts the test
//! CA through its `openssl.cafile` setting, as a web host trusts the public authorities.
//! A silent port (packets dropped, as a host's firewall does) is tested in a network namespace
//! the test creates: only loopback, with an nftables drop rule.

use std::collections::HashMap;
use std::process::Command;

use portolan_core::export::{self, ExportInput, FormatId};
use portolan_core::ports::Security;
use portolan_core::settings::SmtpSettings;

fn servers() -> Option<HashMap<String, String>> {
    let Some(path) = std::env::var_os("PORTOLAN_TEST_SERVERS") else {
        assert!(
            std::env::var_os("PORTOLAN_REQUIRE_SERVERS").is_none(),
            "PORTOLAN_REQUIRE_SERVERS is set but PORTOLAN_TEST_SERVERS is not"
        );
        eprintln!("skipped: no test servers (PORTOLAN_TEST_SERVERS)");
        return None;
    };
    let text = std::fs::read_to_string(path).unwrap();
    Some(
        text.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

fn settings(host: &str, port: u16, security: Security) -> SmtpSettings {
    SmtpSettings {
        host: host.into(),
        port,
        security,
        username: Some("alice@portolan.test".into()),
        from: "alice@portolan.test".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// Writes `page` to a temporary file and runs it with php-cli: (exit code, output).
fn run_php(page: &str, ca: Option<&str>) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portolan-check.php");
    std::fs::write(&file, page).unwrap();
    let mut cmd = Command::new("php");
    if let Some(ca) = ca {
        cmd.arg("-d").arg(format!("openssl.cafile={ca}"));
    }
    let out = cmd
        .arg(&file)
        .output()
        .expect("php-cli runs (scripts/setup.sh installs it)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_exported_page_passes_php_lint_and_has_a_random_name() {
    for (port, sec) in [
        (587, Security::Starttls),
        (465, Security::Tls),
        (25, Security::None),
    ] {
        let input = ExportInput {
            name: Some("Shop's 'site'".into()),
            profile_id: None,
            settings: settings("smtp.example.com", port, sec),
            password: Some(portolan_core::sensitive::Sensitive::new(
                "Canary-Host-Check-Pw".into(),
            )),
            provider_id: None,
        };
        let e = export::export(FormatId::CheckPhp, &input, true).unwrap();
        assert!(!e.includes_password);
        assert!(!e.text.contains("Canary-Host-Check-Pw"));
        assert!(!e.text.contains("Shop"), "the page needs no name");
        let name = e.file_name.unwrap();
        assert!(
            name.starts_with("portolan-check-") && name.ends_with(".php"),
            "{name}"
        );
        assert!(
            e.warnings.iter().any(|w| w.contains("delete it")),
            "{:?}",
            e.warnings
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(&name);
        std::fs::write(&file, &e.text).unwrap();
        let out = Command::new("php").arg("-l").arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn an_expired_page_does_nothing_and_says_to_delete_it() {
    let page =
        export::host_check_page(&settings("127.0.0.1", 9, Security::Starttls), now() - 60).unwrap();
    let (code, out) = run_php(&page, None);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("This check page has expired"), "{out}");
    assert!(out.contains("Delete this file"), "{out}");
    assert!(!out.contains("Port 9"), "nothing was tried: {out}");
}

#[test]
fn real_postfix_works_from_the_host_with_starttls_and_implicit_tls() {
    let Some(env) = servers() else { return };
    let host = env["PORTOLAN_TEST_HOST"].as_str();
    let ca = env["PORTOLAN_TEST_CA_FILE"].as_str();
    for (key, sec) in [
        ("PORTOLAN_TEST_SUBMISSION_PORT", Security::Starttls),
        ("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Tls),
    ] {
        let port: u16 = env[key].parse().unwrap();
        let page = export::host_check_page(&settings(host, port, sec), now() + 3600).unwrap();
        let (code, out) = run_php(&page, Some(ca));
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains(&format!("This web host can reach {host} on port {port}")),
            "{out}"
        );
        assert!(out.contains(&format!("Port {port}: connected")), "{out}");
        assert!(out.contains("The server said hello"), "{out}");
        assert!(
            out.contains("Encrypted; the certificate is valid for"),
            "{out}"
        );
        if sec == Security::Starttls {
            assert!(
                out.contains("answered EHLO again, after encryption"),
                "{out}"
            );
        }
        assert!(out.contains("Delete this file"), "{out}");
        assert!(!out.contains(&env["PORTOLAN_TEST_PASSWORD"]));
    }
}

#[test]
fn real_postfix_certificate_problems_are_named_from_the_host() {
    let Some(env) = servers() else { return };
    let host = env["PORTOLAN_TEST_HOST"].as_str();
    let ca = env["PORTOLAN_TEST_CA_FILE"].as_str();
    let port: u16 = env["PORTOLAN_TEST_EXPIRED_PORT"].parse().unwrap();
    let page = export::host_check_page(&settings(host, port, Security::Tls), now() + 3600).unwrap();
    let (code, out) = run_php(&page, Some(ca));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("The certificate expired on"), "{out}");
}

#[test]
fn real_blocked_port_is_reported_with_what_to_do() {
    let Some(env) = servers() else { return };
    let host = env["PORTOLAN_TEST_HOST"].as_str();
    let port: u16 = env["PORTOLAN_TEST_CLOSED_PORT"].parse().unwrap();
    let page =
        export::host_check_page(&settings(host, port, Security::Starttls), now() + 3600).unwrap();
    let (code, out) = run_php(&page, Some(&env["PORTOLAN_TEST_CA_FILE"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("Port {port}: refused")), "{out}");
    assert!(
        out.contains(&format!("Port {port} does not work from this web host"))
            || out.contains("cannot reach"),
        "{out}"
    );
}

/// Whether this test may give php-cli a network namespace of its own with a firewall rule
/// (root, `unshare -n`, `ip` and `nft`).
fn can_blackhole() -> bool {
    portolan_test_support::isolate::can_unshare(&[
        "-n",
        "sh",
        "-c",
        "ip link set lo up && nft list tables",
    ])
}

#[test]
fn a_silent_port_is_named_as_such_and_the_page_ends_within_its_bound() {
    if !can_blackhole() {
        eprintln!("note: needs root, unshare, ip and nft for a private network; skipping");
        return;
    }
    // php-cli runs in a network namespace made for it: only loopback, where every packet to
    // port 587 is dropped (no answer at all, not refused) and nothing listens on the page's
    // other ports (refused at once).
    let page = export::host_check_page(
        &settings("127.0.0.1", 587, Security::Starttls),
        now() + 3600,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portolan-check.php");
    std::fs::write(&file, &page).unwrap();
    let script = "ip link set lo up && nft -f - <<'EOF' && exec php \"$0\"\n\
                  table inet portolan_silent {\n\
                  \tchain input {\n\
                  \t\ttype filter hook input priority 0; policy accept;\n\
                  \t\ttcp dport 587 drop\n\
                  \t}\n\
                  }\n\
                  EOF\n";
    let started = std::time::Instant::now();
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", script])
        .arg(&file)
        .output()
        .unwrap();
    let took = started.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "Port 587: no answer. Usually the server does not offer this port; otherwise this \
             host blocks outgoing connections to it"
        ),
        "the silent port's words, server first: {text}"
    );
    for refused in [465, 2525, 25] {
        assert!(
            text.contains(&format!("Port {refused}: refused.")),
            "{refused}: {text}"
        );
    }
    assert!(
        text.contains("This web host cannot reach 127.0.0.1 on any mail port"),
        "{text}"
    );
    assert!(text.contains("Delete this file"), "{text}");
    // The page waits its connection bound (8 seconds) for the silent port, and no longer.
    assert!(
        took >= std::time::Duration::from_secs(7),
        "it waited for an answer: {took:?}"
    );
    assert!(
        took < std::time::Duration::from_secs(20),
        "it gave up within its bound: {took:?}"
    );
}
