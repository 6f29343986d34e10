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
        // Where the platform's authorities are files (a bundle and a folder of the same
        // certificates), read by rustls-native-certs rather than asked of the system.
        cert_files: { all(unix, not(target_vendor = "apple"), not(target_os = "android")) },
    }
}
