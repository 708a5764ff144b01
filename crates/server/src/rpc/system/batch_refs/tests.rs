use super::*;
use serde_json::json;

fn sections() -> Sections {
    let mut sections = Sections::default();
    sections.result.insert("last".into(), json!(1763));
    sections
        .result
        .insert("list".into(), json!([{"CHAT_ID": "9852", "TAGS": ["a"]}]));
    sections.total.insert("list".into(), json!(1));
    sections
}

fn sub(text: &str) -> Value {
    substitute_text(text, &sections())
}

#[test]
fn whole_value_references_keep_their_type() {
    assert_eq!(sub("$result[last]"), json!(1763));
    assert_eq!(sub("$result[list][0][TAGS]"), json!(["a"]));
    assert_eq!(sub("$RESULT[list][0][CHAT_ID]"), json!("9852"));
    assert_eq!(sub("$total[list]"), json!(1));
}

#[test]
fn references_inside_text_splice_scalars_only() {
    assert_eq!(sub("chat$result[last]!"), json!("chat1763!"));
    assert_eq!(
        sub("x $result[list][0][TAGS]"),
        json!("x $result[list][0][TAGS]")
    );
    assert_eq!(
        sub("$result[missing] and $5"),
        json!("$result[missing] and $5")
    );
    assert_eq!(sub("$result"), json!("$result"));
}
