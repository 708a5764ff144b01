//! The client-side leaky bucket: pace requests so the portal's own bucket never overflows.
//!
//! A portal counts +1 per HTTP request, drains the count by 2 per second and refuses requests
//! once it is above 50 (Enterprise: 5/s and 250) with `503 QUERY_LIMIT_EXCEEDED` (spec §4.1).
//! Mirroring that bucket here means a burst of calls slows down instead of failing. The
//! arithmetic is [`LeakyBucket`], a plain value that takes the time as an argument, so it is
//! tested without sleeping; the client wraps it in a mutex and sleeps outside the lock.
//!
//! Each request *reserves* its slot before waiting, so concurrent callers queue up behind one
//! another instead of all waking at once.

use crate::Error;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Settings of the client-side bucket.
///
/// ```
/// use openlines_client::RateLimit;
/// assert_eq!(RateLimit::default(), RateLimit { drain_per_second: 2.0, burst: 50 });
/// assert_eq!(RateLimit::ENTERPRISE.burst, 250);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// How many requests per second drain out of the bucket.
    pub drain_per_second: f64,
    /// How many requests may go out back to back before pacing starts.
    pub burst: u32,
}

impl RateLimit {
    /// The limits of every plan but Enterprise: drain 2/s, burst 50.
    pub const STANDARD: RateLimit = RateLimit {
        drain_per_second: 2.0,
        burst: 50,
    };

    /// The Enterprise plan's limits: drain 5/s, burst 250.
    pub const ENTERPRISE: RateLimit = RateLimit {
        drain_per_second: 5.0,
        burst: 250,
    };

    /// Refuses a drain rate that is not a positive finite number and a burst of zero.
    ///
    /// ```
    /// use openlines_client::RateLimit;
    /// assert!(RateLimit { drain_per_second: 0.0, burst: 5 }.validate().is_err());
    /// assert!(RateLimit::STANDARD.validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.drain_per_second.is_finite() && self.drain_per_second > 0.0) {
            return Err(Error::InvalidInput(format!(
                "the rate limit's drain must be a positive number, got {}",
                self.drain_per_second
            )));
        }
        if self.burst == 0 {
            return Err(Error::InvalidInput(
                "the rate limit's burst must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::STANDARD
    }
}

/// Leaky-bucket arithmetic with the clock passed in.
///
/// ```
/// use openlines_client::{LeakyBucket, RateLimit};
/// use std::time::{Duration, Instant};
///
/// let start = Instant::now();
/// let mut bucket = LeakyBucket::new(RateLimit { drain_per_second: 2.0, burst: 2 });
/// assert_eq!(bucket.reserve(start), Duration::ZERO);
/// assert_eq!(bucket.reserve(start), Duration::ZERO);
/// // The third request waits until half a request has drained.
/// assert_eq!(bucket.reserve(start), Duration::from_millis(500));
/// ```
#[derive(Debug, Clone)]
pub struct LeakyBucket {
    limit: RateLimit,
    /// Requests in the bucket (reserved ones included) as of `updated`.
    level: f64,
    updated: Option<Instant>,
}

impl LeakyBucket {
    /// An empty bucket. `limit` should have passed [`RateLimit::validate`]; a zero or negative
    /// drain is treated as a very slow one rather than dividing by zero.
    pub fn new(limit: RateLimit) -> Self {
        LeakyBucket {
            limit,
            level: 0.0,
            updated: None,
        }
    }

    /// Requests in the bucket at `now`, reservations included.
    ///
    /// ```
    /// # use openlines_client::{LeakyBucket, RateLimit};
    /// # use std::time::{Duration, Instant};
    /// let start = Instant::now();
    /// let mut bucket = LeakyBucket::new(RateLimit::STANDARD);
    /// bucket.reserve(start);
    /// bucket.reserve(start);
    /// assert_eq!(bucket.level(start + Duration::from_millis(500)), 1.0);
    /// ```
    pub fn level(&self, now: Instant) -> f64 {
        match self.updated {
            Some(updated) => {
                let elapsed = now.saturating_duration_since(updated).as_secs_f64();
                (self.level - elapsed * self.drain()).max(0.0)
            }
            None => 0.0,
        }
    }

    /// Reserves one request at `now` and says how long to wait before sending it.
    ///
    /// The request may go at once while the bucket holds fewer than `burst`; otherwise it
    /// goes when enough has drained that it is the `burst`-th again.
    ///
    /// ```
    /// # use openlines_client::{LeakyBucket, RateLimit};
    /// # use std::time::{Duration, Instant};
    /// let start = Instant::now();
    /// let mut bucket = LeakyBucket::new(RateLimit { drain_per_second: 2.0, burst: 1 });
    /// assert_eq!(bucket.reserve(start), Duration::ZERO);
    /// assert_eq!(bucket.reserve(start + Duration::from_secs(1)), Duration::ZERO);
    /// ```
    pub fn reserve(&mut self, now: Instant) -> Duration {
        let level = self.level(now) + 1.0;
        self.level = level;
        self.updated = Some(now);
        let excess = level - f64::from(self.limit.burst);
        if excess <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(excess / self.drain())
        }
    }

    /// Marks the bucket full at `now`: the server just said `QUERY_LIMIT_EXCEEDED`, so its
    /// bucket is full whatever ours thought (another process may share the portal's bucket).
    ///
    /// ```
    /// # use openlines_client::{LeakyBucket, RateLimit};
    /// # use std::time::{Duration, Instant};
    /// let start = Instant::now();
    /// let mut bucket = LeakyBucket::new(RateLimit { drain_per_second: 2.0, burst: 50 });
    /// bucket.saturate(start);
    /// assert_eq!(bucket.reserve(start), Duration::from_millis(500));
    /// ```
    pub fn saturate(&mut self, now: Instant) {
        let full = f64::from(self.limit.burst);
        if self.level(now) < full {
            self.level = full;
            self.updated = Some(now);
        }
    }

    fn drain(&self) -> f64 {
        if self.limit.drain_per_second > 0.0 {
            self.limit.drain_per_second
        } else {
            f64::MIN_POSITIVE
        }
    }
}

/// The bucket shared by all clones of a client.
#[derive(Debug)]
pub(crate) struct Limiter {
    bucket: Mutex<LeakyBucket>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            bucket: Mutex::new(LeakyBucket::new(limit)),
        }
    }

    /// Waits until one more request may go out.
    pub(crate) async fn acquire(&self) {
        let wait = self.with_bucket(|bucket| bucket.reserve(Instant::now()));
        if !wait.is_zero() {
            crate::log::debug!(wait_ms = wait.as_millis() as u64, "pacing a request");
            tokio::time::sleep(wait).await;
        }
    }

    /// Records that the server's bucket is full.
    pub(crate) fn saturate(&self) {
        self.with_bucket(|bucket| bucket.saturate(Instant::now()));
    }

    fn with_bucket<T>(&self, f: impl FnOnce(&mut LeakyBucket) -> T) -> T {
        // A panic while holding this lock cannot leave the bucket inconsistent (it is two
        // numbers), so a poisoned lock is simply taken over.
        let mut bucket = self
            .bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut bucket)
    }
}

#[cfg(test)]
mod tests;
