use super::*;
use serde_json::json;

#[test]
fn start_and_processing_are_written_as_integers() {
    let time = Time {
        start: 1773223732.9,
        finish: 1773223733.25,
        duration: 1.25,
        processing: 0.4,
        date_start: "2026-03-11T10:08:52+00:00".into(),
        date_finish: "2026-03-11T10:08:53+00:00".into(),
        operating: Some(0.0),
        operating_reset_at: Some(1773224333),
    };
    let written = serde_json::to_value(&time).unwrap();
    assert_eq!(written["start"], json!(1773223732));
    assert_eq!(written["processing"], json!(0));
    assert_eq!(written["finish"], json!(1773223733.25));
    assert_eq!(written["operating"], json!(0));
}

#[test]
fn old_float_time_blocks_still_parse() {
    let time: Time = serde_json::from_value(json!({
        "start": 1712131234.5678, "finish": 1712131234.6, "duration": 0.03,
        "processing": 0.01, "date_start": "x", "date_finish": "y"
    }))
    .unwrap();
    assert_eq!(time.operating, None);
}

#[test]
fn error_body_omits_absent_argument() {
    let body = ErrorBody::new(ErrorCode::MethodNotFound);
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"})
    );
}

/// `operating` is an integer only when it is whole and small enough to be exact as one: a
/// fraction stays a float, and so does a whole number from 9e15 up (cargo-mutants survivors).
#[test]
fn operating_is_an_integer_only_when_whole_and_exact() {
    let operating = |value: f64| {
        let time = Time {
            start: 0.0,
            finish: 0.0,
            duration: 0.0,
            processing: 0.0,
            date_start: String::new(),
            date_finish: String::new(),
            operating: Some(value),
            operating_reset_at: None,
        };
        serde_json::to_string(&serde_json::to_value(&time).unwrap()["operating"]).unwrap()
    };
    assert_eq!(operating(3.0), "3");
    assert_eq!(operating(-3.0), "-3");
    assert_eq!(operating(0.5), "0.5");
    assert_eq!(operating(8.0e15), "8000000000000000");
    assert_eq!(operating(9.0e15), "9000000000000000.0");
    assert_eq!(operating(-9.0e15), "-9000000000000000.0");
}

/// `Time::write_json` (the hot path's writer) gives exactly the bytes of the serde path, for
/// any numbers, dates that need escaping or not, and with or without the budget keys.
mod written_time_block {
    use super::*;
    use proptest::prelude::*;

    fn both_ways(time: &Time) -> (String, String) {
        let mut written = Vec::new();
        time.write_json(&mut written);
        let serialized = crate::php_json::to_string(time).unwrap();
        (String::from_utf8(written).unwrap(), serialized)
    }

    #[test]
    fn matches_the_serialized_block_on_a_usual_answer() {
        let time = Time {
            start: 1_764_601_200.0,
            finish: 1_764_601_200.123_456,
            duration: 0.123_456,
            processing: 0.0,
            date_start: "2025-12-01T15:00:00+00:00".into(),
            date_finish: "2025-12-01T15:00:00+00:00".into(),
            operating: Some(0.0),
            operating_reset_at: Some(1_764_601_800),
        };
        let (written, serialized) = both_ways(&time);
        assert_eq!(
            written,
            "{\"start\":1764601200,\"finish\":1764601200.123456,\"duration\":0.123456,\
             \"processing\":0,\"date_start\":\"2025-12-01T15:00:00+00:00\",\
             \"date_finish\":\"2025-12-01T15:00:00+00:00\",\"operating\":0,\
             \"operating_reset_at\":1764601800}"
        );
        assert_eq!(written, serialized);
    }

    #[test]
    fn escapes_a_date_as_php_would_and_writes_non_finite_floats_as_null() {
        let time = Time {
            start: -1.5,
            finish: f64::NAN,
            duration: f64::INFINITY,
            processing: 2.9,
            date_start: "01/12/2025 \"é\"".into(),
            date_finish: String::new(),
            operating: Some(f64::NEG_INFINITY),
            operating_reset_at: None,
        };
        let (written, serialized) = both_ways(&time);
        assert_eq!(written, serialized);
        assert!(written.contains("\"finish\":null"), "{written}");
        assert!(written.contains("01\\/12\\/2025"), "{written}");
    }

    proptest! {
        #[test]
        fn matches_the_serialized_block(
            start in any::<f64>(),
            finish in any::<f64>(),
            duration in 0.0..1e6f64,
            processing in any::<f64>(),
            date_start in "[ -~]{0,30}",
            date_finish in "\\PC{0,12}",
            operating in proptest::option::of(prop_oneof![any::<f64>(), (0i64..1000).prop_map(|n| n as f64)]),
            operating_reset_at in proptest::option::of(any::<i64>()),
        ) {
            let time = Time { start, finish, duration, processing, date_start, date_finish, operating, operating_reset_at };
            let (written, serialized) = both_ways(&time);
            prop_assert_eq!(written, serialized);
        }
    }
}
