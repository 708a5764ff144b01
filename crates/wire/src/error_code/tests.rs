use super::*;

#[test]
fn every_code_round_trips_through_its_wire_spelling() {
    for code in ErrorCode::ALL {
        assert_eq!(&ErrorCode::parse(code.as_str()), code);
    }
}

#[test]
fn parsing_ignores_case_and_keeps_unknown_codes() {
    assert_eq!(ErrorCode::parse("EXPIRED_TOKEN"), ErrorCode::ExpiredToken);
    assert_eq!(
        ErrorCode::parse("SOMETHING_NEW"),
        ErrorCode::Other("SOMETHING_NEW".to_owned())
    );
}

#[test]
fn statuses_follow_the_spec_decisions() {
    assert_eq!(ErrorCode::InvalidCredentials.http_status(), 401);
    assert_eq!(ErrorCode::InsufficientScope.http_status(), 401);
    assert_eq!(ErrorCode::QueryLimitExceeded.http_status(), 503);
    assert_eq!(ErrorCode::OperationTimeLimit.http_status(), 429);
    assert_eq!(ErrorCode::MethodNotFound.http_status(), 404);
}

/// Logs and messages print the wire spelling (a cargo-mutants survivor).
#[test]
fn a_code_displays_as_its_wire_spelling() {
    assert_eq!(ErrorCode::ExpiredToken.to_string(), "expired_token");
    assert_eq!(
        ErrorCode::MethodNotFound.to_string(),
        "ERROR_METHOD_NOT_FOUND"
    );
    assert_eq!(
        ErrorCode::Other("SOMETHING_NEW".to_owned()).to_string(),
        "SOMETHING_NEW"
    );
}
