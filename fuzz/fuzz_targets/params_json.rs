//! JSON parameters: any JSON document through the same bounds and the PHP encoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openlines_wire::params::{encode, from_json, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let limits = Limits {
        max_params: 200,
        max_depth: 16,
    };
    if let Ok(params) = from_json(body, limits) {
        let _ = encode(&params);
    }
});
