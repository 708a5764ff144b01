use super::*;
use serde_json::json;

#[test]
fn escapes_like_php() {
    assert_eq!(
        to_string(&json!({"t":"A/B <x> & 'q' \"d\" Живой чат\u{1}"})).unwrap(),
        r#"{"t":"A\/B \u003Cx\u003E \u0026 \u0027q\u0027 \u0022d\u0022 Живой чат\u0001"}"#
    );
}

#[test]
fn parses_back_to_the_same_value() {
    let value = json!({"a":["/<>&'\"\\\n\t", 1, 2.5, true, null]});
    let text = to_string(&value).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        value
    );
}
