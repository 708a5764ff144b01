use super::*;
use serde_json::json;

#[test]
fn keeps_the_newest_entries_and_masks_secrets() {
    let journal = Journal::new(2);
    for method in ["a", "b", "c"] {
        journal.record(Entry {
            at: 0.0,
            method: method.into(),
            caller: String::new(),
            params: Value::Null,
            status: 200,
            error: None,
            duration_ms: 0.0,
        });
    }
    let methods: Vec<String> = journal.last(10).into_iter().map(|e| e.method).collect();
    assert_eq!(methods, ["b", "c"]);
    let Value::Object(params) = json!({"refresh_token":"x","FIELDS":{"CODE":"y","TITLE":"t"}})
    else {
        unreachable!()
    };
    assert_eq!(
        masked(&params),
        json!({"refresh_token":"***","FIELDS":{"CODE":"***","TITLE":"t"}})
    );
}
