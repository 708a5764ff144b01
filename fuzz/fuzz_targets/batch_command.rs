//! A `batch` command string as the server splits it: the method name before the first `?`,
//! the sub-query after it, decoded with the same bounds (a batch inside a batch is encoded
//! twice, so the decoded values are decoded once more). Back-references are covered by the
//! randomized test in `crates/server/src/methods/batch_refs/tests.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openlines_wire::params::{decode_query, Limits};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(command) = std::str::from_utf8(data) else {
        return;
    };
    let (_method, query) = command.split_once('?').unwrap_or((command, ""));
    let limits = Limits {
        max_params: 200,
        max_depth: 16,
    };
    let Ok(params) = decode_query(query, limits) else {
        return;
    };
    if let Some(Value::Object(cmd)) = params.get("cmd") {
        for inner in cmd.values().filter_map(Value::as_str) {
            let (_, inner_query) = inner.split_once('?').unwrap_or((inner, ""));
            let _ = decode_query(inner_query, limits);
        }
    }
});
