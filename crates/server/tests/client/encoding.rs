//! What the client sends is what the server reads.
//!
//! The client encodes parameters with `openlines_wire::params::encode` (PHP bracket form); the
//! server decodes bodies with `decode_query`. No method echoes its parameters, so the property
//! is checked on those two functions for random trees, and over the wire on the one place
//! where parameter names come back: the keys of a `batch` (`cmd[key]=…`), whose commands carry
//! random trees of their own, encoded a second time.

use crate::helpers::{TestApp, ADMIN_HOOK};
use crate::support::webhook;
use openlines::state::Settings;
use openlines_client::{Client, Params};
use openlines_wire::params::{decode_query, encode};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Names PHP keeps as they are and that are never list indices.
fn php_key() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,8}"
}

/// Leaves: any text (controls, `&`, `=`, `[`, `%`, `+`, non-ASCII), flags and integers.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => "\\PC{0,12}".prop_map(Value::String),
        1 => "[&=\\[\\]%+ ?#$\t\n]{0,6}".prop_map(Value::String),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// Trees of leaves, non-empty lists and non-empty maps (empty containers send nothing).
fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
            prop::collection::btree_map(php_key(), inner, 1..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn params() -> impl Strategy<Value = Params> {
    prop::collection::btree_map(php_key(), tree(), 0..5).prop_map(|map| map.into_iter().collect())
}

/// What PHP reads back: every leaf a string, `true`/`false` as `"1"`/`"0"`.
fn as_php_reads_it(value: &Value) -> Value {
    match value {
        Value::Bool(flag) => json!(if *flag { "1" } else { "0" }),
        Value::Number(number) => json!(number.to_string()),
        Value::Array(items) => items.iter().map(as_php_reads_it).collect(),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), as_php_reads_it(item)))
                .collect(),
        ),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_server_decodes_what_the_client_encodes(params in params()) {
        let limits = Settings::default().param_limits;
        let decoded = decode_query(&encode(&params), limits).unwrap();
        prop_assert_eq!(Value::Object(decoded), as_php_reads_it(&Value::Object(params)));
    }
}

/// Sends `cmd[key]=server.time?<encoded tree>` for each key as one `batch`, and returns the
/// keys of the answer's `result` and whether `result_error` was empty.
async fn batch_keys(client: &Client, commands: &[(String, Params)]) -> (Vec<String>, Value) {
    let cmd: Params = commands
        .iter()
        .map(|(key, params)| {
            (
                key.clone(),
                json!(format!("server.time?{}", encode(params))),
            )
        })
        .collect();
    let mut params = Params::new();
    params.insert("halt".to_owned(), json!(0));
    params.insert("cmd".to_owned(), Value::Object(cmd));
    let answer = client.call("batch", params).await.unwrap();
    let keys = answer.result["result"]
        .as_object()
        .map(|result| result.keys().cloned().collect())
        .unwrap_or_default();
    (keys, answer.result["result_error"].clone())
}

#[test]
fn batch_keys_and_command_strings_survive_the_wire() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(TestApp::demo());
    let client = webhook(app.address, ADMIN_HOOK);
    let commands = prop::collection::btree_map(php_key(), params(), 1..6)
        .prop_map(|map| map.into_iter().collect::<Vec<_>>());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(8));
    runner
        .run(&commands, |commands| {
            let (keys, errors) = runtime.block_on(batch_keys(&client, &commands));
            let sent: Vec<&String> = commands.iter().map(|(key, _)| key).collect();
            prop_assert_eq!(keys.iter().collect::<Vec<_>>(), sent);
            prop_assert_eq!(errors, json!([]));
            Ok(())
        })
        .unwrap();
}
