//! The fixes several diagnoses offer: other ports and security modes, a probe, a retry.

use crate::ports::Security;
use crate::verdict::{Fix, FixKind, SettingsPatch};

/// "Encrypt from the start on port 465".
pub fn fix_tls_465() -> Fix {
    Fix::patch(
        FixKind::UseSecurity,
        "Encrypt from the start on port 465",
        SettingsPatch {
            port: Some(465),
            security: Some(Security::Tls),
            ..SettingsPatch::default()
        },
    )
}

/// "Upgrade with STARTTLS on port 587".
pub fn fix_starttls_587() -> Fix {
    Fix::patch(
        FixKind::UseSecurity,
        "Upgrade with STARTTLS on port 587",
        SettingsPatch {
            port: Some(587),
            security: Some(Security::Starttls),
            ..SettingsPatch::default()
        },
    )
}

pub(super) fn fix_security_here(port: u16, sec: Security) -> Fix {
    Fix::patch(
        FixKind::UseSecurity,
        format!("Use \"{}\" on port {port}", sec.label()),
        SettingsPatch {
            security: Some(sec),
            ..SettingsPatch::default()
        },
    )
}

pub(super) fn fix_find_port() -> Fix {
    Fix::action(FixKind::FindWorkingPort, "Find a working port")
}

pub(super) fn fix_retry() -> Fix {
    Fix::action(FixKind::RetryLater, "Try again in a few minutes")
}

/// The submission ports other than the current one, as fixes.
pub(super) fn other_submission_ports(port: u16) -> Vec<Fix> {
    let mut v = Vec::new();
    if port != 465 {
        v.push(fix_tls_465());
    }
    if port != 587 {
        v.push(fix_starttls_587());
    }
    v.push(fix_find_port());
    v
}
