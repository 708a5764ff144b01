//! When a failed call is sent again, and when it is not.
//!
//! - `503 QUERY_LIMIT_EXCEEDED`: the portal refused the request before running it, so sending
//!   it again is always safe; we back off exponentially.
//! - `429 OPERATION_TIME_LIMIT`: the method is blocked for this caller until its time budget
//!   frees up; we wait (short by default, with a cap on the total) and try again.
//! - `401 expired_token` with OAuth: one refresh, then one more try (see [`crate::Credentials`]).
//! - A timeout or transport failure: the request may have run. Only methods known to be
//!   read-only ([`is_read_only`]) are sent again; a write is never duplicated.
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
            error.is_query_limit_exceeded() || (read_only && error.is_transport());
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
mod tests {
    use super::*;

    fn api(status: u16, code: &str) -> Error {
        Error::from_error_body(status, format!(r#"{{"error":"{code}"}}"#).as_bytes())
    }

    fn run(policy: &RetryPolicy, error: &Error, read_only: bool, can_refresh: bool) -> Vec<Next> {
        let mut attempts = Attempts::default();
        let mut seen = Vec::new();
        loop {
            attempts.sent();
            let next = attempts.next(policy, error, read_only, can_refresh);
            seen.push(next);
            if next == Next::GiveUp || seen.len() > 20 {
                return seen;
            }
        }
    }

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn query_limit_backs_off_exponentially_until_max_attempts() {
        let seen = run(
            &RetryPolicy::default(),
            &api(503, "QUERY_LIMIT_EXCEEDED"),
            false,
            false,
        );
        assert_eq!(
            seen,
            [
                Next::Retry { wait: ms(500) },
                Next::Retry { wait: ms(1000) },
                Next::Retry { wait: ms(2000) },
                Next::Retry { wait: ms(4000) },
                Next::GiveUp,
            ]
        );
    }

    #[test]
    fn operation_time_limit_waits_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        let seen = run(&policy, &api(429, "OPERATION_TIME_LIMIT"), true, false);
        // 1 + 2 + 4 = 7 s; another 8 s would pass the 10 s cap.
        assert_eq!(
            seen,
            [
                Next::Retry { wait: ms(1000) },
                Next::Retry { wait: ms(2000) },
                Next::Retry { wait: ms(4000) },
                Next::GiveUp,
            ]
        );
    }

    #[test]
    fn writes_are_never_sent_twice_after_a_timeout() {
        let timeout = Error::Timeout(Duration::from_secs(1));
        assert_eq!(
            run(&RetryPolicy::default(), &timeout, false, true),
            [Next::GiveUp]
        );
        let reads = run(&RetryPolicy::default(), &timeout, true, true);
        assert_eq!(reads.len(), 5);
        assert_eq!(reads.last(), Some(&Next::GiveUp));
    }

    #[test]
    fn expired_token_refreshes_once_and_outside_the_attempt_budget() {
        let expired = api(401, "expired_token");
        let policy = RetryPolicy::never();
        assert_eq!(
            run(&policy, &expired, false, true),
            [Next::Refresh, Next::GiveUp]
        );
        assert_eq!(run(&policy, &expired, false, false), [Next::GiveUp]);
    }

    #[test]
    fn other_errors_are_returned_at_once() {
        for error in [
            api(400, "ERROR_ARGUMENT"),
            api(403, "ACCESS_DENIED"),
            api(503, "OVERLOAD_LIMIT"),
            api(401, "invalid_token"),
            Error::decode(502, "html"),
        ] {
            assert_eq!(
                run(&RetryPolicy::default(), &error, true, true),
                [Next::GiveUp]
            );
        }
    }

    #[test]
    fn read_only_names_are_explicit() {
        for read in [
            "imopenlines.crm.chat.get",
            "IMOPENLINES.CRM.CHAT.GETLASTID",
            "imopenlines.config.list.get",
            "crm.deal.list",
            "methods",
            "scope",
            "profile",
            "app.info",
            "user.current",
            "feature.get",
            "method.get",
            "server.time",
            "profile.xml",
        ] {
            assert!(is_read_only(read), "{read}");
        }
        for write in [
            "imopenlines.crm.chat.user.add",
            "imopenlines.crm.lead.create",
            "imopenlines.session.open",
            "batch",
            "getter",
            "crm.deal.listen",
        ] {
            assert!(!is_read_only(write), "{write}");
        }
    }

    #[test]
    fn doubling_saturates() {
        assert_eq!(doubled(Duration::from_secs(1), 40), Duration::MAX);
        assert_eq!(
            RetryPolicy::default().backoff(u32::MAX),
            Duration::from_secs(8)
        );
    }
}
