//! The desktop shell: thin Tauri commands over `portolan-core`. No SMTP logic lives here.

mod commands;
mod running;

pub use commands::discover_options;

/// Starts the app: one window, the commands of `commands.rs`.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(running::Running::default())
        .setup(|app| {
            use tauri::Manager;
            let dir = app.path().app_config_dir()?;
            app.manage(commands::Saved::new(dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::port_guide,
            commands::phrases,
            commands::discover,
            commands::check_address,
            commands::check,
            commands::send_test,
            commands::delivery_help,
            commands::probe,
            commands::cancel,
            commands::profiles_list,
            commands::profile_save,
            commands::profile_rename,
            commands::profile_duplicate,
            commands::profile_delete,
            commands::import_profile,
            commands::export_formats,
            commands::export_preview,
            commands::export_copy,
            commands::copy_report,
            commands::report_details,
            commands::open_page,
            commands::copy_text,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Portolan could not start its window: {e}");
        std::process::exit(1);
    }
}
