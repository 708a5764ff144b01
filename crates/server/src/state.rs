//! What every request shares: the store, the settings, the clock.

use crate::clock::Clock;
use crate::console::session::Console;
use crate::events::Courier;
use crate::faults::Faults;
use crate::http::connections::ConnectionLimits;
use crate::journal::Journal;
use crate::limits::{LimitSettings, Limiter};
use crate::snapshots::Snapshots;
use crate::storage::Store;
use openlines_wire::params::Limits;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

/// Server settings that shape answers (from the command line).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Most parameters and deepest nesting one request may carry.
    pub param_limits: Limits,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a method may run before the call is answered with an error.
    pub request_timeout: Duration,
    /// Refuse webhook calls that did not come over HTTPS, as Bitrix24 cloud does.
    pub require_https: bool,
    /// Key the request-intensity limit on the last `X-Forwarded-For` address (the client as
    /// our own reverse proxy saw it) instead of the connection's peer.
    pub trust_forwarded_for: bool,
    /// The request-intensity and operating-time limits.
    pub limits: LimitSettings,
    /// Lifetime of OAuth access tokens issued by `/oauth/token/`, in seconds.
    pub access_token_ttl: i64,
    /// Lifetime of OAuth refresh tokens, in seconds.
    pub refresh_token_ttl: i64,
    /// The credential of the admin endpoint (`/_openlines/admin/…`); `None` switches it off.
    pub admin_token: Option<SecretString>,
    /// How many requests the call journal keeps.
    pub journal_capacity: usize,
    /// The cap on open connections and their header and idle time limits.
    pub connections: ConnectionLimits,
    /// Host names (lower case, no port) answered as the OAuth server (`--oauth-host`).
    pub oauth_hosts: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            param_limits: Limits::default(),
            max_body_bytes: 2 * 1024 * 1024,
            // The cloud cuts a request at 60 s (spec §1.5).
            request_timeout: Duration::from_secs(60),
            require_https: false,
            trust_forwarded_for: false,
            limits: LimitSettings::bitrix_defaults(),
            // One hour and 180 days, as on Bitrix24 (spec §10.2).
            access_token_ttl: 3600,
            refresh_token_ttl: 180 * 24 * 3600,
            admin_token: None,
            journal_capacity: 200,
            connections: ConnectionLimits::default(),
            oauth_hosts: Vec::new(),
        }
    }
}

/// Shared, cheaply cloned application state.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: Store,
    settings: Settings,
    clock: Clock,
    limiter: Limiter,
    faults: Faults,
    journal: Journal,
    snapshots: Snapshots,
    courier: Courier,
    console: Console,
}

impl AppState {
    /// Bundles the parts, with in-process limiter state.
    pub fn new(store: Store, settings: Settings, clock: Clock) -> Self {
        let limiter = Limiter::in_memory(settings.limits);
        AppState::with_limiter(store, settings, clock, limiter)
    }

    /// Bundles the parts with a given limiter (shared state for several instances).
    pub fn with_limiter(store: Store, settings: Settings, clock: Clock, limiter: Limiter) -> Self {
        let journal = Journal::new(settings.journal_capacity);
        AppState(Arc::new(Inner {
            store,
            settings,
            clock,
            limiter,
            faults: Faults::default(),
            journal,
            snapshots: Snapshots::default(),
            courier: Courier::default(),
            console: Console::default(),
        }))
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.0.faults
    }

    /// What event deliveries share.
    pub fn courier(&self) -> &Courier {
        &self.0.courier
    }

    /// The call journal.
    pub fn journal(&self) -> &Journal {
        &self.0.journal
    }

    /// The start state and named snapshots of the data.
    pub fn snapshots(&self) -> &Snapshots {
        &self.0.snapshots
    }

    /// The web console's sessions.
    pub fn console(&self) -> &Console {
        &self.0.console
    }

    /// The limits.
    pub fn limiter(&self) -> &Limiter {
        &self.0.limiter
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }
}
