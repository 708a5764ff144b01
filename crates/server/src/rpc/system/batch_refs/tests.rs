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

#[test]
fn every_section_can_be_referred_to_in_any_case() {
    let mut sections = sections();
    sections.next.insert("list".into(), json!(50));
    sections.time.insert("list".into(), json!({"start": 1.5}));
    sections
        .error
        .insert("bad".into(), json!({"error": "ACCESS_DENIED"}));
    let sub = |text: &str| substitute_text(text, &sections);
    assert_eq!(sub("$next[list]"), json!(50));
    assert_eq!(sub("$Total[list]"), json!(1));
    assert_eq!(sub("$time[list][start]"), json!(1.5));
    assert_eq!(sub("$ERROR[bad][error]"), json!("ACCESS_DENIED"));
    // An unknown section, even one spelt with an underscore, stays as written.
    assert_eq!(sub("$results[last]"), json!("$results[last]"));
    assert_eq!(sub("$re_sult[last]"), json!("$re_sult[last]"));
}

#[test]
fn spliced_scalars_are_written_as_php_prints_them() {
    let mut sections = sections();
    sections.result.insert("yes".into(), json!(true));
    sections.result.insert("no".into(), json!(false));
    sections.result.insert("nothing".into(), json!(null));
    let sub = |text: &str| substitute_text(text, &sections);
    assert_eq!(sub("id=$result[list][0][CHAT_ID];"), json!("id=9852;"));
    assert_eq!(sub("[$result[yes]|$result[no]]"), json!("[1|]"));
    // null is not a scalar PHP would splice: the reference stays.
    assert_eq!(sub("a$result[nothing]"), json!("a$result[nothing]"));
    assert_eq!(sub("$result[nothing]"), json!(null));
}

#[test]
fn a_path_walks_maps_and_lists_and_stops_where_it_cannot() {
    // A list index that is not a number, one past the end, and a step into a scalar.
    assert_eq!(sub("$result[list][x]"), json!("$result[list][x]"));
    assert_eq!(sub("$result[list][1]"), json!("$result[list][1]"));
    assert_eq!(sub("$result[last][0]"), json!("$result[last][0]"));
    assert_eq!(sub("$result[list][0][TAGS][0]"), json!("a"));
}

#[test]
fn reference_syntax_ends_where_the_brackets_end() {
    // Two references back to back, text after the last bracket, a bracket never closed.
    assert_eq!(
        sub("$result[last]$total[list]"),
        json!("17631"),
        "two references in one value are spliced as text"
    );
    assert_eq!(sub("$result[last]x"), json!("1763x"));
    assert_eq!(sub("$result[last"), json!("$result[last"));
    assert_eq!(sub("$[last]"), json!("$[last]"));
    assert_eq!(sub("$$result[last]$"), json!("$1763$"));
    assert_eq!(sub("€$result[last]€"), json!("€1763€"));
}

#[test]
fn parse_reference_reports_the_bytes_it_took() {
    let reference = |section: &str, path: &[&str]| Reference {
        section: section.to_owned(),
        path: path.iter().map(|s| (*s).to_owned()).collect(),
    };
    assert_eq!(
        parse_reference("$RESULT[a][bc] rest"),
        Some((reference("result", &["a", "bc"]), 14))
    );
    assert_eq!(
        parse_reference("$x_1[]"),
        Some((reference("x_1", &[""]), 6))
    );
    assert_eq!(parse_reference("$result"), None);
    assert_eq!(parse_reference("result[a]"), None);
    assert_eq!(parse_reference("$[a]"), None);
    assert_eq!(parse_reference("$result[a"), None);
}

#[test]
fn substitute_reaches_into_nested_parameters() {
    let params: Params = serde_json::from_value(json!({
        "CHAT": "$result[list][0][CHAT_ID]",
        "FIELDS": {"TITLE": "Chat $result[last]", "TAGS": ["$result[list][0][TAGS]", 7]},
        "PLAIN": "no reference",
        "COUNT": 3
    }))
    .unwrap();
    let substituted = serde_json::to_value(substitute(params, &sections())).unwrap();
    assert_eq!(
        substituted,
        json!({
            "CHAT": "9852",
            "FIELDS": {"TITLE": "Chat 1763", "TAGS": [["a"], 7]},
            "PLAIN": "no reference",
            "COUNT": 3
        })
    );
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
