//! The async runtime a command runs the engine on, with Ctrl-C wired to cancel.

use std::future::Future;

use portolan_core::error::{FaceError, UserError};
use tokio_util::sync::CancellationToken;

/// Runs `work` to completion on a small runtime, and returns as soon as it is done. With `cancel`, Ctrl-C cancels it (the work
/// then ends with its own "cancelled" answer); without, Ctrl-C stops the process as usual.
pub fn block_on<T>(
    cancel: Option<&CancellationToken>,
    work: impl Future<Output = T>,
) -> Result<T, UserError> {
    // One thread: the engine waits on the network, and a check's every reply is handled
    // where it arrives, without waking another thread (the catalogue and the trusted
    // authorities are read on threads of their own).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FaceError::Start(e.to_string()))?;
    let token = cancel.cloned();
    let out = rt.block_on(async move {
        if let Some(token) = token {
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    token.cancel();
                }
            });
        }
        work.await
    });
    // What is left (the goodbye after a check, the Ctrl-C watcher) is not waited for: the
    // answer is known, and joining the worker threads would only delay it.
    rt.shutdown_background();
    Ok(out)
}
