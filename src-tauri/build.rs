//! Declares the app's own commands so the capability file can grant exactly these.

/// Every command `src/lib.rs` registers; a test checks the two lists agree.
const COMMANDS: &[&str] = &["port_guide"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build script failed: {e:#}"));
}
