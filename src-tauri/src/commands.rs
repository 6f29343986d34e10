//! The commands the window may call, each a thin wrapper over the core. Progress goes back
//! through a `Channel<Event>`; errors cross as `{ code, message, hint }`.

use std::path::PathBuf;
use std::sync::Arc;

use portolan_core::check::{CheckOptions, Report};
use portolan_core::discover::{DiscoverEvent, DiscoverOptions, Discovery};
use portolan_core::error::{ErrorCode, UserError};
use portolan_core::export::{CopyOutcome, ExportInput, Exported, FormatId, FormatInfo};
use portolan_core::observer::{Event, Observer};
use portolan_core::ports::PortGuide;
use portolan_core::probe::{ProbeOptions, ProbeReport};
use portolan_core::profiles::{DeleteOutcome, Profile, ProfileList, ProfileStore, SaveRequest};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::{Password, Sensitive};
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::running::Running;

/// Forwards engine events to the window; a closed window just stops listening.
struct ChannelObserver(Channel<Event>);

impl Observer for ChannelObserver {
    fn event(&self, event: Event) {
        let _ = self.0.send(event);
    }
}

/// Forwards discovery progress to the window.
struct DiscoverChannel(Channel<DiscoverEvent>);

impl Observer<DiscoverEvent> for DiscoverChannel {
    fn event(&self, event: DiscoverEvent) {
        let _ = self.0.send(event);
    }
}

/// Extra trusted authority for every connection, like the CLI's `--ca-file`: a company's own
/// CA, or the test suite's. `None` uses the platform's trust store only.
fn trust() -> Result<Option<Trust>, UserError> {
    match std::env::var_os("PORTOLAN_CA_FILE") {
        Some(path) if !path.is_empty() => Trust::with_extra_ca_file(&PathBuf::from(path)).map(Some),
        _ => Ok(None),
    }
}

fn password(p: Option<String>) -> Option<Password> {
    p.filter(|s| !s.is_empty()).map(Password::from)
}

/// The port guide of DESIGN.md §4, the same words `portolan ports` prints.
#[tauri::command]
pub fn port_guide() -> PortGuide {
    portolan_core::ports::guide()
}

/// Proposes settings for `address`: the provider list, the domain's published settings, DNS,
/// then common names confirmed by a probe. Only the domain leaves the computer.
#[tauri::command]
pub async fn discover(
    address: String,
    on_event: Channel<DiscoverEvent>,
) -> Result<Discovery, UserError> {
    let mut opts = DiscoverOptions::default();
    if let Some(path) = std::env::var_os("PORTOLAN_CA_FILE").filter(|p| !p.is_empty()) {
        opts.extra_ca_pem = Some(std::fs::read(&path).map_err(|e| {
            UserError::new(
                ErrorCode::CaFileUnreadable,
                format!("The extra certificate file could not be read ({e})."),
                "Check the path in PORTOLAN_CA_FILE, or unset it.",
            )
        })?);
    }
    portolan_core::discover::discover(&address, &opts, &DiscoverChannel(on_event)).await
}

/// Checks `settings` step by step, streaming each step. The password is the one typed, or else
/// the saved profile's from the keychain (a re-check), or none.
#[tauri::command]
pub async fn check(
    settings: SmtpSettings,
    password: Option<String>,
    profile_id: Option<String>,
    request_id: String,
    on_event: Channel<Event>,
    running: State<'_, Running>,
    saved: State<'_, Saved>,
) -> Result<Report, UserError> {
    let password = saved.password_for(password, profile_id).await?;
    let ticket = running.start(&request_id);
    let opts = CheckOptions {
        trust: trust()?,
        cancel: ticket.token.clone(),
        ..Default::default()
    };
    portolan_core::check::check(
        &settings,
        password.as_ref(),
        &opts,
        &ChannelObserver(on_event),
    )
    .await
}

/// Sends the test email (to `to`, or to the sender itself) after the same checks; the password
/// is found as for `check`.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // each argument is a named field of the window's call
pub async fn send_test(
    settings: SmtpSettings,
    password: Option<String>,
    profile_id: Option<String>,
    to: Option<String>,
    request_id: String,
    on_event: Channel<Event>,
    running: State<'_, Running>,
    saved: State<'_, Saved>,
) -> Result<Report, UserError> {
    let password = saved.password_for(password, profile_id).await?;
    let ticket = running.start(&request_id);
    let opts = CheckOptions {
        trust: trust()?,
        cancel: ticket.token.clone(),
        ..Default::default()
    };
    let to = to.filter(|t| !t.trim().is_empty());
    portolan_core::send::send_test(
        &settings,
        password.as_ref(),
        to.as_deref(),
        &opts,
        &ChannelObserver(on_event),
    )
    .await
}

/// Tries the usual ports on `host` (no password), reporting each as it answers.
#[tauri::command]
pub async fn probe(
    host: String,
    request_id: String,
    on_event: Channel<Event>,
    running: State<'_, Running>,
) -> Result<ProbeReport, UserError> {
    let ticket = running.start(&request_id);
    let opts = ProbeOptions {
        trust: trust()?,
        cancel: ticket.token.clone(),
        ..Default::default()
    };
    let candidates = portolan_core::probe::default_candidates();
    portolan_core::probe::probe(host.trim(), &candidates, &opts, &ChannelObserver(on_event)).await
}

/// Stops the operation `request_id` at once; true if it was running.
#[tauri::command]
pub fn cancel(request_id: String, running: State<'_, Running>) -> bool {
    running.cancel(&request_id)
}

/// Where saved profiles and their passwords live: the profiles file in the app's config folder
/// (`app_config_dir`) and the OS keychain.
pub struct Saved {
    store: Arc<ProfileStore>,
    keychain: Keychain,
}

impl Saved {
    /// The profiles in `dir`, passwords in the OS keychain.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            store: Arc::new(ProfileStore::new(dir)),
            keychain: Keychain::platform(),
        }
    }

    /// Runs blocking file and keychain work off the async runtime.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&ProfileStore, &Keychain) -> Result<T, UserError> + Send + 'static,
    ) -> Result<T, UserError> {
        let (store, keychain) = (self.store.clone(), self.keychain.clone());
        // A panic's message could quote a password: the user gets a fixed sentence.
        tokio::task::spawn_blocking(move || f(&store, &keychain))
            .await
            .map_err(|_| portolan_core::profiles::interrupted())?
    }

    /// The password typed in the window, or else the saved one of `profile_id`.
    async fn password_for(
        &self,
        typed: Option<String>,
        profile_id: Option<String>,
    ) -> Result<Option<Password>, UserError> {
        if let Some(p) = password(typed) {
            return Ok(Some(p));
        }
        let Some(id) = profile_id.filter(|id| !id.is_empty()) else {
            return Ok(None);
        };
        self.blocking(move |store, keychain| {
            let profile = store.get(&id)?;
            if !profile.password_saved {
                return Ok(None);
            }
            portolan_core::profiles::profile_password(keychain, &profile)
        })
        .await
    }
}

/// Every saved profile, and notices to show once (a damaged file set aside, a migration).
#[tauri::command]
pub async fn profiles_list(saved: State<'_, Saved>) -> Result<ProfileList, UserError> {
    saved.blocking(|store, _| Ok(store.list()?)).await
}

/// Saves a profile: new when `id` is null. The password (when given) goes to the keychain
/// first; if the keychain refuses, nothing is saved and the error says why.
#[tauri::command]
pub async fn profile_save(
    id: Option<String>,
    name: String,
    settings: SmtpSettings,
    password: Option<String>,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    let req = SaveRequest {
        id: id.filter(|i| !i.is_empty()),
        name,
        settings,
        password: password.filter(|p| !p.is_empty()).map(Sensitive::new),
    };
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::save_profile(store, keychain, req)
        })
        .await
}

/// Gives a profile a new name; its keychain entry stays (it is keyed by the id).
#[tauri::command]
pub async fn profile_rename(
    id: String,
    name: String,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    saved
        .blocking(move |store, _| Ok(store.rename(&id, &name)?))
        .await
}

/// Copies a profile and its saved password under a new name ("Name (copy)" when null).
#[tauri::command]
pub async fn profile_duplicate(
    id: String,
    name: Option<String>,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    let name = name.filter(|n| !n.trim().is_empty());
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::duplicate_profile(store, keychain, &id, name.as_deref())
        })
        .await
}

/// Deletes a profile and its keychain entry; if the entry cannot be removed, the profile stays
/// and the error says why.
#[tauri::command]
pub async fn profile_delete(
    id: String,
    saved: State<'_, Saved>,
) -> Result<DeleteOutcome, UserError> {
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::delete_profile(store, keychain, &id)
        })
        .await
}

/// Imports Portolan's JSON (pasted text) as a new saved profile.
#[tauri::command]
pub async fn import_profile(text: String, saved: State<'_, Saved>) -> Result<Profile, UserError> {
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::import_profile(store, keychain, &text)
        })
        .await
}

/// The export formats, in the picker's order.
#[tauri::command]
pub fn export_formats() -> Vec<FormatInfo> {
    portolan_core::export::formats()
}

/// The export's text for the preview: never with the password (a placeholder stands there).
#[tauri::command]
pub fn export_preview(
    format: FormatId,
    name: Option<String>,
    profile_id: Option<String>,
    settings: SmtpSettings,
) -> Result<Exported, UserError> {
    let input = ExportInput {
        name: name.filter(|n| !n.trim().is_empty()),
        profile_id: profile_id.filter(|i| !i.is_empty()),
        settings,
        password: None,
    };
    Ok(portolan_core::export::export(format, &input, false)?)
}

/// Copies the export to the clipboard from here, so the window needs no clipboard access and
/// a password included for this copy never goes back to the page. The password is the typed
/// one, or else the saved profile's; it is written only when `include_password` is set.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // each argument is a named field of the window's call
pub async fn export_copy(
    format: FormatId,
    name: Option<String>,
    profile_id: Option<String>,
    settings: SmtpSettings,
    include_password: bool,
    password: Option<String>,
    app: AppHandle,
    saved: State<'_, Saved>,
) -> Result<CopyOutcome, UserError> {
    let profile_id = profile_id.filter(|i| !i.is_empty());
    let password = if include_password {
        saved.password_for(password, profile_id.clone()).await?
    } else {
        None
    };
    let input = ExportInput {
        name: name.filter(|n| !n.trim().is_empty()),
        profile_id,
        settings,
        password,
    };
    let exported = portolan_core::export::export(format, &input, include_password)?;
    copy_to_clipboard(&app, exported.text.clone())?;
    Ok(CopyOutcome::from(&exported))
}

/// Copies the plain-text support report of a check (sign-in details already removed).
#[tauri::command]
pub fn copy_report(report: Report, app: AppHandle) -> Result<(), UserError> {
    copy_to_clipboard(&app, portolan_core::report::support_text(&report))
}

fn copy_to_clipboard(app: &AppHandle, text: String) -> Result<(), UserError> {
    app.clipboard().write_text(text).map_err(|e| {
        UserError::new(
            ErrorCode::ClipboardFailed,
            format!("Portolan could not put the text on the clipboard ({e})."),
            "Try again. If it keeps failing, close other apps that may be holding the \
             clipboard.",
        )
    })
}
