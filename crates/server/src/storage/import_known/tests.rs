use super::*;

#[test]
fn ids_added_are_known_and_others_are_not() {
    let mut known = KnownIds::default();
    known.add_connector("viber");
    known.add_line(1);
    known.add_user(7);
    assert!(known.has_connector("viber"));
    assert!(!known.has_connector("Viber"));
    assert!(known.has_line(1));
    assert!(!known.has_line(2));
    assert!(known.has_user_or_none(Some(7)));
    assert!(known.has_user_or_none(None));
    assert!(!known.has_user_or_none(Some(8)));
}

#[test]
fn a_full_set_stops_growing_and_the_rest_stay_unknown() {
    let mut known = KnownIds::default();
    for id in 0..MAX_KNOWN as i64 + 10 {
        known.add_user(id);
    }
    assert!(known.has_user_or_none(Some(MAX_KNOWN as i64 - 1)));
    assert!(!known.has_user_or_none(Some(MAX_KNOWN as i64)));
}
