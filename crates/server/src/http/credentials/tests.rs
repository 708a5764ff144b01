use super::*;
use axum::http::HeaderValue;
use secrecy::ExposeSecret;
use serde_json::json;

fn params(value: Value) -> Params {
    serde_json::from_value(value).unwrap()
}

fn bearer(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
    headers
}

/// What `extract` found, in words a test can compare: `none`, `webhook U C`, `token T`.
fn found(credentials: Credentials) -> String {
    match credentials {
        Credentials::None => "none".to_owned(),
        Credentials::Webhook { user, code } => format!("webhook {user} {}", code.expose_secret()),
        Credentials::Token(token) => format!("token {}", token.expose_secret()),
    }
}

#[test]
fn the_bearer_scheme_is_case_insensitive_and_its_token_trimmed() {
    assert_eq!(bearer_token("Bearer abc"), Some("abc"));
    assert_eq!(bearer_token("  bEaReR   abc  "), Some("abc"));
    assert_eq!(bearer_token("Basic abc"), None);
    assert_eq!(bearer_token("Bearer"), None);
    assert_eq!(bearer_token("Bearerabc"), None);
}

#[test]
fn the_webhook_path_wins_and_every_auth_key_is_removed() {
    let mut given = params(json!({
        "auth": "t1", "access_token": "t2", "auth_connector": "c", "aplogin": "5", "ap": "x",
        "ID": "7"
    }));
    let credentials = extract(
        Some(("1".to_owned(), "code".to_owned())),
        &mut given,
        &bearer("Bearer t0"),
    );
    assert_eq!(found(credentials), "webhook 1 code");
    assert_eq!(given, params(json!({"ID": "7"})));
}

#[test]
fn aplogin_and_ap_stand_for_the_webhook_path_when_both_are_text() {
    let mut given = params(json!({"aplogin": "5", "ap": "secret"}));
    assert_eq!(
        found(extract(None, &mut given, &HeaderMap::new())),
        "webhook 5 secret"
    );
    // Half of the pair is no webhook; the token in `auth` is taken instead.
    let mut half = params(json!({"aplogin": "5", "auth": "tok"}));
    assert_eq!(
        found(extract(None, &mut half, &HeaderMap::new())),
        "token tok"
    );
}

#[test]
fn a_token_comes_from_the_header_then_auth_then_access_token() {
    let both = || params(json!({"auth": "from-auth", "access_token": "from-access"}));
    assert_eq!(
        found(extract(None, &mut both(), &bearer("Bearer from-header"))),
        "token from-header"
    );
    assert_eq!(
        found(extract(None, &mut both(), &HeaderMap::new())),
        "token from-auth"
    );
    let mut only_access = params(json!({"access_token": "from-access"}));
    assert_eq!(
        found(extract(None, &mut only_access, &HeaderMap::new())),
        "token from-access"
    );
    // A number is a token as PHP prints it.
    let mut number = params(json!({"auth": 12345}));
    assert_eq!(
        found(extract(None, &mut number, &HeaderMap::new())),
        "token 12345"
    );
}

#[test]
fn an_empty_or_missing_token_is_no_credential() {
    let mut empty = params(json!({"auth": ""}));
    assert_eq!(found(extract(None, &mut empty, &HeaderMap::new())), "none");
    let mut nothing = params(json!({"ID": "1"}));
    assert_eq!(
        found(extract(None, &mut nothing, &HeaderMap::new())),
        "none"
    );
    // A list is not a token.
    let mut list = params(json!({"auth": ["a"]}));
    assert_eq!(found(extract(None, &mut list, &HeaderMap::new())), "none");
}
