//! The commands the window may call, each a thin wrapper over the core. Progress goes back
//! through a `Channel<Event>`; errors cross as `{ code, message, hint }`.

use std::path::PathBuf;

use portolan_core::check::{CheckOptions, Report};
use portolan_core::discover::{DiscoverEvent, DiscoverObserver, DiscoverOptions, Discovery};
use portolan_core::error::UserError;
use portolan_core::observer::{Event, Observer};
use portolan_core::ports::PortGuide;
use portolan_core::probe::{ProbeOptions, ProbeReport};
use portolan_core::sensitive::Password;
use portolan_core::settings::SmtpSettings;
use portolan_core::tls::Trust;
use tauri::ipc::Channel;
use tauri::State;

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

impl DiscoverObserver for DiscoverChannel {
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
                "ca_file_unreadable",
                format!("The extra certificate file could not be read ({e})."),
                "Check the path in PORTOLAN_CA_FILE, or unset it.",
            )
        })?);
    }
    portolan_core::discover::discover(&address, &opts, &DiscoverChannel(on_event)).await
}

/// Checks `settings` step by step (with the password when given), streaming each step.
#[tauri::command]
pub async fn check(
    settings: SmtpSettings,
    password: Option<String>,
    request_id: String,
    on_event: Channel<Event>,
    running: State<'_, Running>,
) -> Result<Report, UserError> {
    let password = self::password(password);
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

/// Sends the test email (to `to`, or to the sender itself) after the same checks.
#[tauri::command]
pub async fn send_test(
    settings: SmtpSettings,
    password: Option<String>,
    to: Option<String>,
    request_id: String,
    on_event: Channel<Event>,
    running: State<'_, Running>,
) -> Result<Report, UserError> {
    let password = self::password(password);
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
