//! Operations in flight, by the id the window gave them, so `cancel` can stop one at once.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

/// The cancellation tokens of running checks, probes and sends.
#[derive(Debug, Default)]
pub struct Running {
    tokens: Mutex<HashMap<String, CancellationToken>>,
}

/// Removes its entry when the operation ends, however it ends.
#[derive(Debug)]
pub struct Ticket<'a> {
    running: &'a Running,
    id: String,
    /// The token the operation watches.
    pub token: CancellationToken,
}

impl Running {
    /// Registers `id`; a previous operation with the same id is cancelled first.
    pub fn start(&self, id: &str) -> Ticket<'_> {
        let token = CancellationToken::new();
        let mut map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = map.insert(id.to_owned(), token.clone()) {
            old.cancel();
        }
        Ticket {
            running: self,
            id: id.to_owned(),
            token,
        }
    }

    /// Cancels `id`; true if it was running.
    pub fn cancel(&self, id: &str) -> bool {
        let map = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(id) {
            Some(t) => {
                t.cancel();
                true
            }
            None => false,
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut map = self
            .running
            .tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // Only remove our own token: a newer operation may have reused the id.
        if map
            .get(&self.id)
            .is_some_and(|t| t.is_cancelled() == self.token.is_cancelled())
        {
            map.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_running_operation_and_the_entry_goes_when_it_ends() {
        let running = Running::default();
        {
            let ticket = running.start("a");
            assert!(running.cancel("a"));
            assert!(ticket.token.is_cancelled());
        }
        assert!(!running.cancel("a"));
    }

    #[test]
    fn a_new_operation_with_the_same_id_cancels_the_old_one() {
        let running = Running::default();
        let first = running.start("a");
        let second = running.start("a");
        assert!(first.token.is_cancelled());
        assert!(!second.token.is_cancelled());
    }
}
