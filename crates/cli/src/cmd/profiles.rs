//! `portolan profiles …`, `portolan export` and `portolan import`: the saved profiles the
//! desktop app uses (same file, same keychain entries), from the command line.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use portolan_core::error::{ErrorCode, UserError};
use portolan_core::export::{ExportInput, FormatId};
use portolan_core::ports::Security;
use portolan_core::profiles::{self, Profile, ProfileStore, SaveRequest};
use portolan_core::secrets::Keychain;
use portolan_core::settings::SmtpSettings;

use super::check::read_password;

/// The exit codes of the profile commands, shown in `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
   0  done
   2  the command line, a name or a file is wrong (nothing was changed)
   3  the keyring could not be used (nothing was changed)
   4  the profiles file could not be read or written
  70  Portolan itself failed

Profiles are kept in your settings folder (the desktop app's), passwords only in the
keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager).";

/// Options of `portolan profiles`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List the saved profiles.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile's settings (never its password).
    Show {
        /// The profile's name or id.
        profile: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
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
    /// The port; defaults to 465 for tls, 587 otherwise.
    #[arg(long, value_parser = super::check::parse_port, allow_negative_numbers = true)]
    port: Option<u16>,
    /// tls (encrypted from the start), starttls (upgrade with STARTTLS) or none.
    #[arg(long, default_value = "starttls")]
    security: Security,
    /// The sign-in name (often the full address). Without it, the profile does not sign in.
    #[arg(long)]
    user: Option<String>,
    /// The sender address (defaults to --user when it is an address).
    #[arg(long)]
    from: Option<String>,
    /// Allow sending the password over an unencrypted connection (unsafe).
    #[arg(long)]
    allow_plaintext_auth: bool,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// Do not save or change a password (keep the one already saved, if any).
    #[arg(long, conflicts_with = "password_stdin")]
    no_password: bool,
}

/// Options of `portolan export`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct ExportArgs {
    /// The saved profile's name or id.
    #[arg(required_unless_present = "list")]
    profile: Option<String>,
    /// The format (see --list), e.g. env, laravel, wp_mail_smtp, msmtprc, smtp_url.
    #[arg(long, short, default_value = "card")]
    format: FormatId,
    /// Write the saved password into the output. Left out by default.
    #[arg(long)]
    include_password: bool,
    /// List the formats and what each is for.
    #[arg(long)]
    list: bool,
}

/// Options of `portolan import`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct ImportArgs {
    /// A file exported by Portolan (JSON), or - to read standard input.
    file: PathBuf,
}

fn store() -> Result<ProfileStore, UserError> {
    Ok(ProfileStore::open_default()?)
}

/// The exit code of a failure: 3 for the keyring, 4 for the file, 2 for the rest.
fn failed(e: &UserError) -> ExitCode {
    eprintln!("✗ {}", e.message);
    if !e.hint.is_empty() {
        eprintln!("  {}", e.hint);
    }
    let code = match e.code {
        ErrorCode::KeychainUnavailable
        | ErrorCode::KeychainLocked
        | ErrorCode::KeychainPromptDismissed
        | ErrorCode::KeychainAccessDenied
        | ErrorCode::KeychainEntryNotFound
        | ErrorCode::KeychainInvalidValue
        | ErrorCode::KeychainFailed => 3,
        ErrorCode::ProfilesIo | ErrorCode::ProfilesNoConfigDir => 4,
        ErrorCode::Internal => 70,
        _ => 2,
    };
    ExitCode::from(code)
}

/// Prints the notices the store raised (a damaged file set aside, a migration), once.
fn print_notices(store: &ProfileStore) {
    for n in store.take_notices() {
        eprintln!("! {}", n.message);
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<(), UserError> {
    let s = serde_json::to_string_pretty(value).map_err(|e| {
        UserError::new(
            ErrorCode::Internal,
            format!("Could not write JSON ({e})."),
            "",
        )
    })?;
    outln!("{s}");
    Ok(())
}

/// Runs `portolan profiles …`.
pub fn run(args: Args) -> ExitCode {
    let result = (|| {
        let store = store()?;
        let keychain = Keychain::platform();
        let r = run_command(args.command, &store, &keychain);
        print_notices(&store);
        r
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(&e),
    }
}

fn run_command(cmd: Command, store: &ProfileStore, keychain: &Keychain) -> Result<(), UserError> {
    match cmd {
        Command::List { json: as_json } => {
            let list = store.list()?;
            for n in &list.notices {
                eprintln!("! {}", n.message);
            }
            if as_json {
                return json(&list.profiles);
            }
            if list.profiles.is_empty() {
                outln!(
                    "No saved profiles yet. Save one with: portolan profiles save NAME --host …"
                );
                return Ok(());
            }
            for p in &list.profiles {
                outln!("{}", summary_line(p));
            }
            Ok(())
        }
        Command::Show {
            profile,
            json: as_json,
        } => {
            let p = store.find(&profile)?;
            if as_json {
                return json(&p);
            }
            let input = ExportInput {
                name: Some(p.name.clone()),
                profile_id: Some(p.id.clone()),
                settings: p.settings.clone(),
                password: None,
            };
            let card = portolan_core::export::export(FormatId::Card, &input, false)?;
            out!("{}", card.text);
            outln!("Id: {}", p.id);
            outln!(
                "Password: {}",
                if p.password_saved {
                    "saved in the keyring"
                } else {
                    "none saved"
                }
            );
            Ok(())
        }
        Command::Save(a) => save(a, store, keychain),
        Command::Rename { profile, new_name } => {
            let p = store.find(&profile)?;
            let renamed = store.rename(&p.id, &new_name)?;
            outln!("✓ Renamed \"{}\" to \"{}\".", p.name, renamed.name);
            Ok(())
        }
        Command::Duplicate { profile, name } => {
            let p = store.find(&profile)?;
            let copy = profiles::duplicate_profile(store, keychain, &p.id, name.as_deref())?;
            outln!(
                "✓ Saved a copy of \"{}\" as \"{}\" ({}).",
                p.name,
                copy.name,
                copy.id
            );
            Ok(())
        }
        Command::Delete { profile } => {
            let p = store.find(&profile)?;
            let done = profiles::delete_profile(store, keychain, &p.id)?;
            outln!(
                "✓ Deleted \"{}\"{}.",
                done.profile.name,
                if done.password_removed {
                    " and its password in the keyring"
                } else {
                    ""
                }
            );
            Ok(())
        }
    }
}

fn summary_line(p: &Profile) -> String {
    let s = &p.settings;
    format!(
        "{}  {}:{} {}{}{}  [{}]",
        p.name,
        s.host,
        s.port,
        s.security.label(),
        s.username
            .as_deref()
            .map(|u| format!(", user {u}"))
            .unwrap_or_default(),
        if p.password_saved {
            ", password in keyring"
        } else {
            ""
        },
        p.id
    )
}

fn save(a: SaveArgs, store: &ProfileStore, keychain: &Keychain) -> Result<(), UserError> {
    let port = a.port.unwrap_or(a.security.default_port());
    let from = a
        .from
        .clone()
        .or_else(|| a.user.clone().filter(|u| u.contains('@')))
        .unwrap_or_default();
    let settings = SmtpSettings {
        host: a.host.clone(),
        port,
        security: a.security,
        username: a.user.clone(),
        from,
        allow_plaintext_auth: a.allow_plaintext_auth,
        cert_exception: None,
    };
    super::check::validate_settings(&settings, None)?;
    profiles::validate_name(&a.name)?;
    let existing = match store.find(&a.name) {
        Ok(p) => Some(p),
        Err(profiles::ProfileError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let password = if a.no_password {
        None
    } else {
        read_password(a.user.as_deref(), a.password_stdin)?
    };
    let had_password = password.is_some();
    let profile = profiles::save_profile(
        store,
        keychain,
        SaveRequest {
            id: existing.as_ref().map(|p| p.id.clone()),
            name: a.name,
            settings,
            password,
        },
    )?;
    outln!(
        "✓ {} \"{}\" ({}){}.",
        if existing.is_some() {
            "Updated"
        } else {
            "Saved"
        },
        profile.name,
        profile.id,
        if had_password {
            ", password in the keyring"
        } else if profile.password_saved {
            ", the saved password kept"
        } else {
            ""
        }
    );
    Ok(())
}

/// Runs `portolan export`.
pub fn run_export(args: ExportArgs) -> ExitCode {
    if args.list {
        for f in portolan_core::export::formats() {
            outln!("{:<17} {} — {}", f.id.as_str(), f.label, f.description);
        }
        return ExitCode::SUCCESS;
    }
    let result = (|| {
        let store = store()?;
        let key = args.profile.clone().unwrap_or_default();
        let p = store.find(&key)?;
        print_notices(&store);
        let password = if args.include_password && p.password_saved {
            profiles::profile_password(&Keychain::platform(), &p)?
        } else {
            None
        };
        let input = ExportInput {
            name: Some(p.name.clone()),
            profile_id: Some(p.id.clone()),
            settings: p.settings.clone(),
            password,
        };
        Ok::<_, UserError>(portolan_core::export::export(
            args.format,
            &input,
            args.include_password,
        )?)
    })();
    match result {
        Ok(exported) => {
            for w in &exported.warnings {
                eprintln!("! {w}");
            }
            out!("{}", exported.text);
            if !exported.text.ends_with('\n') {
                outln!();
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

/// Runs `portolan import`.
pub fn run_import(args: ImportArgs) -> ExitCode {
    let result = (|| {
        let text = read_import(&args.file)?;
        let store = store()?;
        let p = profiles::import_profile(&store, &Keychain::platform(), &text)?;
        print_notices(&store);
        Ok::<_, UserError>(p)
    })();
    match result {
        Ok(p) => {
            outln!(
                "✓ Imported \"{}\" ({}){}.",
                p.name,
                p.id,
                if p.password_saved {
                    ", password in the keyring"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

/// Reads the file to import, bounded: a Portolan file is small.
fn read_import(path: &PathBuf) -> Result<String, UserError> {
    let limit = portolan_core::export::MAX_IMPORT_LEN as u64 + 1;
    let mut bytes = Vec::new();
    let unreadable = |e: std::io::Error| {
        UserError::new(
            ErrorCode::ImportUnreadable,
            format!("{} could not be read ({e}).", path.display()),
            "Check the file's name and that you can open it.",
        )
    };
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .map_err(unreadable)?;
    }
    String::from_utf8(bytes).map_err(|_| {
        UserError::new(
            ErrorCode::ImportInvalid,
            format!("{} is not a text file.", path.display()),
            "Choose the .json file Portolan exported.",
        )
    })
}
