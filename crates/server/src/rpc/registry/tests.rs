use super::*;

#[test]
fn table_is_sorted_lower_case_and_unique() {
    for pair in METHODS.windows(2) {
        assert!(
            pair[0].name < pair[1].name,
            "{} before {}",
            pair[0].name,
            pair[1].name
        );
    }
    for def in METHODS {
        assert_eq!(def.name, def.name.to_ascii_lowercase());
    }
}

#[test]
fn lookup_ignores_case() {
    assert!(lookup("IMOPENLINES.CRM.CHAT.GET").is_some());
    assert!(lookup("imopenlines.crm.chats.get").is_none());
    assert!(lookup("").is_none());
}
