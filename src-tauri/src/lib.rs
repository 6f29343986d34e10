//! The desktop shell: thin Tauri commands over `portolan-core`. No SMTP logic lives here.

mod commands;
mod running;

/// Starts the app: one window, the commands of `commands.rs`.
pub fn run() {
    let result = tauri::Builder::default()
        .manage(running::Running::default())
        .invoke_handler(tauri::generate_handler![
            commands::port_guide,
            commands::discover,
            commands::check,
            commands::send_test,
            commands::probe,
            commands::cancel,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Portolan could not start its window: {e}");
        std::process::exit(1);
    }
}
