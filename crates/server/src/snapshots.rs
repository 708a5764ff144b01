//! The data states a running server can go back to: the one it loaded at start (`reset`) and
//! the ones taken by name (`snapshot NAME`, `restore NAME`). Each is a
//! [`storage::snapshot::Snapshot`](crate::storage::snapshot::Snapshot) held in memory, so
//! they last as long as the process, like the fault switches and the journal.

use crate::storage::snapshot::Snapshot;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Most named snapshots kept at once (each holds a copy of the data in memory).
pub const MAX_NAMED: usize = 32;
/// Longest snapshot name.
pub const MAX_NAME_LEN: usize = 64;

/// The start state and the named snapshots.
#[derive(Debug, Default)]
pub struct Snapshots {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    start: Option<Arc<Snapshot>>,
    named: BTreeMap<String, Arc<Snapshot>>,
}

/// Why a snapshot name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("A snapshot name has 1 to {MAX_NAME_LEN} letters, digits, '-', '_' or '.'; got {0:?}")]
    Invalid(String),
    #[error("{MAX_NAMED} snapshots are kept at most; delete one first")]
    Full,
}

/// Checks a snapshot name (it travels in URL paths and shell arguments).
pub fn check_name(name: &str) -> Result<(), NameError> {
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(NameError::Invalid(name.to_owned()))
    }
}

impl Snapshots {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Plain data: a panic elsewhere while holding the lock leaves nothing half-done.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers the state loaded at start.
    pub fn set_start(&self, snapshot: Snapshot) {
        self.lock().start = Some(Arc::new(snapshot));
    }

    /// The state loaded at start, if one was taken.
    pub fn start(&self) -> Option<Arc<Snapshot>> {
        self.lock().start.clone()
    }

    /// Keeps `snapshot` as `name`, replacing one of that name.
    pub fn put(&self, name: &str, snapshot: Snapshot) -> Result<(), NameError> {
        check_name(name)?;
        let mut inner = self.lock();
        if !inner.named.contains_key(name) && inner.named.len() >= MAX_NAMED {
            return Err(NameError::Full);
        }
        inner.named.insert(name.to_owned(), Arc::new(snapshot));
        Ok(())
    }

    /// The snapshot called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<Snapshot>> {
        self.lock().named.get(name).cloned()
    }

    /// Forgets the snapshot called `name`; whether there was one.
    pub fn remove(&self, name: &str) -> bool {
        self.lock().named.remove(name).is_some()
    }

    /// The names, in order.
    pub fn names(&self) -> Vec<String> {
        self.lock().named.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_and_plain() {
        assert!(check_name("before-login_2.1").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a/b").is_err());
        assert!(check_name(&"x".repeat(MAX_NAME_LEN + 1)).is_err());
    }
}
