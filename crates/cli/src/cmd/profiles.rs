//! `portolan profiles …`: the saved profiles the desktop app uses (same file, same keychain
//! entries), from the command line.

use portolan_core::discover::catalogue::{find_sending_service, sending_service};
use portolan_core::error::UserError;
use portolan_core::export::{ExportInput, FormatId};
use portolan_core::profiles::{self, ProfileError, ProfileStore, SaveRequest};
use portolan_core::secrets::Keychain;

use crate::args::{validate_options, ConnectionArgs};
use crate::exit::Exit;
use crate::password;
use crate::render::{self, Out};

/// Options of `portolan profiles`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List the saved profiles.
    List,
    /// Show one profile's settings (never its password).
    Show {
        /// The profile's name or id.
        profile: String,
    },
    /// Save settings as a profile (a profile with the same name is updated). The password
    /// goes to the keyring: --password-stdin, PORTOLAN_PASSWORD, or a prompt.
    Save(SaveArgs),
    /// Give a profile a new name (its saved password stays with it).
    Rename {
        /// The profile's name or id.
        profile: String,
        /// The new name.
        new_name: String,
    },
    /// Copy a profile and its saved password under a new name.
    Duplicate {
        /// The profile's name or id.
        profile: String,
        /// The copy's name (default: "<name> (copy)").
        #[arg(long)]
        name: Option<String>,
    },
    /// Delete a profile and its password from the keyring.
    Delete {
        /// The profile's name or id.
        profile: String,
    },
}

/// Options of `portolan profiles save`.
#[derive(Debug, clap::Args)]
struct SaveArgs {
    /// The profile's name, e.g. "Website" or "Work".
    name: String,
    /// The mail server's name, e.g. smtp.example.com.
    #[arg(long)]
    host: String,
    #[command(flatten)]
    connection: ConnectionArgs,
    /// Do not save or change a password (keep the one already saved, if any).
    #[arg(long, conflicts_with = "password_stdin")]
    no_password: bool,
    /// The sending service these settings are for (an id `portolan services` lists), kept
    /// with the profile: `profiles show` then says what goes in the user-name field and where
    /// the key is made.
    #[arg(long, value_name = "ID")]
    service: Option<String>,
}

/// Runs `portolan profiles …`.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let store = ProfileStore::open_default()?;
    let done = run_command(args.command, &store, &Keychain::platform(), out);
    out.notices(&store.take_notices());
    done.map(|()| Exit::Done)
}

fn run_command(
    cmd: Command,
    store: &ProfileStore,
    keychain: &Keychain,
    out: Out,
) -> Result<(), UserError> {
    match cmd {
        Command::List => {
            let list = profiles::list_profiles(store, keychain)?;
            out.notices(&list.notices);
            let missing = list.password_missing.clone();
            out.show(&list.profiles, |p| render::profile_list(p, &missing))
        }
        Command::Show { profile } => {
            let p = store.find(&profile)?;
            if out.json() {
                return out.show(&p, |_| ());
            }
            let input = ExportInput {
                name: Some(p.name.clone()),
                profile_id: Some(p.id.clone()),
                settings: p.settings.clone(),
                password: None,
                provider_id: p.provider_id.clone(),
            };
            let card = portolan_core::export::export(FormatId::Card, &input, false)?;
            let missing = p.password_saved && keychain.has_password(&p.id) == Ok(false);
            render::profile_card(&p, &card, missing);
            if let Some(s) = p.provider_id.as_deref().and_then(sending_service) {
                render::profile_service(&s);
            }
            Ok(())
        }
        Command::Save(a) => save(a, store, keychain, out),
        Command::Rename { profile, new_name } => {
            let p = store.find(&profile)?;
            let renamed = store.rename(&p.id, &new_name)?;
            out.show(&renamed, |r| render::renamed(&p.name, r))
        }
        Command::Duplicate { profile, name } => {
            let p = store.find(&profile)?;
            let copy = profiles::duplicate_profile(store, keychain, &p.id, name.as_deref())?;
            out.show(&copy, |c| render::duplicated(&p.name, c))
        }
        Command::Delete { profile } => {
            let p = store.find(&profile)?;
            let done = profiles::delete_profile(store, keychain, &p.id)?;
            out.show(&done, render::deleted)
        }
    }
}

fn save(a: SaveArgs, store: &ProfileStore, keychain: &Keychain, out: Out) -> Result<(), UserError> {
    let settings = a.connection.settings(&a.host, "");
    validate_options(&settings)?;
    profiles::validate_name(&a.name)?;
    let service = a.service.as_deref().map(find_sending_service).transpose()?;
    let existing = match store.find(&a.name) {
        Ok(p) => Some(p),
        Err(ProfileError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let password = if a.no_password {
        None
    } else {
        password::read(a.connection.user.as_deref(), a.connection.password_stdin)?
    };
    let new_password = password.is_some();
    // The service named, else (an update on the same server) the provider the profile was
    // made for.
    let provider_id = match service {
        Some(s) => Some(s.id),
        None => existing
            .as_ref()
            .filter(|p| p.settings.host.eq_ignore_ascii_case(&settings.host))
            .and_then(|p| p.provider_id.clone()),
    };
    let profile = profiles::save_profile(
        store,
        keychain,
        SaveRequest {
            id: existing.as_ref().map(|p| p.id.clone()),
            name: a.name,
            settings,
            password,
            provider_id,
        },
    )?;
    out.show(&profile, |p| {
        render::saved(p, existing.is_some(), new_password)
    })
}
