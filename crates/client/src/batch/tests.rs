use super::results::{section, split_answer};
use super::*;
use crate::{Answer, ChatId, CrmChatGet, CrmEntityType};
use openlines_wire::params::{decode_query, Limits};
use openlines_wire::{ErrorCode, Time};

fn time(start: f64) -> Time {
    Time {
        start,
        finish: start + 0.5,
        duration: 0.5,
        processing: 0.0,
        date_start: "2026-03-17T17:48:28+01:00".to_owned(),
        date_finish: "2026-03-17T17:48:28+01:00".to_owned(),
        operating: None,
        operating_reset_at: None,
    }
}

fn decode(query: &str) -> Value {
    Value::Object(decode_query(query, Limits::default()).unwrap())
}

#[test]
fn commands_are_double_encoded_and_decode_back() {
    let mut batch = Batch::new();
    batch
        .add(
            "a",
            "imopenlines.crm.message.add",
            json!({"MESSAGE": "50% off & more=yes?", "FIELDS": {"LIST": ["x y", "ü"]}}),
        )
        .add("b", "server.time", json!({}));
    let body = encode(&request_params(&batch.commands, false));
    // The command's own encoding is encoded again: `%` → `%25` → `%2525`, ` ` → `+` → `%2B`.
    assert!(
        body.contains("50%2525%2Boff%2B%2526%2Bmore%253Dyes%253F"),
        "{body}"
    );
    assert!(
        body.starts_with("halt=0&cmd%5Ba%5D=imopenlines.crm.message.add%3F"),
        "{body}"
    );
    assert!(body.ends_with("&cmd%5Bb%5D=server.time"), "{body}");

    // The server's view: outer layer first, then each command string.
    let outer = decode(&body);
    assert_eq!(outer["halt"], "0");
    let command = outer["cmd"]["a"].as_str().unwrap();
    let (method, query) = command.split_once('?').unwrap();
    assert_eq!(method, "imopenlines.crm.message.add");
    assert_eq!(
        decode(query),
        json!({"MESSAGE": "50% off & more=yes?", "FIELDS": {"LIST": ["x y", "ü"]}})
    );
    assert_eq!(outer["cmd"]["b"], "server.time");
}

#[test]
fn typed_commands_and_halt_are_encoded() {
    let mut batch = Batch::new();
    batch.halt(true).push(
        "chats",
        &CrmChatGet {
            entity_type: CrmEntityType::Deal,
            entity_id: 288,
            active_only: false,
        },
    );
    let outer = decode(&encode(&request_params(&batch.commands, batch.halt)));
    assert_eq!(
        outer,
        json!({"halt": "1", "cmd": {"chats": "imopenlines.crm.chat.get?CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=N"}})
    );
}

#[test]
fn back_references_pass_through_as_text() {
    let mut batch = Batch::new();
    batch
        .add(
            "last",
            "imopenlines.crm.chat.getLastId",
            json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1205}),
        )
        .add(
            "dlg",
            "imopenlines.dialog.get",
            json!({"CHAT_ID": "$result[last]"}),
        );
    batch.validate().unwrap();
    let outer = decode(&encode(&request_params(&batch.commands, false)));
    assert_eq!(
        outer["cmd"]["dlg"],
        "imopenlines.dialog.get?CHAT_ID=%24result%5Blast%5D"
    );
    let (_, query) = outer["cmd"]["dlg"]
        .as_str()
        .unwrap()
        .split_once('?')
        .unwrap();
    assert_eq!(decode(query), json!({"CHAT_ID": "$result[last]"}));
}

fn numbered(count: usize) -> Batch {
    let mut batch = Batch::new();
    for n in 0..count {
        batch.add(format!("k{n}"), "server.time", json!({}));
    }
    batch
}

#[test]
fn long_batches_split_into_requests_of_fifty() {
    let sizes: Vec<usize> = numbered(120).requests().map(<[Command]>::len).collect();
    assert_eq!(sizes, [50, 50, 20]);
    assert_eq!(numbered(50).requests().count(), 1);
    assert_eq!(numbered(0).requests().count(), 0);
}

#[test]
fn back_references_across_requests_are_refused() {
    let mut batch = numbered(50);
    batch.add(
        "late",
        "imopenlines.dialog.get",
        json!({"CHAT_ID": "$result[k3][0][CHAT_ID]"}),
    );
    let err = batch.validate().unwrap_err();
    assert!(err.to_string().contains("\"k3\""), "{err}");

    // Within the same request, or naming no command of the batch, it is fine.
    let mut batch = numbered(3);
    batch.add(
        "x",
        "m.get",
        json!({"A": "$result[k1]", "B": "costs $5", "C": "$result[nope]"}),
    );
    batch.validate().unwrap();
}

#[test]
fn keys_and_methods_are_checked() {
    for (key, method) in [
        ("", "server.time"),
        ("a[b]", "server.time"),
        ("a", ""),
        ("a", "x?y=1"),
        ("a", "x y"),
    ] {
        let mut batch = Batch::new();
        batch.add(key, method, json!({}));
        assert!(batch.validate().is_err(), "{key:?} {method:?}");
    }
    let mut batch = Batch::new();
    batch
        .add("a", "server.time", json!({}))
        .add("a", "profile", json!({}));
    assert!(matches!(batch.validate(), Err(Error::InvalidInput(_))));
}

#[test]
fn sections_may_be_empty_arrays_lists_or_objects() {
    assert!(section("s", Some(json!([]))).unwrap().is_empty());
    assert!(section("s", None).unwrap().is_empty());
    assert!(section("s", Some(Value::Null)).unwrap().is_empty());
    let listed = section("s", Some(json!(["a", "b"]))).unwrap();
    assert_eq!(listed["0"], "a");
    assert_eq!(listed["1"], "b");
    let keyed = section("s", Some(json!({"x": 1}))).unwrap();
    assert_eq!(keyed["x"], 1);
    assert!(section("s", Some(json!("oops"))).is_err());
}

#[test]
fn a_full_answer_splits_into_outcomes() {
    let result = json!({
        "result": {"a": [{"CHAT_ID": "1763", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}], "b": "2026-03-17T17:48:28+01:00", "l": [1, 2]},
        "result_error": {"c": {"error": "ERROR_ARGUMENT", "error_description": "Argument 'CRM_ENTITY_TYPE' is null or empty", "argument": "CRM_ENTITY_TYPE"}},
        "result_total": {"l": 2387},
        "result_next": {"l": "50"},
        "result_time": {"a": serde_json::to_value(time(10.0)).unwrap()},
    });
    let outer = time(1.0);
    let outcomes = split_answer(&["a", "b", "c", "l", "missing"], result, &outer).unwrap();

    let a = outcomes[0].as_ref().unwrap();
    assert_eq!(a.time.start, 10.0);
    let chats: Answer<Vec<crate::CrmChat>> = a.clone().decode().unwrap();
    assert_eq!(chats.result[0].chat_id, ChatId(1763));

    let b = outcomes[1].as_ref().unwrap();
    assert_eq!(b.time, outer, "falls back to the batch's own time");

    let c = outcomes[2].as_ref().unwrap_err();
    let api = c.api().unwrap();
    assert_eq!(api.code, ErrorCode::ErrorArgument);
    assert_eq!(api.status, 400);
    assert_eq!(api.argument.as_deref(), Some("CRM_ENTITY_TYPE"));

    let l = outcomes[3].as_ref().unwrap();
    assert_eq!((l.next, l.total), (Some(50), Some(2387)));

    assert!(matches!(&outcomes[4], Err(Error::NotExecuted { key }) if key == "missing"));
}

#[test]
fn empty_sections_and_list_shaped_sections_are_read() {
    // cmd given as a list: every section keyed 0..n, written as arrays; the rest `[]`.
    let result = json!({
        "result": ["t0", "t1"],
        "result_error": [],
        "result_total": [],
        "result_next": [],
        "result_time": [serde_json::to_value(time(5.0)).unwrap(), serde_json::to_value(time(6.0)).unwrap()],
    });
    let outcomes = split_answer(&["0", "1"], result, &time(1.0)).unwrap();
    let second = outcomes[1].as_ref().unwrap();
    assert_eq!(second.result, "t1");
    assert_eq!(second.time.start, 6.0);
}

#[test]
fn halted_batches_report_skipped_commands() {
    // halt=1 and the first command failed: `result` is `[]`, `b` is nowhere.
    let result = json!({
        "result": [],
        "result_error": {"a": {"error": "insufficient_scope", "error_description": ""}},
        "result_total": [], "result_next": [], "result_time": [],
    });
    let outcomes = split_answer(&["a", "b"], result, &time(1.0)).unwrap();
    let a = outcomes[0].as_ref().unwrap_err();
    assert!(a.is_insufficient_scope());
    assert_eq!(a.status(), Some(401));
    assert!(matches!(&outcomes[1], Err(Error::NotExecuted { .. })));
}

#[test]
fn malformed_answers_are_decode_errors() {
    for result in [
        json!("x"),
        json!({"result": 5}),
        json!({"result_error": {"a": "boom"}}),
    ] {
        let outcome = split_answer(&["a"], result.clone(), &time(1.0));
        let failed = match outcome {
            Err(err) => matches!(err, Error::Decode { .. }),
            Ok(outcomes) => matches!(outcomes[0], Err(Error::Decode { .. })),
        };
        assert!(failed, "{result}");
    }
}

#[test]
fn results_hand_out_typed_values_and_errors_by_key() {
    let mut results = BatchResults::default();
    let answer = Answer {
        result: json!({"result": {"a": 1763, "b": "nope"}, "result_error": []}),
        time: time(1.0),
        next: None,
        total: None,
    };
    assert!(!results.absorb(&["a", "b"], answer).unwrap());
    results.not_executed(&["c"]);
    assert_eq!(results.get::<ChatId>("a").unwrap().result, ChatId(1763));
    assert!(matches!(
        results.get::<ChatId>("b"),
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        results.get::<ChatId>("c"),
        Err(Error::NotExecuted { .. })
    ));
    assert!(matches!(
        results.get::<ChatId>("zzz"),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(results.len(), 3);
    assert_eq!(results.errors().count(), 1);
    assert_eq!(results.times().len(), 1);
    let keys: Vec<String> = results.into_iter().map(|(key, _)| key).collect();
    assert_eq!(keys, ["a", "b", "c"]);
}

#[test]
fn reference_scanner_finds_bracketed_keys() {
    let mut found = Vec::new();
    references_in(
        "$result[a][0][ID] and $next[b] but not $ [c] or $x",
        &mut found,
    );
    assert_eq!(found, ["a", "b"]);
}
