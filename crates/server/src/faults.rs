//! Switchable faults for integrators (off until switched on): make the server misbehave on
//! purpose so a client's retries, backoff and token refresh can be tested.
//!
//! A fault applies to every caller, or only to one webhook or one OAuth token (matched by the
//! hash of the presented secret). Request-level faults (latency, forced rate limit, redirect)
//! act at the HTTP edge; method-level ones (forced operating-time limit, forced 500) act in
//! `dispatch`, so they reach `batch` commands too. Delivery faults (`event_*`) act on the
//! deliveries of raised events (`crate::events`) and apply whatever their scope.

use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// After `after_calls` more calls, every call answers `503 QUERY_LIMIT_EXCEEDED`.
    QueryLimit { after_calls: u64 },
    /// Calls of `method` answer `429 OPERATION_TIME_LIMIT`.
    OperationTimeLimit { method: String },
    /// Every call waits `min_ms`..=`max_ms` milliseconds before it runs.
    Latency { min_ms: u64, max_ms: u64 },
    /// The next `count` calls of `method` answer `500 INTERNAL_SERVER_ERROR`.
    InternalError { method: String, count: u64 },
    /// Every call answers `302` to the same path on `new_base` (a portal that moved).
    Redirect { new_base: String },
    /// Raised events are delivered no sooner than `delay_ms` after they are due (a slow queue).
    EventDelay { delay_ms: u64 },
    /// Each delivery waits `delay_ms` before it is sent (a handler or network that is slow).
    EventHandlerSlow { delay_ms: u64 },
    /// The next `count` delivery attempts are not sent and count as failed, so they are
    /// retried (a handler that was down).
    EventHandlerFailing { count: u64 },
    /// The next `count` deliveries are sent twice (at-least-once delivery's duplicate).
    EventDuplicate { count: u64 },
}

/// Whom a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FaultScope {
    #[default]
    Global,
    /// Calls made with the webhook whose code hashes to this.
    Webhook(String),
    /// Calls made with the access token that hashes to this.
    Token(String),
}

/// A fault that is switched on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub kind: FaultKind,
    pub scope: FaultScope,
    /// Calls seen so far (for `query_limit` and `internal_error`).
    pub seen: u64,
}

/// What the edge must do for one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestFaults {
    pub latency_ms: u64,
    pub query_limit: bool,
    pub redirect_to: Option<String>,
}

/// What one delivery attempt must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryFaults {
    /// Wait this long before sending.
    pub slow_ms: u64,
    /// Do not send; count the attempt as failed.
    pub fail: bool,
    /// Send twice.
    pub duplicate: bool,
}

/// What `dispatch` must do for one method call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodFault {
    OperationTimeLimit,
    InternalError,
}

/// The faults switched on in this process.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<Fault>)>,
}

impl Faults {
    /// Switches a fault on; returns its id.
    pub fn add(&self, kind: FaultKind, scope: FaultScope) -> u64 {
        let mut inner = self.lock();
        inner.0 += 1;
        let id = inner.0;
        inner.1.push(Fault {
            id,
            kind,
            scope,
            seen: 0,
        });
        id
    }

    /// Every fault that is on.
    pub fn list(&self) -> Vec<Fault> {
        self.lock().1.clone()
    }

    /// Switches one fault off; `false` if there was none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut inner = self.lock();
        let before = inner.1.len();
        inner.1.retain(|fault| fault.id != id);
        inner.1.len() != before
    }

    /// Switches every fault off; returns how many were on.
    pub fn clear(&self) -> usize {
        let mut inner = self.lock();
        let count = inner.1.len();
        inner.1.clear();
        count
    }

    /// Whether no fault is on (the fast path of every request).
    pub fn is_empty(&self) -> bool {
        self.lock().1.is_empty()
    }

    /// The request-level faults for a caller whose credential hashes to `credential`.
    pub fn for_request(
        &self,
        credential: &str,
        latency_pick: impl Fn(u64, u64) -> u64,
    ) -> RequestFaults {
        let mut inner = self.lock();
        let mut out = RequestFaults::default();
        for fault in inner
            .1
            .iter_mut()
            .filter(|fault| applies(&fault.scope, credential))
        {
            match &fault.kind {
                FaultKind::Latency { min_ms, max_ms } => {
                    out.latency_ms += latency_pick(*min_ms, (*max_ms).max(*min_ms));
                }
                FaultKind::QueryLimit { after_calls } => {
                    fault.seen += 1;
                    out.query_limit |= fault.seen > *after_calls;
                }
                FaultKind::Redirect { new_base } => out.redirect_to = Some(new_base.clone()),
                FaultKind::OperationTimeLimit { .. }
                | FaultKind::InternalError { .. }
                | FaultKind::EventDelay { .. }
                | FaultKind::EventHandlerSlow { .. }
                | FaultKind::EventHandlerFailing { .. }
                | FaultKind::EventDuplicate { .. } => {}
            }
        }
        out
    }

    /// The method-level fault for `method`, if any; spends one of an `internal_error`'s calls.
    pub fn for_method(&self, credential: &str, method: &str) -> Option<MethodFault> {
        let mut inner = self.lock();
        let mut found = None;
        inner.1.retain_mut(|fault| {
            if !applies(&fault.scope, credential) {
                return true;
            }
            match &fault.kind {
                FaultKind::OperationTimeLimit { method: target }
                    if target.eq_ignore_ascii_case(method) =>
                {
                    found = found.or(Some(MethodFault::OperationTimeLimit));
                    true
                }
                FaultKind::InternalError {
                    method: target,
                    count,
                } if target.eq_ignore_ascii_case(method) && found.is_none() => {
                    fault.seen += 1;
                    found = Some(MethodFault::InternalError);
                    // Spent after `count` calls: the fault switches itself off.
                    fault.seen < *count
                }
                _ => true,
            }
        });
        found
    }

    /// How long deliveries are held back after they are due (`event_delay`), in ms.
    pub fn delivery_delay_ms(&self) -> u64 {
        self.lock()
            .1
            .iter()
            .map(|fault| match fault.kind {
                FaultKind::EventDelay { delay_ms } => delay_ms,
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    /// The faults of one delivery attempt; spends one of each counted fault's deliveries,
    /// which switches itself off when spent.
    pub fn for_delivery(&self) -> DeliveryFaults {
        let mut inner = self.lock();
        let mut out = DeliveryFaults::default();
        inner.1.retain_mut(|fault| match fault.kind {
            FaultKind::EventHandlerSlow { delay_ms } => {
                out.slow_ms = out.slow_ms.max(delay_ms);
                true
            }
            FaultKind::EventHandlerFailing { count } if !out.fail => {
                out.fail = true;
                fault.seen += 1;
                fault.seen < count
            }
            FaultKind::EventDuplicate { count } if !out.duplicate => {
                out.duplicate = true;
                fault.seen += 1;
                fault.seen < count
            }
            _ => true,
        });
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, Vec<Fault>)> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn applies(scope: &FaultScope, credential: &str) -> bool {
    match scope {
        FaultScope::Global => true,
        FaultScope::Webhook(hash) | FaultScope::Token(hash) => hash == credential,
    }
}

#[cfg(test)]
mod tests;
