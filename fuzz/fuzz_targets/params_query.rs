//! The PHP bracket decoder on any query string or form body: no panic, whatever the bytes;
//! what it accepts encodes again without a panic, and stays within the bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openlines_wire::params::{decode_query, encode, Limits};

fuzz_target!(|data: &[u8]| {
    // Bodies reach the decoder as text; invalid UTF-8 is refused before it.
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits {
        max_params: 200,
        max_depth: 16,
    };
    if let Ok(params) = decode_query(query, limits) {
        let again = encode(&params);
        let _ = decode_query(&again, Limits::default());
    }
});
