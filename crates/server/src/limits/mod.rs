//! Bitrix24's two limits (spec §4): the request-intensity leaky bucket per (portal, client
//! address), and the per-method operating-time budget per webhook or application.
//!
//! The arithmetic lives here; the state lives behind [`LimiterState`], so several instances
//! can share it (in-process [`memory::MemoryState`] by default, [`redis::RedisState`] when
//! `--redis` is given).

pub mod memory;
pub mod redis;

use futures_util::future::BoxFuture;
use std::fmt::Debug;
use std::sync::Arc;

/// The leaky bucket: each request adds 1, the level drains `drain_per_second`, a request that
/// would lift the level above `capacity` is refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketConfig {
    pub capacity: f64,
    pub drain_per_second: f64,
}

impl Default for BucketConfig {
    /// Every plan but Enterprise: 50 requests, draining 2 per second.
    fn default() -> Self {
        BucketConfig {
            capacity: 50.0,
            drain_per_second: 2.0,
        }
    }
}

/// The operating-time budget: seconds one method may run for one caller within a sliding
/// window of ten one-minute buckets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperatingConfig {
    pub limit_seconds: f64,
    pub window_seconds: i64,
}

impl Default for OperatingConfig {
    /// The cloud's worked example: 480 s within 10 minutes.
    fn default() -> Self {
        OperatingConfig {
            limit_seconds: 480.0,
            window_seconds: 600,
        }
    }
}

/// Which limits are on. `None` switches a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LimitSettings {
    pub bucket: Option<BucketConfig>,
    pub operating: Option<OperatingConfig>,
}

impl LimitSettings {
    /// Both limits off (tests and benchmarks that are not about limits).
    pub fn off() -> Self {
        LimitSettings {
            bucket: None,
            operating: None,
        }
    }

    /// Both limits with Bitrix24's non-Enterprise numbers.
    pub fn bitrix_defaults() -> Self {
        LimitSettings {
            bucket: Some(BucketConfig::default()),
            operating: Some(OperatingConfig::default()),
        }
    }
}

/// How much of a method's budget is used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// Seconds used within the window.
    pub used: f64,
    /// Unix time the oldest minute drops out (`None` when nothing is used).
    pub reset_at: Option<i64>,
}

/// The limiter state could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("limiter state unavailable: {0}")]
pub struct LimiterError(pub String);

/// Where bucket levels and budgets live. Implementations must be atomic per key.
pub trait LimiterState: Send + Sync + Debug {
    /// Adds one request to bucket `key` at `now`; `false` when it overflows (not added).
    fn take(
        &self,
        key: &str,
        now: f64,
        config: BucketConfig,
    ) -> BoxFuture<'_, Result<bool, LimiterError>>;

    /// The seconds used by `key` in the window ending at `now`.
    fn used(
        &self,
        key: &str,
        now: f64,
        config: OperatingConfig,
    ) -> BoxFuture<'_, Result<Usage, LimiterError>>;

    /// Adds `seconds` of work finished at `now` to `key`; returns the usage after it.
    fn add(
        &self,
        key: &str,
        now: f64,
        seconds: f64,
        config: OperatingConfig,
    ) -> BoxFuture<'_, Result<Usage, LimiterError>>;

    /// Whether the state can be reached (for readiness checks); in-process state always can.
    fn ping(&self) -> BoxFuture<'_, Result<(), LimiterError>> {
        Box::pin(async { Ok(()) })
    }
}

/// The limits of one server: settings plus shared state.
#[derive(Debug, Clone)]
pub struct Limiter {
    pub settings: LimitSettings,
    state: Arc<dyn LimiterState>,
}

impl Limiter {
    pub fn new(settings: LimitSettings, state: Arc<dyn LimiterState>) -> Self {
        Limiter { settings, state }
    }

    /// In-process state.
    pub fn in_memory(settings: LimitSettings) -> Self {
        Limiter::new(settings, Arc::new(memory::MemoryState::default()))
    }

    /// Whether the shared state answers (`GET /readyz`).
    pub async fn ping(&self) -> Result<(), LimiterError> {
        self.state.ping().await
    }

    /// Whether requests are counted per client at all (`admit` then needs the address).
    pub fn counts_requests(&self) -> bool {
        self.settings.bucket.is_some()
    }

    /// Counts a request from `client`; `false` when the bucket overflows.
    pub async fn admit(&self, client: &str, now: f64) -> Result<bool, LimiterError> {
        match self.settings.bucket {
            None => Ok(true),
            Some(config) => {
                self.state
                    .take(&format!("bucket:{client}"), now, config)
                    .await
            }
        }
    }

    /// Whether `budget` (caller and method) is already over its limit.
    pub async fn is_exhausted(&self, budget: &str, now: f64) -> Result<bool, LimiterError> {
        match self.settings.operating {
            None => Ok(false),
            Some(config) => {
                let usage = self
                    .state
                    .used(&format!("operating:{budget}"), now, config)
                    .await?;
                Ok(usage.used > config.limit_seconds)
            }
        }
    }

    /// Records `seconds` of work for `budget`; returns `(operating, operating_reset_at)` for
    /// the `time` block.
    pub async fn record(
        &self,
        budget: &str,
        now: f64,
        seconds: f64,
    ) -> Result<(f64, i64), LimiterError> {
        let window = self.settings.operating.unwrap_or_default();
        let fallback_reset = now.floor() as i64 + window.window_seconds;
        if self.settings.operating.is_none() {
            return Ok((0.0, fallback_reset));
        }
        let usage = self
            .state
            .add(&format!("operating:{budget}"), now, seconds, window)
            .await?;
        Ok((
            round_micros(usage.used),
            usage.reset_at.unwrap_or(fallback_reset),
        ))
    }
}

fn round_micros(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1e6
}

/// The leaky-bucket step, shared by every state implementation: drain since `last`, then
/// admit if one more request fits. Returns the new level and whether it was admitted.
pub fn leak(level: f64, last: f64, now: f64, config: BucketConfig) -> (f64, bool) {
    let drained = (level - (now - last).max(0.0) * config.drain_per_second).max(0.0);
    if drained + 1.0 > config.capacity {
        (drained, false)
    } else {
        (drained + 1.0, true)
    }
}

#[cfg(test)]
mod tests;
