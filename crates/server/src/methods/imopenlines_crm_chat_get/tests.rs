use super::*;
use serde_json::json;

fn params(value: Value) -> Params {
    match value {
        Value::Object(map) => map,
        _ => Params::new(),
    }
}

fn error_of(value: Value) -> String {
    parse(&params(value)).unwrap_err().description().to_owned()
}

#[test]
fn checks_run_in_the_portal_order() {
    assert_eq!(
        error_of(json!({})),
        "Argument 'CRM_ENTITY_TYPE' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY": 5})),
        "Argument 'CRM_ENTITY_TYPE' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY_TYPE": "lead"})),
        "Argument 'CRM_ENTITY' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "0"})),
        "Argument 'CRM_ENTITY' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": -3})),
        "The value of an argument 'CRM_ENTITY' has an invalid type"
    );
}

#[test]
fn only_exact_n_lists_everything() {
    for (flag, expected) in [
        (json!("N"), SessionFilter::All),
        (json!("n"), SessionFilter::ActiveOnly),
        (json!(false), SessionFilter::ActiveOnly),
        (json!("Y"), SessionFilter::ActiveOnly),
    ] {
        let parsed = parse(&params(
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":"288","ACTIVE_ONLY":flag}),
        ))
        .unwrap();
        assert_eq!(parsed.filter, expected);
    }
}

fn row(chat_id: i64, connector_id: &str, connector_title: &str) -> CrmChatRow {
    CrmChatRow {
        chat_id,
        connector_id: connector_id.into(),
        connector_title: connector_title.into(),
    }
}

#[test]
fn the_written_answer_is_what_the_portal_writes_for_the_same_rows() {
    let rows = vec![
        row(900077, "telegrambot", "Telegram"),
        row(7, "facebook", "Facebook*: Messages"),
        row(800077, "telegrambot", "Telegram"),
        row(5, "my/app", "Tom & Jerry's <\"best\"> чат \u{1}"),
        row(6, "telegrambot", "Telegram (renamed)"),
    ];
    let expected: Vec<Value> = rows
        .iter()
        .map(|chat| {
            json!({
                "CHAT_ID": chat.chat_id.to_string(),
                "CONNECTOR_ID": chat.connector_id,
                "CONNECTOR_TITLE": chat.connector_title,
            })
        })
        .collect();
    let written = written_answer(&rows).unwrap();
    assert_eq!(written, php_json::to_string(&expected).unwrap());
    assert!(written.contains(r#""CONNECTOR_ID":"my\/app","CONNECTOR_TITLE":"Tom \u0026 Jerry\u0027s \u003C\u0022best\u0022\u003E чат \u0001"}"#), "{written}");
    assert_eq!(answer(rows), Value::Array(expected));
}

#[test]
fn no_chats_is_an_empty_list() {
    assert_eq!(written_answer(&[]).unwrap(), "[]");
    assert_eq!(answer(Vec::new()), json!([]));
}
