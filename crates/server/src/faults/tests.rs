use super::*;

#[test]
fn internal_error_switches_itself_off_after_count_calls() {
    let faults = Faults::default();
    faults.add(
        FaultKind::InternalError {
            method: "server.time".into(),
            count: 2,
        },
        FaultScope::Global,
    );
    assert_eq!(
        faults.for_method("x", "SERVER.TIME"),
        Some(MethodFault::InternalError)
    );
    assert_eq!(
        faults.for_method("x", "server.time"),
        Some(MethodFault::InternalError)
    );
    assert_eq!(faults.for_method("x", "server.time"), None);
    assert!(faults.is_empty());
}

#[test]
fn query_limit_counts_calls_and_scopes_match_credentials() {
    let faults = Faults::default();
    faults.add(
        FaultKind::QueryLimit { after_calls: 1 },
        FaultScope::Webhook("abc".into()),
    );
    let pick = |min: u64, _max: u64| min;
    assert!(!faults.for_request("other", pick).query_limit);
    assert!(!faults.for_request("abc", pick).query_limit);
    assert!(faults.for_request("abc", pick).query_limit);
}
