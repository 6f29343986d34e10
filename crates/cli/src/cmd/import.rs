//! `portolan import`: a profile exported by Portolan, from a file or standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use portolan_core::error::{FaceError, UserError};
use portolan_core::profiles::{self, ProfileStore};
use portolan_core::secrets::Keychain;

use crate::exit::Exit;
use crate::render::{self, Out};

/// Options of `portolan import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A file exported by Portolan (JSON), or - to read standard input.
    file: PathBuf,
}

/// Runs `portolan import`.
pub fn run(args: Args, out: Out) -> Result<Exit, UserError> {
    let text = read_import(&args.file)?;
    let store = ProfileStore::open_default()?;
    let imported = profiles::import_profile(&store, &Keychain::platform(), &text);
    out.notices(&store.take_notices());
    out.show(&imported?, render::imported)?;
    Ok(Exit::Done)
}

/// Reads the file to import, bounded: a Portolan file is small.
fn read_import(path: &Path) -> Result<String, UserError> {
    let limit = portolan_core::export::MAX_IMPORT_LEN as u64 + 1;
    let mut bytes = Vec::new();
    let unreadable = |e: std::io::Error| FaceError::ImportUnreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
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
    String::from_utf8(bytes)
        .map_err(|_| FaceError::ImportNotText(path.display().to_string()).into())
}
