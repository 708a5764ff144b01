//! Event delivery: the portal's half of `event.bind`, calling the application back.
//!
//! Writes put their events in the outbox inside their own transactions
//! (`storage::events`). Here a background task, started by [`crate::serve`], claims due rows
//! and POSTs each to its handler ([`delivery`]), at least once, with retries and backoff; the
//! admin endpoint's `events/flush` runs the same loop until nothing is left, so a test can
//! assert on its handler without sleeping.
//!
//! Several servers on one database share the work safely: a row is delivered by whoever
//! claims it (`storage::event_outbox`), and a claim left by a server that died is taken over
//! after [`STALE_CLAIM`].

pub mod delivery;

use crate::state::AppState;
use crate::storage::StoreError;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often the background task looks for due rows.
const POLL: Duration = Duration::from_millis(250);
/// A claim older than this belongs to a server that is gone; another may take the row.
pub const STALE_CLAIM: Duration = Duration::from_secs(60);
/// Rows one claim takes (each handler's head only, see `storage::event_outbox`).
const CLAIM_BATCH: i64 = 32;

/// Where this server is reached, for the `auth[domain]` and endpoints of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `host:port`, as a portal's `domain`.
    pub domain: String,
    /// `http://host:port` or `https://…`.
    pub base: String,
}

impl Endpoint {
    /// The endpoint of a listener.
    pub fn new(address: SocketAddr, https: bool) -> Self {
        let scheme = if https { "https" } else { "http" };
        Endpoint {
            domain: address.to_string(),
            base: format!("{scheme}://{address}"),
        }
    }
}

/// What deliveries share: this server's endpoint, the HTTP client, and a name for claims.
#[derive(Debug)]
pub struct Courier {
    endpoint: OnceLock<Endpoint>,
    http: reqwest::Client,
    /// Tells this server's claims from another's.
    instance: String,
}

impl Default for Courier {
    fn default() -> Self {
        Courier {
            endpoint: OnceLock::new(),
            http: reqwest::Client::builder()
                .timeout(delivery::HANDLER_TIMEOUT)
                .build()
                .unwrap_or_default(),
            instance: hex::encode(rand::random::<[u8; 8]>()),
        }
    }
}

impl Courier {
    /// Sets the endpoint the first time a listener starts (later ones keep the first);
    /// `true` that first time, when the caller starts the one delivery task of this server.
    pub fn set_endpoint(&self, endpoint: Endpoint) -> bool {
        self.endpoint.set(endpoint).is_ok()
    }

    fn endpoint(&self) -> Endpoint {
        self.endpoint.get().cloned().unwrap_or_else(|| Endpoint {
            domain: "127.0.0.1".into(),
            base: "http://127.0.0.1".into(),
        })
    }
}

/// Delivers due rows until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(error) = deliver_due(&state).await {
            tracing::warn!(error.cause = %error, "event delivery pass failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => break,
        }
    }
}

/// Claims and delivers every row due now; returns how many attempts were made.
pub async fn deliver_due(state: &AppState) -> Result<usize, StoreError> {
    let courier = state.courier();
    let endpoint = courier.endpoint();
    let mut attempts = 0;
    loop {
        let claimer = format!(
            "{}:{}",
            courier.instance,
            hex::encode(rand::random::<[u8; 8]>())
        );
        let now = crate::storage::events::unix_millis();
        let stale = now - STALE_CLAIM.as_millis() as i64;
        let delay = i64::try_from(state.faults().delivery_delay_ms()).unwrap_or(i64::MAX);
        let claimed = state
            .store()
            .claim_deliveries(&claimer, now, stale, CLAIM_BATCH, now.saturating_sub(delay))
            .await?;
        if claimed.is_empty() {
            return Ok(attempts);
        }
        for row in &claimed {
            delivery::deliver(state, &courier.http, &endpoint, &claimer, row).await?;
            attempts += 1;
        }
    }
}

/// What `POST /_openlines/admin/events/flush` answers.
#[derive(Debug, Clone, Serialize)]
pub struct Flushed {
    /// Attempts made by this flush (other servers' are not counted).
    pub attempts: usize,
    /// Rows still waiting when it returned (0 unless it timed out).
    pub pending: i64,
    pub timed_out: bool,
}

/// Delivers until no row is pending (retries included) or `timeout` passes.
pub async fn flush(state: &AppState, timeout: Duration) -> Result<Flushed, StoreError> {
    let started = Instant::now();
    let mut attempts = 0;
    loop {
        attempts += deliver_due(state).await?;
        let (pending, next_due) = state.store().pending_deliveries().await?;
        if pending == 0 || started.elapsed() >= timeout {
            return Ok(Flushed {
                attempts,
                pending,
                timed_out: pending > 0,
            });
        }
        // Wait for the next retry (or for a row another server is delivering), briefly.
        let now = crate::storage::events::unix_millis();
        let wait = next_due.map_or(20, |due| (due - now).clamp(5, 50));
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}
