//! Autoconfig: a clientConfig XML document.

use crate::discover::{address, autoconfig as ac};
use crate::settings::{self};

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
