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
mod tests;
