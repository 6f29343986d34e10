//! Names for the platform families the engine tells apart (used as `#[cfg(secret_service)]`).

fn main() {
    cfg_aliases::cfg_aliases! {
        // Where passwords go to the Secret Service (GNOME Keyring, KWallet) over D-Bus.
        secret_service: { any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd",
            target_os = "dragonfly"
        ) },
    }
}
