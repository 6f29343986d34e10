//! The desktop shell: thin Tauri commands over `portolan-core`. No SMTP logic lives here.

pub mod clipboard;
pub mod commands;
pub mod running;

pub use commands::discover_options;

/// Starts the app: one window, the commands of `commands.rs`.
pub fn run() {
    let clipboard = clipboard::Clipboard::new();
    let result = tauri::Builder::default()
        // First, so a second launch stops before it opens anything: it hands over to the
        // running app, which brings its window to the front.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main_window(app);
        }))
        .manage(running::Running::default())
        .manage(clipboard.clone())
        .setup(|app| {
            use tauri::Manager;
            let dir = app.path().app_config_dir()?;
            app.manage(commands::Saved::new(dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::port_guide,
            commands::phrases,
            commands::about,
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
            commands::sending_services,
            commands::provider_notes,
        ])
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(move |_, event| {
                if let tauri::RunEvent::Exit = event {
                    // A password still on the clipboard is cleared, not left to a manager.
                    clipboard.shutdown();
                }
            })
        });
    if let Err(e) = result {
        eprintln!("Portolan could not start its window: {e}");
        std::process::exit(1);
    }
}

/// Brings the one window to the front: shown, not minimised, focused.
fn focus_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}
