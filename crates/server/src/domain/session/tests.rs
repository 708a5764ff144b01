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
