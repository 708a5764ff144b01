use super::*;

#[test]
fn a_burst_of_capacity_passes_and_the_next_is_refused() {
    let config = BucketConfig::default();
    let (mut level, mut admitted) = (0.0, 0);
    for _ in 0..60 {
        let (next, ok) = leak(level, 0.0, 0.0, config);
        level = next;
        admitted += usize::from(ok);
    }
    assert_eq!(admitted, 50);
    // Half a second later one request fits again (2 per second drain).
    assert!(leak(level, 0.0, 0.5, config).1);
}

#[test]
fn a_long_pause_empties_the_bucket_but_never_below_empty() {
    let config = BucketConfig {
        capacity: 3.0,
        drain_per_second: 2.0,
    };
    // Full, then an hour of silence: the bucket is empty, not "owed" 7,197 requests.
    let (level, admitted) = leak(3.0, 0.0, 3600.0, config);
    assert!(admitted);
    assert_eq!(level, 1.0);
    let mut level = level;
    let mut burst = 1;
    while let (next, true) = leak(level, 3600.0, 3600.0, config) {
        level = next;
        burst += 1;
        assert!(burst <= 3, "more than the capacity admitted at once");
    }
    assert_eq!(burst, 3);
}

#[test]
fn the_defaults_are_bitrix24s_published_numbers() {
    let settings = LimitSettings::bitrix_defaults();
    assert_eq!(
        settings.bucket,
        Some(BucketConfig {
            capacity: 50.0,
            drain_per_second: 2.0
        })
    );
    assert_eq!(
        settings.operating,
        Some(OperatingConfig {
            limit_seconds: 480.0,
            window_seconds: 600
        })
    );
    assert_eq!(
        LimitSettings::off(),
        LimitSettings {
            bucket: None,
            operating: None
        }
    );
}

#[test]
fn leak_drains_by_the_elapsed_time_then_adds_one() {
    let config = BucketConfig::default();
    assert_eq!(leak(0.0, 0.0, 0.0, config), (1.0, true));
    // Ten requests, two seconds later at 2 per second: 6 left, plus this one.
    assert_eq!(leak(10.0, 100.0, 102.0, config), (7.0, true));
    // A clock that went backwards drains nothing.
    assert_eq!(leak(10.0, 102.0, 100.0, config), (11.0, true));
    // Exactly full after this request is still admitted; one more is not, and the level
    // a refused request leaves is the drained level, not one more.
    assert_eq!(leak(49.0, 0.0, 0.0, config), (50.0, true));
    assert_eq!(leak(50.0, 0.0, 0.0, config), (50.0, false));
    assert_eq!(leak(50.25, 0.0, 0.125, config), (50.0, false));
}

#[tokio::test]
async fn admit_counts_per_client_and_only_when_the_bucket_is_on() {
    let one = BucketConfig {
        capacity: 1.0,
        drain_per_second: 1.0,
    };
    let limiter = Limiter::in_memory(LimitSettings {
        bucket: Some(one),
        operating: None,
    });
    assert!(limiter.admit("a", 10.0).await.unwrap());
    assert!(!limiter.admit("a", 10.0).await.unwrap());
    assert!(limiter.admit("b", 10.0).await.unwrap());
    assert!(limiter.admit("a", 11.0).await.unwrap());
    assert!(limiter.ping().await.is_ok());
    let off = Limiter::in_memory(LimitSettings::off());
    for _ in 0..3 {
        assert!(off.admit("a", 10.0).await.unwrap());
    }
}

#[tokio::test]
async fn a_budget_is_exhausted_only_above_its_limit() {
    let limiter = Limiter::in_memory(LimitSettings {
        bucket: None,
        operating: Some(OperatingConfig {
            limit_seconds: 2.0,
            window_seconds: 600,
        }),
    });
    assert!(!limiter.is_exhausted("m", 1000.0).await.unwrap());
    assert_eq!(
        limiter.record("m", 1000.5, 1.25).await.unwrap(),
        (1.25, 1600)
    );
    // Exactly at the limit may still run; above it may not; other budgets are apart.
    assert_eq!(
        limiter.record("m", 1001.0, 0.75).await.unwrap(),
        (2.0, 1600)
    );
    assert!(!limiter.is_exhausted("m", 1001.0).await.unwrap());
    assert_eq!(limiter.record("m", 1001.0, 0.5).await.unwrap(), (2.5, 1600));
    assert!(limiter.is_exhausted("m", 1001.0).await.unwrap());
    assert!(!limiter.is_exhausted("other", 1001.0).await.unwrap());
}

#[tokio::test]
async fn record_rounds_to_microseconds_and_without_a_budget_reports_none_used() {
    let limiter = Limiter::in_memory(LimitSettings {
        bucket: None,
        operating: Some(OperatingConfig::default()),
    });
    assert_eq!(
        limiter.record("m", 120.0, 0.123_456_7).await.unwrap(),
        (0.123_457, 720)
    );
    let off = Limiter::in_memory(LimitSettings::off());
    // The reset time of a time block is still "now plus the default window".
    assert_eq!(off.record("m", 1000.9, 5.0).await.unwrap(), (0.0, 1600));
    assert!(!off.is_exhausted("m", 1000.9).await.unwrap());
}

#[tokio::test]
async fn a_limiter_over_unreachable_shared_state_says_so() {
    // What `/readyz` and the request path see when `--redis` points nowhere (port 1).
    let down =
        super::redis::RedisState::open("redis://127.0.0.1:1", "openlines-test:down:").unwrap();
    let limiter = Limiter::new(LimitSettings::bitrix_defaults(), Arc::new(down));
    assert!(limiter.ping().await.is_err());
    assert!(limiter.admit("a", 1.0).await.is_err());
    assert!(limiter.is_exhausted("m", 1.0).await.is_err());
    assert!(limiter.record("m", 1.0, 0.5).await.is_err());
}
