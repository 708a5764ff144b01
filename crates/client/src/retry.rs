//! When a failed call is sent again, and when it is not.
//!
//! - `503 QUERY_LIMIT_EXCEEDED`: the portal refused the request before running it, so sending
//!   it again is always safe; we back off exponentially.
//! - `429 OPERATION_TIME_LIMIT`: the method is blocked for this caller until its time budget
//!   frees up; we wait (short by default, with a cap on the total) and try again.
//! - `401 expired_token` with OAuth: one refresh, then one more try (see [`crate::Credentials`]).
//! - A timeout or transport failure: the request may have run. Only methods known to be
//!   read-only ([`is_read_only`]) are sent again; a write is never duplicated.
//! - No connection at all (refused, unknown host, untrusted certificate,
//!   [`Error::is_connect_failure`]): returned at once. Waiting a few seconds does not start
//!   a server or make a certificate trusted; the caller should hear at once what is wrong.
//! - Everything else is returned at once.
//!
//! The decision is a pure function of the policy, what happened so far and the error, so it
//! is tested without a server.

use crate::Error;
use std::time::Duration;

/// How persistent the client is.
///
/// ```
/// use openlines_client::RetryPolicy;
/// use std::time::Duration;
/// let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
/// assert_eq!(policy.backoff(0), Duration::from_millis(500));
/// assert_eq!(policy.backoff(1), Duration::from_secs(1));
/// assert_eq!(RetryPolicy::never().max_attempts, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How often one call (or one batch request) is sent at most, the first time included.
    /// The one extra try after a token refresh is not counted.
    pub max_attempts: u32,
    /// The wait before the first retry after `QUERY_LIMIT_EXCEEDED` or a read's transport
    /// failure; it doubles with each further retry.
    pub initial_backoff: Duration,
    /// The longest single backoff.
    pub max_backoff: Duration,
    /// The first wait after `OPERATION_TIME_LIMIT`; it doubles with each further one.
    pub time_limit_wait: Duration,
    /// The most one call waits on `OPERATION_TIME_LIMIT` in total before giving up. A real
    /// portal may block a method for up to ten minutes; the default gives up long before.
    pub time_limit_max_wait: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts; backoff 0.5 s doubling up to 8 s; time-limit waits 1 s doubling, at
    /// most 10 s in total.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            time_limit_wait: Duration::from_secs(1),
            time_limit_max_wait: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Never send a call twice (the token refresh still happens).
    ///
    /// ```
    /// # use openlines_client::RetryPolicy;
    /// assert_eq!(RetryPolicy::never().max_attempts, 1);
    /// ```
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0 for the first): `initial_backoff * 2^retry`,
    /// at most `max_backoff`.
    ///
    /// ```
    /// # use openlines_client::RetryPolicy;
    /// # use std::time::Duration;
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.backoff(2), Duration::from_secs(2));
    /// assert_eq!(policy.backoff(30), Duration::from_secs(8));
    /// ```
    pub fn backoff(&self, retry: u32) -> Duration {
        doubled(self.initial_backoff, retry).min(self.max_backoff)
    }
}

fn doubled(base: Duration, times: u32) -> Duration {
    1u32.checked_shl(times)
        .and_then(|factor| base.checked_mul(factor))
        .unwrap_or(Duration::MAX)
}

/// Methods that only read: safe to send again after a timeout or transport failure.
///
/// Exactly these names (case-insensitive, an optional `.json`/`.xml` suffix ignored):
/// anything ending in `.get`, `.list` or `.getlastid`, and `server.time`, `methods`, `scope`,
/// `profile`, `method.get`, `app.info`, `user.current`, `feature.get`. Everything else,
/// including `batch` unless all its commands are reads, counts as a write.
///
/// ```
/// use openlines_client::is_read_only;
/// assert!(is_read_only("imopenlines.crm.chat.get"));
/// assert!(is_read_only("imopenlines.crm.chat.getLastId"));
/// assert!(is_read_only("server.time.json"));
/// assert!(!is_read_only("imopenlines.crm.message.add"));
/// assert!(!is_read_only("batch"));
/// ```
pub fn is_read_only(method: &str) -> bool {
    const EXACT: &[&str] = &[
        "server.time",
        "methods",
        "scope",
        "profile",
        "method.get",
        "app.info",
        "user.current",
        "feature.get",
    ];
    const SUFFIXES: &[&str] = &[".get", ".list", ".getlastid"];
    let lower = method.trim().to_ascii_lowercase();
    let name = lower
        .strip_suffix(".json")
        .or_else(|| lower.strip_suffix(".xml"))
        .unwrap_or(&lower);
    EXACT.contains(&name) || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// A transport failure that another try might get past: a timeout or a connection lost
/// mid-request, not a connection that could not be made at all.
fn retryable_transport(error: &Error) -> bool {
    error.is_transport() && !error.is_connect_failure()
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Refresh the OAuth token, then send again at once.
    Refresh,
    /// Wait, then send again.
    Retry { wait: Duration },
    /// Return the error.
    GiveUp,
}

/// What happened so far to one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Attempts {
    /// Sends so far, not counting the one after a refresh.
    sent: u32,
    refreshed: bool,
    backoffs: u32,
    time_limit_waits: u32,
    time_limit_waited: Duration,
}

impl Attempts {
    /// Records a send.
    pub(crate) fn sent(&mut self) {
        self.sent += 1;
    }

    /// Decides what follows `error`. `read_only` says whether sending again could duplicate a
    /// write; `can_refresh` whether an OAuth refresh is configured.
    pub(crate) fn next(
        &mut self,
        policy: &RetryPolicy,
        error: &Error,
        read_only: bool,
        can_refresh: bool,
    ) -> Next {
        if error.is_expired_token() {
            if can_refresh && !self.refreshed {
                self.refreshed = true;
                // The send after a refresh is a bonus, outside max_attempts.
                self.sent = self.sent.saturating_sub(1);
                return Next::Refresh;
            }
            return Next::GiveUp;
        }
        if self.sent >= policy.max_attempts {
            return Next::GiveUp;
        }
        let retry_after_backoff =
            error.is_query_limit_exceeded() || (read_only && retryable_transport(error));
        if retry_after_backoff {
            let wait = policy.backoff(self.backoffs);
            self.backoffs += 1;
            return Next::Retry { wait };
        }
        if error.is_operation_time_limit() {
            let wait = doubled(policy.time_limit_wait, self.time_limit_waits);
            let total = self.time_limit_waited.saturating_add(wait);
            if total > policy.time_limit_max_wait {
                return Next::GiveUp;
            }
            self.time_limit_waits += 1;
            self.time_limit_waited = total;
            return Next::Retry { wait };
        }
        Next::GiveUp
    }
}

#[cfg(test)]
mod tests;
