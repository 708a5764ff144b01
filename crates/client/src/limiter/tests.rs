use super::*;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn a_burst_goes_out_at_once_then_pacing_starts() {
    let start = Instant::now();
    let mut bucket = LeakyBucket::new(RateLimit::STANDARD);
    for _ in 0..50 {
        assert_eq!(bucket.reserve(start), Duration::ZERO);
    }
    assert_eq!(bucket.reserve(start), ms(500));
    assert_eq!(bucket.reserve(start), ms(1000));
    assert_eq!(bucket.reserve(start), ms(1500));
}

#[test]
fn the_bucket_drains_with_time() {
    let start = Instant::now();
    let mut bucket = LeakyBucket::new(RateLimit {
        drain_per_second: 2.0,
        burst: 3,
    });
    for _ in 0..3 {
        bucket.reserve(start);
    }
    assert_eq!(bucket.level(start + ms(1000)), 1.0);
    assert_eq!(bucket.reserve(start + ms(1000)), Duration::ZERO);
    assert_eq!(bucket.level(start + ms(10_000)), 0.0);
}

#[test]
fn a_paced_request_leaves_when_it_is_the_burst_th_again() {
    let start = Instant::now();
    let mut bucket = LeakyBucket::new(RateLimit {
        drain_per_second: 4.0,
        burst: 2,
    });
    bucket.reserve(start);
    bucket.reserve(start);
    let wait = bucket.reserve(start);
    assert_eq!(wait, ms(250));
    // At the moment it is sent the bucket holds exactly `burst`.
    assert_eq!(bucket.level(start + wait), 2.0);
}

#[test]
fn saturation_makes_the_next_request_wait_one_drain_step() {
    let start = Instant::now();
    let mut bucket = LeakyBucket::new(RateLimit::ENTERPRISE);
    bucket.saturate(start);
    assert_eq!(bucket.reserve(start), ms(200));
    // Saturating a bucket that is already over full changes nothing.
    let level = bucket.level(start);
    bucket.saturate(start);
    assert_eq!(bucket.level(start), level);
}

#[test]
fn a_clock_that_goes_backwards_does_not_refill() {
    let start = Instant::now() + ms(1000);
    let mut bucket = LeakyBucket::new(RateLimit::STANDARD);
    bucket.reserve(start);
    assert_eq!(bucket.level(start - ms(500)), 1.0);
}

#[test]
fn invalid_limits_are_refused() {
    for (drain, burst) in [
        (0.0, 1),
        (-1.0, 1),
        (f64::NAN, 1),
        (f64::INFINITY, 1),
        (1.0, 0),
    ] {
        let limit = RateLimit {
            drain_per_second: drain,
            burst,
        };
        assert!(limit.validate().is_err(), "{limit:?}");
    }
}
