use super::*;
use openlines_wire::ErrorCode;
use serde_json::json;

const TIME: &str = r#"{"start":1773223732,"finish":1773223733.25,"duration":1.25,"processing":0,
    "date_start":"2026-03-11T10:08:52+00:00","date_finish":"2026-03-11T10:08:53+00:00",
    "operating":0,"operating_reset_at":1773224333}"#;

#[test]
fn success_keeps_time_next_and_total() {
    let body = format!(r#"{{"result":[{{"ID":"1"}}],"next":50,"total":2387,"time":{TIME}}}"#);
    let answer = parse_answer(200, body.as_bytes()).unwrap();
    assert_eq!(answer.result, json!([{"ID":"1"}]));
    assert_eq!(answer.next, Some(50));
    assert_eq!(answer.total, Some(2387));
    assert_eq!(answer.time.operating_reset_at, Some(1773224333));
}

#[test]
fn error_key_wins_even_on_200() {
    let err =
        parse_answer(200, br#"{"error":"ACCESS_DENIED","error_description":"x"}"#).unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::AccessDenied));
    assert_eq!(err.status(), Some(200));
}

#[test]
fn error_statuses_read_the_error_body() {
    let err = parse_answer(
        503,
        br#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#,
    )
    .unwrap_err();
    assert!(err.is_query_limit_exceeded());
    assert_eq!(err.status(), Some(503));
}

#[test]
fn envelopes_without_time_or_bodies_without_json_are_decode_errors() {
    for (status, body) in [
        (200, &br#"{"result":1}"#[..]),
        (200, b"<html>"),
        (502, b"<html>Bad gateway</html>"),
        (500, br#"{"result":1}"#),
    ] {
        let err = parse_answer(status, body).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{status}: {err}");
    }
}

#[test]
fn decode_reports_shape_mismatch() {
    let body = format!(r#"{{"result":"abc","time":{TIME}}}"#);
    let answer = parse_answer(200, body.as_bytes()).unwrap();
    assert!(matches!(
        answer.decode::<u64>(),
        Err(Error::Decode { status: 200, .. })
    ));
}
