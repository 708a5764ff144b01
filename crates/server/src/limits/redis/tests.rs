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
