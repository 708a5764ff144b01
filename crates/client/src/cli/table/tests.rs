use super::*;
use serde_json::json;

#[test]
fn records_become_aligned_columns() {
    let result = json!([
        {"CHAT_ID": "9852", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"},
        {"CHAT_ID": "1800", "CONNECTOR_ID": "telegrambot", "CONNECTOR_TITLE": "Telegram", "EXTRA": null}
    ]);
    assert_eq!(
        render(&result).unwrap(),
        "CHAT_ID  CONNECTOR_ID  CONNECTOR_TITLE  EXTRA\n\
         -------  ------------  ---------------  -----\n\
         9852     livechat      Live Chat\n\
         1800     telegrambot   Telegram\n"
    );
}

#[test]
fn nested_values_are_json_and_long_text_is_cut() {
    let long = "x".repeat(100);
    let result = json!([{"A": {"b": [1, true]}, "B": long, "C": "Живой\nчат"}]);
    let rendered = render(&result).unwrap();
    let last = rendered.lines().last().unwrap();
    assert!(last.starts_with(r#"{"b":[1,true]}"#), "{last}");
    assert!(last.contains(&format!("{}…", "x".repeat(59))), "{last}");
    assert!(last.ends_with("Живой чат"), "{last}");
}

#[test]
fn other_results_are_not_tables() {
    for result in [
        json!([]),
        json!([1, 2]),
        json!([{"a": 1}, 2]),
        json!({"a": 1}),
        json!("t"),
        json!([{}]),
    ] {
        assert!(render(&result).is_none(), "{result}");
    }
}
