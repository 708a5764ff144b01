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

// Back-references on arbitrary text: never a panic (multi-byte characters next to `$`, `[`
// and `]` included), and text without `$` comes back unchanged. 2,000 cases per run; set
// PROPTEST_CASES for a long run (docs/RELIABILITY.md).
proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000),
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn any_text_substitutes_without_panicking(
        pieces in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("$".to_owned()),
                proptest::strategy::Just("[".to_owned()),
                proptest::strategy::Just("]".to_owned()),
                proptest::strategy::Just("$result".to_owned()),
                proptest::strategy::Just("$RESULT[list]".to_owned()),
                proptest::strategy::Just("[0]".to_owned()),
                proptest::strategy::Just("[last]".to_owned()),
                proptest::strategy::Just("[TAGS]".to_owned()),
                proptest::strategy::Just("$total[list]".to_owned()),
                "[a-zA-Z0-9_ é€😀]{0,4}",
            ],
            0..24,
        )
    ) {
        let text: String = pieces.concat();
        let substituted = sub(&text);
        if !text.contains('$') {
            proptest::prop_assert_eq!(substituted, Value::String(text));
        }
    }
}
