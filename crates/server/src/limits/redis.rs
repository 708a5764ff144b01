//! Limiter state in Redis, shared by every instance that names the same server and prefix.
//!
//! Each operation is one Lua script (`EVALSHA`, loaded on first use and again after a Redis
//! restart), so a read-modify-write on one key is atomic however many instances call at once.
//! The scripts do the same arithmetic as [`super::leak`] and [`super::memory::MemoryState`]:
//! a burst spread over two instances is refused at the same count as a burst on one.
//!
//! **Clock.** The scripts use the `now` the instance passes in, not Redis `TIME`, so that this
//! state and the in-process one answer alike and tests can drive time. Instances therefore
//! need synchronised clocks (NTP); a skew of *d* seconds lets a client gain at most
//! *d × drain* requests, because a bucket's `last` only moves forward. Key expiry (Redis's own
//! clock) is garbage collection only: a key lives a minute past the moment its state would be
//! empty anyway, so moderate skew never drops live state.

use super::{BucketConfig, LimiterError, LimiterState, OperatingConfig, Usage};
use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, RedisError, Script};
use futures_util::future::BoxFuture;
use std::fmt;
use std::time::Duration;

/// The leaky bucket of [`super::leak`]: a hash of `level` and `last` (the latest request time
/// seen). Returns 1 when admitted, 0 when refused. Numbers travel as `%.17g` text, which
/// round-trips an IEEE double exactly (Redis would truncate a Lua number reply to an integer).
const TAKE: &str = r"
local now = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local drain = tonumber(ARGV[3])
local stored = redis.call('HMGET', KEYS[1], 'level', 'last')
local level = tonumber(stored[1]) or 0
local last = tonumber(stored[2]) or now
local drained = level - math.max(now - last, 0) * drain
if drained < 0 then drained = 0 end
local admitted = 0
if drained + 1 <= capacity then
  drained = drained + 1
  admitted = 1
end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', drained),
  'last', string.format('%.17g', math.max(last, now)))
if drain > 0 then
  redis.call('PEXPIRE', KEYS[1], math.ceil(drained / drain * 1000) + 60000)
end
return admitted
";

/// The operating-time budget: a hash with `s:<minute>` (seconds used in that minute) and
/// `f:<minute>` (the minute's first call). ARGV[3] is the seconds to add, or empty to only
/// read. Minutes that left the window are deleted; the rest are summed oldest first (the
/// memory state's order, so the float sums agree). Returns `{used as text, reset_at or nil}`.
const BUDGET: &str = r"
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local add = tonumber(ARGV[3])
if add then
  local minute = math.floor(math.floor(now) / 60)
  local seconds = tonumber(redis.call('HGET', KEYS[1], 's:' .. minute))
  if seconds then
    redis.call('HSET', KEYS[1], 's:' .. minute, string.format('%.17g', seconds + add))
  else
    redis.call('HSET', KEYS[1], 's:' .. minute, string.format('%.17g', add),
      'f:' .. minute, string.format('%.17g', now))
  end
end
local oldest_kept = math.floor((math.floor(now) - window) / 60)
local fields = redis.call('HGETALL', KEYS[1])
local seconds, first, minutes = {}, {}, {}
for i = 1, #fields, 2 do
  local kind, minute = string.sub(fields[i], 1, 1), tonumber(string.sub(fields[i], 3))
  if minute <= oldest_kept then
    redis.call('HDEL', KEYS[1], fields[i])
  elseif kind == 's' then
    seconds[minute] = tonumber(fields[i + 1])
    table.insert(minutes, minute)
  else
    first[minute] = tonumber(fields[i + 1])
  end
end
if #minutes == 0 then
  redis.call('DEL', KEYS[1])
  return {'0', false}
end
table.sort(minutes)
local used = 0
for _, minute in ipairs(minutes) do used = used + seconds[minute] end
local newest = minutes[#minutes]
redis.call('EXPIRE', KEYS[1], math.ceil(60 * (newest + 1) + window - now) + 60)
return {string.format('%.17g', used), math.floor(first[minutes[1]]) + window}
";

/// A request waits at most this long for Redis before it is answered with an error.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Limiter state in Redis. Cheap to share: one multiplexed connection, reconnected in the
/// background after a failure (requests meanwhile fail with `LimiterError`, which the HTTP
/// edge answers as a Bitrix-style 500).
#[derive(Clone)]
pub struct RedisState {
    connection: ConnectionManager,
    prefix: String,
    take: Script,
    budget: Script,
}

impl fmt::Debug for RedisState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisState")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn failed(error: RedisError) -> LimiterError {
    LimiterError(format!("redis: {error}"))
}

impl RedisState {
    /// State at `url` (`redis://[user:password@]host:port[/db]`), every key under `prefix`.
    /// Connects lazily: an unreachable server is an error of the first request (and of
    /// [`LimiterState::ping`]), not of this call; a malformed URL is. Needs a Tokio runtime.
    pub fn open(url: &str, prefix: &str) -> Result<RedisState, LimiterError> {
        let client = Client::open(url).map_err(failed)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50));
        let connection = ConnectionManager::new_lazy_with_config(client, config).map_err(failed)?;
        Ok(RedisState {
            connection,
            prefix: prefix.to_owned(),
            take: Script::new(TAKE),
            budget: Script::new(BUDGET),
        })
    }

    async fn budget(
        &self,
        key: &str,
        now: f64,
        seconds: Option<f64>,
        config: OperatingConfig,
    ) -> Result<Usage, LimiterError> {
        let mut connection = self.connection.clone();
        let (used, reset_at): (String, Option<i64>) = self
            .budget
            .key(format!("{}{key}", self.prefix))
            .arg(now)
            .arg(config.window_seconds)
            .arg(
                seconds
                    .map(|seconds| seconds.to_string())
                    .unwrap_or_default(),
            )
            .invoke_async(&mut connection)
            .await
            .map_err(failed)?;
        let used = used
            .parse()
            .map_err(|_| LimiterError(format!("redis: unreadable budget {used:?}")))?;
        Ok(Usage { used, reset_at })
    }
}

impl LimiterState for RedisState {
    fn take(
        &self,
        key: &str,
        now: f64,
        config: BucketConfig,
    ) -> BoxFuture<'_, Result<bool, LimiterError>> {
        let key = format!("{}{key}", self.prefix);
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let admitted: i64 = self
                .take
                .key(key)
                .arg(now)
                .arg(config.capacity)
                .arg(config.drain_per_second)
                .invoke_async(&mut connection)
                .await
                .map_err(failed)?;
            Ok(admitted == 1)
        })
    }

    fn used(
        &self,
        key: &str,
        now: f64,
        config: OperatingConfig,
    ) -> BoxFuture<'_, Result<Usage, LimiterError>> {
        let key = key.to_owned();
        Box::pin(async move { self.budget(&key, now, None, config).await })
    }

    fn add(
        &self,
        key: &str,
        now: f64,
        seconds: f64,
        config: OperatingConfig,
    ) -> BoxFuture<'_, Result<Usage, LimiterError>> {
        let key = key.to_owned();
        Box::pin(async move { self.budget(&key, now, Some(seconds), config).await })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), LimiterError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            ::redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .map(|_| ())
                .map_err(failed)
        })
    }
}

#[cfg(test)]
mod tests {
    //! Against the real Redis (`OPENLINES_TEST_REDIS`, default 127.0.0.1:6379), each test
    //! under a key prefix of its own. Absent Redis: skipped with a `SKIPPED:` line, or a
    //! failure under `OPENLINES_REQUIRE_SERVICES=1` (CI).

    use super::*;
    use crate::limits::memory::MemoryState;
    use std::io::Write;

    async fn redis(test: &str) -> Option<RedisState> {
        let url = std::env::var("OPENLINES_TEST_REDIS")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let prefix = format!("openlines-test:{test}:{:016x}:", rand::random::<u64>());
        let state = RedisState::open(&url, &prefix).expect("a valid URL");
        match state.ping().await {
            Ok(()) => Some(state),
            Err(error) if std::env::var("OPENLINES_REQUIRE_SERVICES").as_deref() == Ok("1") => {
                panic!("Redis not reachable at {url} ({error}), and OPENLINES_REQUIRE_SERVICES=1")
            }
            Err(error) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: Redis not reachable at {url} ({error}); set OPENLINES_REQUIRE_SERVICES=1 to fail instead"
                );
                None
            }
        }
    }

    /// A small deterministic generator, so a failure replays exactly.
    fn steps(seed: u64, count: usize) -> impl Iterator<Item = u64> {
        let mut state = seed;
        (0..count).map(move |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        })
    }

    #[tokio::test]
    async fn buckets_answer_exactly_as_the_memory_state_does() {
        let Some(redis) = redis("bucket-twin").await else {
            return;
        };
        let memory = MemoryState::default();
        let config = BucketConfig {
            capacity: 5.0,
            drain_per_second: 2.0,
        };
        let mut now = 1_795_595_195.123_456;
        for (step, random) in steps(7, 400).enumerate() {
            // Mostly bursts, sometimes a pause long enough to drain.
            now += match random % 10 {
                0 => 1.7,
                1..=3 => 0.25,
                _ => 0.001_37,
            };
            let key = ["a", "b"][(random % 2) as usize];
            let expected = memory.take(key, now, config).await.unwrap();
            let got = redis.take(key, now, config).await.unwrap();
            assert_eq!(got, expected, "step {step} at {now} on {key}");
        }
    }

    #[tokio::test]
    async fn budgets_answer_exactly_as_the_memory_state_does() {
        let Some(redis) = redis("budget-twin").await else {
            return;
        };
        let memory = MemoryState::default();
        let config = OperatingConfig {
            limit_seconds: 10.0,
            window_seconds: 600,
        };
        let mut now = 1_795_595_195.5;
        for (step, random) in steps(11, 300).enumerate() {
            now += (random % 90) as f64 + 0.123_457;
            let seconds = (random % 1000) as f64 / 997.0;
            let (expected, got) = if random % 3 == 0 {
                (
                    memory.used("k", now, config).await.unwrap(),
                    redis.used("k", now, config).await.unwrap(),
                )
            } else {
                (
                    memory.add("k", now, seconds, config).await.unwrap(),
                    redis.add("k", now, seconds, config).await.unwrap(),
                )
            };
            assert_eq!(got, expected, "step {step} at {now}");
        }
    }

    #[tokio::test]
    async fn budget_slides_out_after_the_window() {
        let Some(state) = redis("budget-window").await else {
            return;
        };
        let config = OperatingConfig {
            limit_seconds: 1.0,
            window_seconds: 600,
        };
        let unused = state.used("k", 1000.0, config).await.unwrap();
        assert_eq!(
            unused,
            Usage {
                used: 0.0,
                reset_at: None
            }
        );
        let usage = state.add("k", 1000.5, 2.0, config).await.unwrap();
        assert_eq!(
            usage,
            Usage {
                used: 2.0,
                reset_at: Some(1600)
            }
        );
        assert_eq!(state.used("k", 1500.0, config).await.unwrap().used, 2.0);
        assert_eq!(state.used("k", 1700.0, config).await.unwrap().used, 0.0);
    }

    #[tokio::test]
    async fn concurrent_takes_through_separate_connections_admit_exactly_the_capacity() {
        let Some(first) = redis("bucket-race").await else {
            return;
        };
        // A second connection under the same prefix, as another instance would have.
        let second = RedisState::open(
            &std::env::var("OPENLINES_TEST_REDIS")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned()),
            &first.prefix,
        )
        .unwrap();
        // Draining, however slowly, so the key expires (a bucket that never drains never
        // expires), yet not by one request within the burst.
        let config = BucketConfig {
            capacity: 20.0,
            drain_per_second: 0.01,
        };
        let now = 1_795_595_195.0;
        let takes = (0..60).map(|i| {
            let state = if i % 2 == 0 { &first } else { &second };
            state.take("shared", now, config)
        });
        let admitted = futures_util::future::join_all(takes)
            .await
            .into_iter()
            .map(Result::unwrap)
            .filter(|admitted| *admitted)
            .count();
        assert_eq!(admitted, 20);
    }

    #[tokio::test]
    async fn idle_keys_expire() {
        let Some(state) = redis("expiry").await else {
            return;
        };
        let now = 1_795_595_195.0;
        let bucket = BucketConfig {
            capacity: 50.0,
            drain_per_second: 2.0,
        };
        for _ in 0..10 {
            assert!(state.take("b", now, bucket).await.unwrap());
        }
        let window = OperatingConfig::default();
        state.add("o", now, 1.0, window).await.unwrap();
        let mut connection = state.connection.clone();
        let bucket_ttl: i64 = ::redis::cmd("PTTL")
            .arg(format!("{}b", state.prefix))
            .query_async(&mut connection)
            .await
            .unwrap();
        // Level 10 drains in 5 s; the key lives a minute beyond.
        assert!((60_000..=65_000).contains(&bucket_ttl), "{bucket_ttl}");
        let budget_ttl: i64 = ::redis::cmd("TTL")
            .arg(format!("{}o", state.prefix))
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!((600..=720).contains(&budget_ttl), "{budget_ttl}");
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_an_error_not_a_panic() {
        // Port 1 is never a Redis; nothing to skip.
        let state = RedisState::open("redis://127.0.0.1:1", "openlines-test:down:").unwrap();
        let config = BucketConfig::default();
        assert!(state.take("k", 1.0, config).await.is_err());
        assert!(state.ping().await.is_err());
        assert!(RedisState::open("not a url", "p").is_err());
    }
}
