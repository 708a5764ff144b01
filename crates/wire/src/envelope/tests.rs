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
