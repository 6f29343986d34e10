//! The commands the window may call, each a thin wrapper over the core. Each takes one
//! argument struct from `portolan_core::requests` (typed in TypeScript by the bindings);
//! progress goes back through a `Channel<Event>`; errors cross as `{ code, message, hint }`.

use std::path::PathBuf;
use std::sync::Arc;

use portolan_core::check::{CheckOptions, FindProvider, Report};
use portolan_core::delivery::DeliveryHelp;
use portolan_core::discover::{DiscoverEvent, DiscoverOptions, Discovery};
use portolan_core::error::{FaceError, UserError};
use portolan_core::export::{CopyOutcome, ExportInput, Exported, FormatGroupInfo};
use portolan_core::observer::{Event, Observer};
use portolan_core::ports::PortGuide;
use portolan_core::probe::{ProbeOptions, ProbeReport};
use portolan_core::profiles::{
    DeleteOutcome, Profile, ProfileError, ProfileListing, ProfileStore, SaveRequest,
};
use portolan_core::report::Detail;
use portolan_core::requests::{
    AddressArgs, CancelArgs, CheckArgs, CopyTextArgs, DeliveryHelpArgs, DiscoverArgs,
    ExportCopyArgs, ExportPreviewArgs, ImportArgs, OpenPageArgs, ProbeArgs, ProfileDeleteArgs,
    ProfileDuplicateArgs, ProfileRenameArgs, ProfileSaveArgs, ProviderNotesArgs, ReportArgs,
    SendTestArgs,
};
use portolan_core::secrets::Keychain;
use portolan_core::sensitive::{Password, Sensitive};
use portolan_core::tls::Trust;
use portolan_core::words::Phrases;
use tauri::ipc::Channel;
use tauri::State;

use crate::clipboard::Clipboard;
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
        Some(path) if !path.is_empty() => {
            Ok(Some(Trust::with_extra_ca_file(&PathBuf::from(path))?))
        }
        _ => Ok(None),
    }
}

/// The options of the app's discovery: the core's defaults, with the extra authority of
/// `PORTOLAN_CA_FILE` (if any) trusted by every connection discovery makes, its web requests
/// and the probes that confirm guessed servers alike.
pub fn discover_options() -> Result<DiscoverOptions, UserError> {
    Ok(DiscoverOptions {
        trust: trust()?,
        ..DiscoverOptions::default()
    })
}

/// A typed password, or none when the field was left empty.
fn password(p: Option<Password>) -> Option<Password> {
    p.filter(|s| !s.expose().is_empty())
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

/// The port guide of DESIGN.md §4, the same words `portolan ports` prints.
#[tauri::command]
pub fn port_guide() -> PortGuide {
    portolan_core::ports::guide()
}

/// The sending services of the built-in list ("I send through a service"), in the core's words.
#[tauri::command]
pub fn sending_services() -> Vec<portolan_core::discover::catalogue::SendingService> {
    portolan_core::discover::catalogue::sending_service_views()
}

/// What the provider behind a server and address asks before the password is typed (e.g.
/// Outlook.com takes no passwords from other apps), for an opened profile or a server or
/// address typed by hand; `None` when no provider is known or it has nothing to say.
#[tauri::command]
pub fn provider_notes(
    args: ProviderNotesArgs,
) -> Option<portolan_core::discover::catalogue::ProviderNotes> {
    portolan_core::discover::catalogue::notes_before_password(
        &args.host,
        &args.from,
        args.provider_id.as_deref(),
    )
}

/// The About page: version, licence and third-party notices, the same `portolan --version` prints.
#[tauri::command]
pub fn about() -> portolan_core::about::About {
    portolan_core::about::about()
}

/// Proposes settings for `address`: the provider list, the domain's published settings, DNS,
/// then common names confirmed by a probe. Only the domain leaves the computer.
#[tauri::command]
pub async fn discover(
    args: DiscoverArgs,
    on_event: Channel<DiscoverEvent>,
) -> Result<Discovery, UserError> {
    let opts = discover_options()?;
    portolan_core::discover::discover(&args.address, &opts, &DiscoverChannel(on_event)).await
}

/// Whether `address` is one Portolan can work with; the same check discovery and the settings
/// make, so the first screen refuses exactly what the later ones would.
#[tauri::command]
pub fn check_address(args: AddressArgs) -> Result<(), UserError> {
    portolan_core::address::parse(&args.address).map(|_| ())
}

/// Checks `settings` step by step, streaming each step. The password is the one typed, or else
/// the saved profile's from the keychain (a re-check), or none.
#[tauri::command]
pub async fn check(
    args: CheckArgs,
    on_event: Channel<Event>,
    running: State<'_, Running>,
    saved: State<'_, Saved>,
) -> Result<Report, UserError> {
    let CheckArgs {
        settings,
        password,
        profile_id,
        provider_id,
        request_id,
    } = args;
    let settings = settings.parse()?;
    let password = saved.password_for(password, profile_id).await?;
    let ticket = running.start(&request_id);
    let opts = CheckOptions {
        trust: trust()?,
        cancel: ticket.token.clone(),
        find_provider: Some(find_provider(provider_id)),
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

/// The catalogue's lookup of the provider behind the server, believing the id the window's
/// request carries only where the catalogue agrees; the check runs it beside the connection.
fn find_provider(provider_id: Option<String>) -> FindProvider {
    FindProvider::by(move |s| {
        portolan_core::discover::catalogue::known_provider(s, provider_id.as_deref())
    })
}

/// Sends the test email (to `to`, or to the sender itself) after the same checks; the password
/// is found as for `check`.
#[tauri::command]
pub async fn send_test(
    args: SendTestArgs,
    on_event: Channel<Event>,
    running: State<'_, Running>,
    saved: State<'_, Saved>,
) -> Result<Report, UserError> {
    let SendTestArgs {
        settings,
        password,
        profile_id,
        provider_id,
        to,
        request_id,
    } = args;
    let settings = settings.parse()?;
    let password = saved.password_for(password, profile_id).await?;
    let ticket = running.start(&request_id);
    let opts = CheckOptions {
        trust: trust()?,
        cancel: ticket.token.clone(),
        find_provider: Some(find_provider(provider_id)),
        ..Default::default()
    };
    let to = non_empty(to);
    portolan_core::send::send_test(
        &settings,
        password.as_ref(),
        to.as_deref(),
        &opts,
        &ChannelObserver(on_event),
    )
    .await
}

/// What to look at when the test email did not arrive: the spam folder, Gmail's own-address
/// rule, and the From domain's SPF and DMARC records for the server (DNS, through the same
/// resolver as discovery).
#[tauri::command]
pub async fn delivery_help(args: DeliveryHelpArgs) -> Result<DeliveryHelp, UserError> {
    portolan_core::delivery::explain(
        &args.from,
        &args.to,
        &args.host,
        &portolan_core::delivery::DeliveryOptions::default(),
    )
    .await
}

/// Tries the usual ports on `host` (no password), reporting each as it answers.
#[tauri::command]
pub async fn probe(
    args: ProbeArgs,
    on_event: Channel<Event>,
    running: State<'_, Running>,
) -> Result<ProbeReport, UserError> {
    let ticket = running.start(&args.request_id);
    let opts = ProbeOptions {
        trust: trust()?,
        cancel: ticket.token.clone(),
        ..Default::default()
    };
    let candidates = portolan_core::probe::default_candidates();
    let host = args.host.trim();
    portolan_core::probe::probe(host, &candidates, &opts, &ChannelObserver(on_event)).await
}

/// Stops the operation `request_id` at once; true if it was running.
#[tauri::command]
pub fn cancel(args: CancelArgs, running: State<'_, Running>) -> bool {
    running.cancel(&args.request_id)
}

/// Where saved profiles and their passwords live: the profiles file in the app's config folder
/// (`app_config_dir`) and the OS keychain.
#[derive(Debug)]
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
        f: impl FnOnce(&ProfileStore, &Keychain) -> Result<T, ProfileError> + Send + 'static,
    ) -> Result<T, UserError> {
        let (store, keychain) = (self.store.clone(), self.keychain.clone());
        // A panic's message could quote a password: the user gets a fixed sentence.
        Ok(portolan_core::profiles::run_blocking(move || f(&store, &keychain)).await?)
    }

    /// The password typed in the window, or else the saved one of `profile_id`.
    async fn password_for(
        &self,
        typed: Option<Password>,
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
pub async fn profiles_list(saved: State<'_, Saved>) -> Result<ProfileListing, UserError> {
    saved
        .blocking(|store, keychain| {
            Ok(ProfileListing::from(
                portolan_core::profiles::list_profiles(store, keychain)?,
            ))
        })
        .await
}

/// Saves a profile: new when `id` is null. The password (when given) goes to the keychain
/// first; if the keychain refuses, nothing is saved and the error says why.
#[tauri::command]
pub async fn profile_save(
    args: ProfileSaveArgs,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    let req = SaveRequest {
        id: args.id.filter(|i| !i.is_empty()),
        name: args.name,
        settings: args.settings.parse()?,
        password: password(args.password),
        provider_id: non_empty(args.provider_id),
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
    args: ProfileRenameArgs,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    saved
        .blocking(move |store, _| store.rename(&args.id, &args.name))
        .await
}

/// Copies a profile and its saved password under a new name ("Name (copy)" when null).
#[tauri::command]
pub async fn profile_duplicate(
    args: ProfileDuplicateArgs,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    let name = non_empty(args.name);
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::duplicate_profile(store, keychain, &args.id, name.as_deref())
        })
        .await
}

/// Deletes a profile and its keychain entry; if the entry cannot be removed, the profile stays
/// and the error says why.
#[tauri::command]
pub async fn profile_delete(
    args: ProfileDeleteArgs,
    saved: State<'_, Saved>,
) -> Result<DeleteOutcome, UserError> {
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::delete_profile(store, keychain, &args.id)
        })
        .await
}

/// Imports Portolan's JSON (pasted text) as a new saved profile.
#[tauri::command]
pub async fn import_profile(
    args: ImportArgs,
    saved: State<'_, Saved>,
) -> Result<Profile, UserError> {
    saved
        .blocking(move |store, keychain| {
            portolan_core::profiles::import_profile(store, keychain, &args.text)
        })
        .await
}

/// The export formats in the picker's groups, with the groups' headings.
#[tauri::command]
pub fn export_formats() -> Vec<FormatGroupInfo> {
    portolan_core::export::format_groups()
}

/// The export's text for the preview: never with the password (a placeholder stands there).
#[tauri::command]
pub fn export_preview(args: ExportPreviewArgs) -> Result<Exported, UserError> {
    let input = ExportInput {
        name: non_empty(args.name),
        profile_id: non_empty(args.profile_id),
        settings: args.settings.parse()?,
        password: None,
        provider_id: non_empty(args.provider_id),
    };
    Ok(portolan_core::export::export_stamped(
        args.format,
        &input,
        false,
        args.stamp.as_ref(),
    )?)
}

/// Copies the export to the clipboard from here, so the window needs no clipboard access and
/// a password included for this copy never goes back to the page. The password is the typed
/// one, or else the saved profile's; it is written only when `include_password` is set.
#[tauri::command]
pub async fn export_copy(
    args: ExportCopyArgs,
    clipboard: State<'_, Clipboard>,
    saved: State<'_, Saved>,
) -> Result<CopyOutcome, UserError> {
    let ExportCopyArgs {
        format,
        name,
        profile_id,
        settings,
        include_password,
        password,
        stamp,
        provider_id,
    } = args;
    let settings = settings.parse()?;
    let profile_id = non_empty(profile_id);
    let password = if include_password {
        saved.password_for(password, profile_id.clone()).await?
    } else {
        None
    };
    let input = ExportInput {
        name: non_empty(name),
        profile_id,
        settings,
        password,
        provider_id: non_empty(provider_id),
    };
    let exported =
        portolan_core::export::export_stamped(format, &input, include_password, stamp.as_ref())?;
    let outcome = CopyOutcome::from(&exported);
    if exported.includes_password {
        // Marked for clipboard managers to skip, and cleared after a while if still there.
        let after = Clipboard::clear_after();
        clipboard.copy_secret(Sensitive::new(exported.text), after)?;
        Ok(outcome.cleared_after(after.as_secs()))
    } else {
        clipboard.copy_plain(&exported.text)?;
        Ok(outcome)
    }
}

/// The phrases the screens show around the engine's answers (one place for every sentence).
#[tauri::command]
pub fn phrases() -> Phrases {
    portolan_core::words::phrases()
}

/// The report's details as labelled lines, in the engine's words.
#[tauri::command]
pub fn report_details(args: ReportArgs) -> Vec<Detail> {
    portolan_core::report::details(&args.report)
}

/// Copies the plain-text support report of a check (sign-in details already removed).
#[tauri::command]
pub fn copy_report(args: ReportArgs, clipboard: State<'_, Clipboard>) -> Result<(), UserError> {
    clipboard.copy_plain(&portolan_core::report::support_text(&args.report))
}

/// Opens a provider's page in the system browser: only an https page the built-in catalogue
/// names (the core checks it); anything else is refused and nothing opens.
#[tauri::command]
pub fn open_page(args: OpenPageArgs) -> Result<(), UserError> {
    let url = portolan_core::discover::catalogue::checked_link(&args.url)?;
    open::that_detached(url).map_err(|e| {
        FaceError::Browser {
            url: url.to_owned(),
            reason: e.to_string(),
        }
        .into()
    })
}

/// Puts a fix's prepared text (the request for the IT admin) on the clipboard; a text over
/// the core's bound is refused and nothing is copied.
#[tauri::command]
pub fn copy_text(args: CopyTextArgs, clipboard: State<'_, Clipboard>) -> Result<(), UserError> {
    clipboard.copy_plain(args.checked_text()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sending_service_key_page_may_be_opened() {
        let list = sending_services();
        assert!(list.len() >= 25, "{}", list.len());
        for s in list {
            if let Some(link) = &s.key_link {
                assert!(
                    portolan_core::discover::catalogue::checked_link(link).is_ok(),
                    "{}: {link}",
                    s.id
                );
            }
        }
    }

    #[test]
    fn open_page_opens_nothing_but_the_catalogues_https_pages() {
        for url in [
            "https://evil.example/",
            "http://myaccount.google.com/apppasswords",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://myaccount.google.com/apppasswords\nhttps://evil.example/",
            "",
        ] {
            let refused = open_page(OpenPageArgs { url: url.into() });
            assert!(
                matches!(&refused, Err(e) if e.code == portolan_core::error::ErrorCode::LinkRefused),
                "{url:?}: {refused:?}"
            );
        }
    }
}
