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
