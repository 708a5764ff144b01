//! The caller cache on PostgreSQL: a webhook caller checked in the first statement of the
//! call instead of a round trip of its own.
//!
//! Why: over PostgreSQL every statement is a network round trip, and a chat.get was two (the
//! caller's webhooks, then the chats). The instance keeps each webhook user's live webhooks
//! and user row, as `LIVE_WEBHOOKS_WITH_USER` read them, with the user's `auth_version`
//! (migration 0012: every write that changes what a webhook check sees restamps it, in the
//! writing transaction). The check then runs on the kept rows, and the call's first statement
//! reads the user's `auth_version` beside its own rows, in the same snapshot. Equal: nothing
//! the check read has changed since it was kept, so the answer is the one a fresh check would
//! have given at that moment. Different (or the user is gone): the answer is thrown away, the
//! entry dropped, and the whole call runs again with a fresh check. Revocations, expiry
//! (checked against the kept `expires_at` on every call), rights, department and active
//! flag therefore take effect on the next request on every instance.
//!
//! Only read-only requests use kept rows (`Store::on_one_snapshot`), because only they can be
//! run again; their state lives in a Tokio task-local so the storage functions keep their
//! signatures. A request that used kept rows and ran no confirming statement (an error before
//! any read, say) is confirmed by one `SELECT auth_version` at its end. OAuth tokens are not
//! kept: they rotate, and their check stays one statement of its own.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many webhook users an instance keeps before it starts over (entries are small; the
/// bound only stops a portal with very many webhook users from growing without end).
const MAX_USERS: usize = 65_536;

/// The kept rows of one user, with the user's `auth_version` when they were read.
pub(super) struct Kept<R> {
    pub(super) version: i64,
    pub(super) rows: Arc<[R]>,
}

/// Webhook users' kept rows, shared by every request of the instance.
pub(super) struct CallerCache<R> {
    by_user: Mutex<HashMap<i64, Kept<R>>>,
}

impl<R> std::fmt::Debug for CallerCache<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallerCache")
    }
}

impl<R> CallerCache<R> {
    pub(super) fn new() -> Self {
        CallerCache {
            by_user: Mutex::new(HashMap::new()),
        }
    }

    /// The kept rows of `user_id`, if any; only a read-only request may use them, and using
    /// them marks the request as to be confirmed.
    pub(super) fn take_for_request(&self, user_id: i64) -> Option<Arc<[R]>> {
        if !matches!(current(), Some(Check::Unused)) {
            return None;
        }
        let (version, rows) = {
            let by_user = self.by_user.lock().ok()?;
            let kept = by_user.get(&user_id)?;
            (kept.version, Arc::clone(&kept.rows))
        };
        set(Check::Unconfirmed { user_id, version });
        Some(rows)
    }

    /// Keeps what a fresh check read.
    pub(super) fn keep(&self, user_id: i64, kept: Kept<R>) {
        if let Ok(mut by_user) = self.by_user.lock() {
            if by_user.len() >= MAX_USERS && !by_user.contains_key(&user_id) {
                by_user.clear();
            }
            by_user.insert(user_id, kept);
        }
    }

    /// Forgets `user_id`'s rows (they no longer match the database).
    pub(super) fn forget(&self, user_id: i64) {
        if let Ok(mut by_user) = self.by_user.lock() {
            by_user.remove(&user_id);
        }
    }
}

/// Where a read-only request stands with the caller cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    /// No kept rows used (yet).
    Unused,
    /// The caller was checked on kept rows stamped `version`; not yet confirmed.
    Unconfirmed { user_id: i64, version: i64 },
    /// A statement saw the kept version still current.
    Confirmed,
    /// A statement saw another version: the request's answer must be thrown away.
    Stale { user_id: i64 },
}

tokio::task_local! {
    static CHECK: Cell<Check>;
}

fn current() -> Option<Check> {
    CHECK.try_with(Cell::get).ok()
}

fn set(check: Check) {
    let _ = CHECK.try_with(|cell| cell.set(check));
}

/// The user whose kept version the next statement must confirm, and that version.
pub(super) fn to_confirm() -> Option<(i64, i64)> {
    match current()? {
        Check::Unconfirmed { user_id, version } => Some((user_id, version)),
        _ => None,
    }
}

/// Records what a confirming statement read as the user's version (`None`: no such user).
/// `false` when the request's kept rows were stale: the statement's rows must not be used.
pub(super) fn settle(read: Option<i64>) -> bool {
    let Some((user_id, version)) = to_confirm() else {
        return true;
    };
    if read == Some(version) {
        set(Check::Confirmed);
        true
    } else {
        set(Check::Stale { user_id });
        false
    }
}

/// Runs `future` as a read-only request that may use kept rows; returns its output and where
/// it ended with the cache.
pub(super) async fn run_checked<F: std::future::Future>(future: F) -> (F::Output, Check) {
    CHECK
        .scope(Cell::new(Check::Unused), async {
            let output = future.await;
            (output, current().unwrap_or(Check::Unused))
        })
        .await
}

#[cfg(test)]
mod tests;
