//! Parameter rules shared by methods, in PHP's terms because the portal is PHP.

use crate::rpc::ApiError;
use openlines_wire::params::{php_empty, Params};
use serde_json::Value;

/// The parameter `name`, or `ERROR_ARGUMENT` "is null or empty" when PHP's `empty()` holds.
pub fn required<'p>(params: &'p Params, name: &str) -> Result<&'p Value, ApiError> {
    let value = params.get(name);
    match value {
        Some(value) if !php_empty(Some(value)) => Ok(value),
        _ => Err(ApiError::argument_empty(name)),
    }
}

/// PHP's `(int)` of a value that passed `is_numeric()`; `None` when it is not numeric.
///
/// `is_numeric` accepts surrounding white space, a sign, decimals and exponents (`" 12"`,
/// `"12.7"`, `"1e3"`), and nothing else: no hex, no `inf`, no booleans or arrays.
pub fn php_numeric_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|float| float.trunc() as i64)),
        Value::String(text) => {
            let trimmed = text.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
            if !is_php_numeric_text(trimmed) {
                return None;
            }
            trimmed.parse::<i64>().ok().or_else(|| {
                trimmed
                    .parse::<f64>()
                    .ok()
                    .map(|float| float.trunc() as i64)
            })
        }
        _ => None,
    }
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
fn is_php_numeric_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let mut mantissa = digits(&mut at);
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        mantissa += digits(&mut at);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return false;
        }
    }
    at == bytes.len()
}

/// A scalar parameter as text (`None` for arrays, objects, null).
pub fn text(value: &Value) -> Option<String> {
    openlines_wire::params::php_string(value)
}

#[cfg(test)]
mod tests;
