use super::*;
use serde_json::json;

#[test]
fn keeps_the_newest_entries_and_masks_secrets() {
    let journal = Journal::new(2);
    for method in ["a", "b", "c"] {
        journal.record(Entry {
            id: 0,
            at: 0.0,
            method: method.into(),
            caller: String::new(),
            params: ParamsText::default(),
            status: 200,
            error: None,
            duration_ms: 0.0,
            path: String::new(),
            credential: "none",
            answer: None,
        });
    }
    let methods: Vec<String> = journal.last(10).into_iter().map(|e| e.method).collect();
    assert_eq!(methods, ["b", "c"]);
    let Value::Object(params) = json!({"refresh_token":"x","FIELDS":{"CODE":"y","TITLE":"t"}})
    else {
        unreachable!()
    };
    assert_eq!(
        masked(&params).to_value(),
        json!({"refresh_token":"***","FIELDS":{"CODE":"***","TITLE":"t"}})
    );
}

#[test]
fn masks_credentials_inside_batch_command_strings() {
    let Value::Object(params) = json!({
        "halt": 0,
        "cmd": {
            "a": "crm.deal.get?id=288&auth=s3cr3t",
            "b": "batch?cmd%5Bx%5D=crm.lead.get%3Fid%3D1%26access_token%3Dhidden",
            "c": "server.time",
            "d": "profile?AUTH=x&id=1"
        }
    }) else {
        unreachable!()
    };
    let masked = masked(&params).as_str().to_owned();
    assert!(
        !masked.contains("s3cr3t") && !masked.contains("hidden"),
        "{masked}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&masked).unwrap()["cmd"],
        json!({
            "a": "crm.deal.get?id=288&auth=***",
            "b": "batch?cmd%5Bx%5D=crm.lead.get%3Fid%3D1%26access_token%3D***",
            "c": "server.time",
            "d": "profile?AUTH=***&id=1"
        })
    );
}

#[test]
fn small_answers_are_kept_by_reference_large_ones_cut() {
    let small = bytes::Bytes::from_static(br#"{"result":[]}"#);
    let kept = kept_answer(&small);
    assert_eq!(
        kept.as_ptr(),
        small.as_ptr(),
        "a small answer shares the sent buffer"
    );
    let large = bytes::Bytes::from(vec![b'x'; MAX_ANSWER_TEXT + 10]);
    let kept = kept_answer(&large);
    let text = std::str::from_utf8(&kept).unwrap();
    assert!(text.starts_with(&"x".repeat(MAX_ANSWER_TEXT)));
    assert!(
        text.ends_with(&format!("… ({} bytes)", MAX_ANSWER_TEXT + 10)),
        "{text:.40}"
    );
}

#[test]
fn the_text_is_the_masked_parameters_in_their_order_and_serializes_as_them() {
    let Value::Object(params) = json!({
        "b": "quote \" slash / tag <b> amp & control \u{1}",
        "a": null,
        "n": [1, "два", {"x": [], "auth": "hidden"}],
        "big": -12345678901234567_i64,
        "f": 1.5e300,
        "ok": true
    }) else {
        unreachable!()
    };
    let text = masked(&params);
    let expected = json!({
        "b": "quote \" slash / tag <b> amp & control \u{1}",
        "a": null,
        "n": [1, "два", {"x": [], "auth": "***"}],
        "big": -12345678901234567_i64,
        "f": 1.5e300,
        "ok": true
    });
    // The same text a tree of the masked parameters writes, keys in the request's order.
    assert_eq!(text.as_str(), expected.to_string());
    assert_eq!(serde_json::to_value(&text).unwrap(), expected);
    assert_eq!(
        serde_json::to_value(ParamsText::default()).unwrap(),
        Value::Null
    );
}

#[test]
fn long_parameters_are_cut_and_short_ones_kept_whole() {
    let mut params = Map::new();
    params.insert("TEXT".into(), json!("y".repeat(3000)));
    let cut = masked(&params).to_value();
    let text = cut.as_str().expect("cut to a string");
    assert!(text.ends_with("… (3011 bytes)"), "{text}");
    let mut short = Map::new();
    short.insert("TEXT".into(), json!("é".repeat(400)));
    assert_eq!(masked(&short).to_value(), json!({"TEXT": "é".repeat(400)}));
    // Cut inside a two-byte character (9 bytes of `{"TEXT":"`, then é's): the half is left
    // out, and the rest is the text's own beginning.
    let mut wide = Map::new();
    wide.insert("TEXT".into(), json!("é".repeat(3000)));
    let whole = Value::Object(wide.clone()).to_string();
    let cut = masked(&wide).to_value();
    let text = cut.as_str().expect("cut to a string");
    let head = text
        .strip_suffix(&format!("… ({} bytes)", whole.len()))
        .expect("ends with the whole length");
    assert_eq!(head.len(), MAX_PARAMS_TEXT - 1);
    assert!(whole.starts_with(head), "{head:.40}");
}

#[test]
fn secret_names_are_found_in_any_case() {
    for name in [
        "auth",
        "AUTH",
        "Access_Token",
        "client_SECRET",
        "aPassword",
        "CODE",
    ] {
        assert!(secret_name(name), "{name}");
    }
    for name in ["CRM_ENTITY", "ACTIVE_ONLY", "TITLE", "cod", ""] {
        assert!(!secret_name(name), "{name}");
    }
}
