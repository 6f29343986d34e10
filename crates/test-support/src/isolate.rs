//! Whether a test may give what it runs namespaces of its own (its own /etc/hosts under
//! `unshare -m`, its own loopback and firewall under `unshare -n`): root, and `unshare` works
//! here. Tests that need it skip with a note otherwise.

use std::process::{Command, Stdio};

/// Whether this process runs as root.
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

/// Whether `unshare <args>` runs and succeeds here, as root (e.g. `["-m", "true"]`).
pub fn can_unshare(args: &[&str]) -> bool {
    is_root()
        && Command::new("unshare")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}
