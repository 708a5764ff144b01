use super::*;

#[test]
fn entity_types_round_trip_through_their_wire_spelling() {
    for kind in CrmEntityType::ALL {
        assert_eq!(kind.as_str().parse::<CrmEntityType>().unwrap(), kind);
        let json = serde_json::to_value(kind).unwrap();
        assert_eq!(serde_json::from_value::<CrmEntityType>(json).unwrap(), kind);
    }
    assert_eq!(
        "Company".parse::<CrmEntityType>().unwrap(),
        CrmEntityType::Company
    );
    // As on a portal, only the letter case is forgiven.
    assert!(" company".parse::<CrmEntityType>().is_err());
}

#[test]
fn chat_rows_read_string_or_integer_ids() {
    let rows: Vec<CrmChat> = serde_json::from_str(
        r#"[{"CHAT_ID":"1763","CONNECTOR_ID":"livechat","CONNECTOR_TITLE":"Live Chat"},
            {"CHAT_ID":1800,"CONNECTOR_ID":"telegrambot","CONNECTOR_TITLE":"Telegram"}]"#,
    )
    .unwrap();
    assert_eq!(rows[0].chat_id, ChatId(1763));
    assert_eq!(rows[1].chat_id, ChatId(1800));
    assert!(serde_json::from_str::<ChatId>(r#""abc""#).is_err());
}
