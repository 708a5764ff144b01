//! In-process limiter state: correct for one instance; several instances need a shared one.

use super::{leak, BucketConfig, LimiterError, LimiterState, OperatingConfig, Usage};
use futures_util::future::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Above this many keys, drained buckets and empty budgets are swept out.
const SWEEP_ABOVE: usize = 10_000;

/// One minute of a budget: its minute number, the first call's time, the seconds used.
#[derive(Debug, Clone, Copy)]
struct Minute {
    minute: i64,
    first_call: f64,
    seconds: f64,
}

#[derive(Debug, Default)]
pub struct MemoryState {
    buckets: Mutex<HashMap<String, (f64, f64)>>,
    budgets: Mutex<HashMap<String, VecDeque<Minute>>>,
}

fn lock_error<T>(_: T) -> LimiterError {
    LimiterError("a limiter lock was poisoned".to_owned())
}

/// Drops the minutes that left the window and sums the rest.
fn usage(minutes: &mut VecDeque<Minute>, now: f64, config: OperatingConfig) -> Usage {
    let oldest_kept = (now.floor() as i64 - config.window_seconds) / 60;
    while minutes.front().is_some_and(|m| m.minute <= oldest_kept) {
        minutes.pop_front();
    }
    Usage {
        used: minutes.iter().map(|m| m.seconds).sum(),
        reset_at: minutes
            .front()
            .map(|m| m.first_call.floor() as i64 + config.window_seconds),
    }
}

impl LimiterState for MemoryState {
    fn take(
        &self,
        key: &str,
        now: f64,
        config: BucketConfig,
    ) -> BoxFuture<'_, Result<bool, LimiterError>> {
        let outcome = self.buckets.lock().map_err(lock_error).map(|mut buckets| {
            if buckets.len() > SWEEP_ABOVE {
                buckets.retain(|_, (level, last)| {
                    *level - (now - *last) * config.drain_per_second > 0.0
                });
            }
            let (level, last) = buckets.get(key).copied().unwrap_or((0.0, now));
            let (level, admitted) = leak(level, last, now, config);
            buckets.insert(key.to_owned(), (level, now));
            admitted
        });
        Box::pin(async move { outcome })
    }

    fn used(
        &self,
        key: &str,
        now: f64,
        config: OperatingConfig,
    ) -> BoxFuture<'_, Result<Usage, LimiterError>> {
        let outcome =
            self.budgets
                .lock()
                .map_err(lock_error)
                .map(|mut budgets| match budgets.get_mut(key) {
                    Some(minutes) => usage(minutes, now, config),
                    None => Usage {
                        used: 0.0,
                        reset_at: None,
                    },
                });
        Box::pin(async move { outcome })
    }

    fn add(
        &self,
        key: &str,
        now: f64,
        seconds: f64,
        config: OperatingConfig,
    ) -> BoxFuture<'_, Result<Usage, LimiterError>> {
        let outcome = self.budgets.lock().map_err(lock_error).map(|mut budgets| {
            if budgets.len() > SWEEP_ABOVE {
                budgets.retain(|_, minutes| usage(minutes, now, config).used > 0.0);
            }
            let minutes = budgets.entry(key.to_owned()).or_default();
            let minute = now.floor() as i64 / 60;
            match minutes.back_mut() {
                Some(last) if last.minute == minute => last.seconds += seconds,
                _ => minutes.push_back(Minute {
                    minute,
                    first_call: now,
                    seconds,
                }),
            }
            usage(minutes, now, config)
        });
        Box::pin(async move { outcome })
    }
}

#[cfg(test)]
mod tests;
