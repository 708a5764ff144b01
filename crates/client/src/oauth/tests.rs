use super::*;
use openlines_wire::ErrorCode;

#[test]
fn the_refresh_url_carries_all_four_fields_encoded() {
    let endpoint = Url::parse("http://h/oauth/token/").unwrap();
    let url = refresh_url(&endpoint, "local.1", "s&c", "r t");
    assert_eq!(
        url.as_str(),
        "http://h/oauth/token/?grant_type=refresh_token&client_id=local.1&client_secret=s%26c&refresh_token=r+t"
    );
}

#[test]
fn token_answers_are_read() {
    let pair = parse_token_answer(
        200,
        br#"{"access_token":"a2","refresh_token":"r2","expires_in":3600,"domain":"oauth.bitrix.info"}"#,
    )
    .unwrap();
    assert_eq!(
        (pair.access_token.as_str(), pair.refresh_token.as_str()),
        ("a2", "r2")
    );
}

#[test]
fn token_server_errors_keep_their_code_even_on_200() {
    let err = parse_token_answer(
        400,
        br#"{"error":"invalid_grant","error_description":"Invalid grant"}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::Other("invalid_grant".to_owned()))
    );
    let err = parse_token_answer(200, br#"{"error":"WRONG_CLIENT"}"#).unwrap_err();
    assert_eq!(err.status(), Some(200));
}

#[test]
fn token_answers_without_tokens_do_not_echo_the_body() {
    let err = parse_token_answer(200, br#"{"access_token":"s3cret"}"#).unwrap_err();
    assert!(!err.to_string().contains("s3cret"), "{err}");
}
