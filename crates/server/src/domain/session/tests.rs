use super::*;

#[test]
fn active_is_ten_to_forty_nine() {
    let active: Vec<i64> = SessionStatus::KNOWN
        .iter()
        .filter(|s| s.is_active())
        .map(|s| s.0)
        .collect();
    assert_eq!(active, vec![10, 20, 25, 40]);
}

/// The documented codes are known, and nothing else is.
#[test]
fn only_the_documented_codes_are_known() {
    for code in [0, 5, 10, 20, 25, 40, 50, 60, 65, 69, 75] {
        assert!(SessionStatus(code).is_known(), "{code}");
    }
    for code in [-1, 1, 30, 49, 51, 70, 100] {
        assert!(!SessionStatus(code).is_known(), "{code}");
    }
    assert!(SessionStatus(10).is_active() && SessionStatus(49).is_active());
    assert!(!SessionStatus(9).is_active() && !SessionStatus(50).is_active());
}
