//! The connector strings PostgreSQL's chat rows share.

use super::*;

#[test]
fn a_connector_seen_before_gives_the_same_strings_and_a_renamed_one_new_ones() {
    let mut known = Vec::new();
    let (id, title) = shared_connector(&mut known, "livechat", "Live Chat");
    let (again_id, again_title) = shared_connector(&mut known, "livechat", "Live Chat");
    assert!(Arc::ptr_eq(&id, &again_id) && Arc::ptr_eq(&title, &again_title));
    let (renamed_id, renamed_title) = shared_connector(&mut known, "livechat", "Site chat");
    assert_eq!((&*renamed_id, &*renamed_title), ("livechat", "Site chat"));
    assert!(
        !Arc::ptr_eq(&title, &renamed_title),
        "keyed by the text: never stale"
    );
    assert_eq!(known.len(), 2);
}

#[test]
fn past_the_cap_connectors_get_strings_of_their_own() {
    let mut known = Vec::new();
    for n in 0..KNOWN_CONNECTORS_KEPT + 5 {
        let name = format!("connector{n}");
        let (id, title) = shared_connector(&mut known, &name, "Title");
        assert_eq!((&*id, &*title), (name.as_str(), "Title"));
    }
    assert_eq!(known.len(), KNOWN_CONNECTORS_KEPT);
}
