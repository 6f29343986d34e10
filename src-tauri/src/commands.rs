//! The commands the window may call, each a thin wrapper over the core.

use portolan_core::ports::PortGuide;

/// The port guide of DESIGN.md §4, the same words `portolan ports` prints.
#[tauri::command]
pub fn port_guide() -> PortGuide {
    portolan_core::ports::guide()
}
