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
