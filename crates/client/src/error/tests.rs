use super::*;

#[test]
fn error_bodies_keep_code_description_status_and_argument() {
    let err = Error::from_error_body(
        400,
        br#"{"error":"ERROR_ARGUMENT","error_description":"The value of an argument 'CRM_ENTITY' has an invalid type","argument":"CRM_ENTITY"}"#,
    );
    let api = err.api().expect("an API error");
    assert_eq!(api.code, ErrorCode::ErrorArgument);
    assert_eq!(
        api.description,
        "The value of an argument 'CRM_ENTITY' has an invalid type"
    );
    assert_eq!(api.status, 400);
    assert_eq!(err.argument(), Some("CRM_ENTITY"));
}

#[test]
fn lower_case_and_unknown_codes_are_read() {
    let err = Error::from_error_body(401, br#"{"error":"EXPIRED_TOKEN"}"#);
    assert!(err.is_expired_token());
    assert!(err.is_auth_error());
    let err = Error::from_error_body(400, br#"{"error":"CHAT_ID","error_description":""}"#);
    assert_eq!(err.code(), Some(&ErrorCode::Other("CHAT_ID".to_owned())));
    assert_eq!(err.to_string(), "CHAT_ID (HTTP 400)");
}

#[test]
fn non_protocol_bodies_are_decode_errors() {
    for body in [
        &b"<html>"[..],
        b"",
        br#"{"result":1}"#,
        br#"{"error":{"code":"x"}}"#,
    ] {
        let err = Error::from_error_body(500, body);
        assert!(matches!(err, Error::Decode { status: 500, .. }), "{err}");
    }
}

#[test]
fn access_denied_is_not_an_auth_error() {
    let err = Error::from_error_body(403, br#"{"error":"ACCESS_DENIED"}"#);
    assert!(err.is_access_denied());
    assert!(!err.is_auth_error());
}

#[test]
fn snippets_are_short_and_printable() {
    let long = vec![b'a'; 500];
    assert_eq!(snippet(&long).chars().count(), 200 + 3);
    assert_eq!(snippet(b"a\nb"), "\"ab\"");
}
