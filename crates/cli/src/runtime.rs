//! The async runtime a command runs the engine on, with Ctrl-C wired to cancel.

use std::future::Future;

use portolan_core::error::{FaceError, UserError};
use tokio_util::sync::CancellationToken;

/// Runs `work` to completion on a small runtime. With `cancel`, Ctrl-C cancels it (the work
/// then ends with its own "cancelled" answer); without, Ctrl-C stops the process as usual.
pub fn block_on<T>(
    cancel: Option<&CancellationToken>,
    work: impl Future<Output = T>,
) -> Result<T, UserError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| FaceError::Start(e.to_string()))?;
    let token = cancel.cloned();
    Ok(rt.block_on(async move {
        if let Some(token) = token {
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    token.cancel();
                }
            });
        }
        work.await
    }))
}
