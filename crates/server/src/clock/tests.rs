use super::*;
use time::macros::offset;

#[test]
fn iso8601_has_an_explicit_offset() {
    assert_eq!(
        Clock::default().iso8601(1773769708.7),
        "2026-03-17T17:48:28+00:00"
    );
    assert_eq!(
        Clock::with_offset(offset!(+1)).iso8601(1773769708.0),
        "2026-03-17T18:48:28+01:00"
    );
}

#[test]
fn time_block_shapes() {
    let span = CallSpan {
        start: 100.25,
        method_start: 100.3,
        method_end: 101.1,
        finish: 101.2,
    };
    let time = Clock::default().time_block(span, 0.5, 700);
    assert_eq!(time.start, 100.0);
    assert_eq!(time.processing, 1.0);
    assert!((time.duration - 1.2).abs() < 1e-9);
}

/// Each thread keeps the last date it wrote: the same second in another offset, and the next
/// second, must still be written afresh.
#[test]
fn the_kept_date_follows_the_second_and_the_offset() {
    let utc = Clock::default();
    let plus_one = Clock::with_offset(offset!(+1));
    assert_eq!(utc.iso8601(1773769708.2), "2026-03-17T17:48:28+00:00");
    assert_eq!(plus_one.iso8601(1773769708.7), "2026-03-17T18:48:28+01:00");
    assert_eq!(utc.iso8601(1773769708.9), "2026-03-17T17:48:28+00:00");
    assert_eq!(utc.iso8601(1773769709.0), "2026-03-17T17:48:29+00:00");
}
