//! Declares the app's own commands so the capability file can grant exactly these.

/// Every command `src/lib.rs` registers; a test checks the two lists agree.
const COMMANDS: &[&str] = &[
    "port_guide",
    "phrases",
    "about",
    "discover",
    "check_address",
    "check",
    "send_test",
    "delivery_help",
    "probe",
    "cancel",
    "profiles_list",
    "profile_save",
    "profile_rename",
    "profile_duplicate",
    "profile_delete",
    "import_profile",
    "export_formats",
    "export_preview",
    "export_copy",
    "copy_report",
    "report_details",
    "open_page",
    "copy_text",
    "sending_services",
    "provider_notes",
];

fn main() {
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        // A build script reports failure by exiting non-zero; the message is cargo's output.
        eprintln!("tauri build script failed: {e:#}");
        std::process::exit(1);
    }
}
