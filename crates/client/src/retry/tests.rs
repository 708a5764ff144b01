use super::*;

fn api(status: u16, code: &str) -> Error {
    Error::from_error_body(status, format!(r#"{{"error":"{code}"}}"#).as_bytes())
}

fn run(policy: &RetryPolicy, error: &Error, read_only: bool, can_refresh: bool) -> Vec<Next> {
    let mut attempts = Attempts::default();
    let mut seen = Vec::new();
    loop {
        attempts.sent();
        let next = attempts.next(policy, error, read_only, can_refresh);
        seen.push(next);
        if next == Next::GiveUp || seen.len() > 20 {
            return seen;
        }
    }
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn query_limit_backs_off_exponentially_until_max_attempts() {
    let seen = run(
        &RetryPolicy::default(),
        &api(503, "QUERY_LIMIT_EXCEEDED"),
        false,
        false,
    );
    assert_eq!(
        seen,
        [
            Next::Retry { wait: ms(500) },
            Next::Retry { wait: ms(1000) },
            Next::Retry { wait: ms(2000) },
            Next::Retry { wait: ms(4000) },
            Next::GiveUp,
        ]
    );
}

#[test]
fn operation_time_limit_waits_up_to_the_cap() {
    let policy = RetryPolicy {
        max_attempts: 10,
        ..RetryPolicy::default()
    };
    let seen = run(&policy, &api(429, "OPERATION_TIME_LIMIT"), true, false);
    // 1 + 2 + 4 = 7 s; another 8 s would pass the 10 s cap.
    assert_eq!(
        seen,
        [
            Next::Retry { wait: ms(1000) },
            Next::Retry { wait: ms(2000) },
            Next::Retry { wait: ms(4000) },
            Next::GiveUp,
        ]
    );
}

#[test]
fn writes_are_never_sent_twice_after_a_timeout() {
    let timeout = Error::Timeout(Duration::from_secs(1));
    assert_eq!(
        run(&RetryPolicy::default(), &timeout, false, true),
        [Next::GiveUp]
    );
    let reads = run(&RetryPolicy::default(), &timeout, true, true);
    assert_eq!(reads.len(), 5);
    assert_eq!(reads.last(), Some(&Next::GiveUp));
}

#[test]
fn expired_token_refreshes_once_and_outside_the_attempt_budget() {
    let expired = api(401, "expired_token");
    let policy = RetryPolicy::never();
    assert_eq!(
        run(&policy, &expired, false, true),
        [Next::Refresh, Next::GiveUp]
    );
    assert_eq!(run(&policy, &expired, false, false), [Next::GiveUp]);
}

#[test]
fn other_errors_are_returned_at_once() {
    for error in [
        api(400, "ERROR_ARGUMENT"),
        api(403, "ACCESS_DENIED"),
        api(503, "OVERLOAD_LIMIT"),
        api(401, "invalid_token"),
        Error::decode(502, "html"),
    ] {
        assert_eq!(
            run(&RetryPolicy::default(), &error, true, true),
            [Next::GiveUp]
        );
    }
}

#[test]
fn read_only_names_are_explicit() {
    for read in [
        "imopenlines.crm.chat.get",
        "IMOPENLINES.CRM.CHAT.GETLASTID",
        "imopenlines.config.list.get",
        "crm.deal.list",
        "methods",
        "scope",
        "profile",
        "app.info",
        "user.current",
        "feature.get",
        "method.get",
        "server.time",
        "profile.xml",
    ] {
        assert!(is_read_only(read), "{read}");
    }
    for write in [
        "imopenlines.crm.chat.user.add",
        "imopenlines.crm.lead.create",
        "imopenlines.session.open",
        "batch",
        "getter",
        "crm.deal.listen",
    ] {
        assert!(!is_read_only(write), "{write}");
    }
}

#[test]
fn doubling_saturates() {
    assert_eq!(doubled(Duration::from_secs(1), 40), Duration::MAX);
    assert_eq!(
        RetryPolicy::default().backoff(u32::MAX),
        Duration::from_secs(8)
    );
}

/// Waits that add up to exactly the cap are still made; only passing it gives up
/// (a cargo-mutants survivor: `>` read as `>=`).
#[test]
fn operation_time_limit_waits_may_reach_the_cap_exactly() {
    let policy = RetryPolicy {
        max_attempts: 10,
        time_limit_max_wait: ms(3000),
        ..RetryPolicy::default()
    };
    let seen = run(&policy, &api(429, "OPERATION_TIME_LIMIT"), true, false);
    assert_eq!(
        seen,
        [
            Next::Retry { wait: ms(1000) },
            Next::Retry { wait: ms(2000) },
            Next::GiveUp,
        ]
    );
}

/// `never()` sends a call once whatever the error (the doc test says so too; this one runs
/// with the unit tests).
#[test]
fn the_never_policy_sends_once() {
    let policy = RetryPolicy::never();
    assert_eq!(policy.max_attempts, 1);
    let seen = run(&policy, &api(503, "QUERY_LIMIT_EXCEEDED"), true, false);
    assert_eq!(seen, [Next::GiveUp]);
}
