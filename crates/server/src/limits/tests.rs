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
