//! Numbers that PHP servers send either as JSON numbers or as numeric strings.
//!
//! Bitrix24 writes ids as strings in some places (`"CHAT_ID": "1763"`) and as integers in
//! others (`getLastId` answers `1763`); reading both keeps typed calls working against either.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};

/// Reads `12`, `"12"`, `null` or nothing; anything else is an error.
pub(crate) fn number_or_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Number>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => Ok(Some(number)),
        Some(Value::String(text)) => text
            .trim()
            .parse::<Number>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, got {text:?}"))),
        Some(other) => Err(D::Error::custom(format!("expected a number, got {other}"))),
    }
}

/// Reads a non-negative integer given as `12` or `"12"`.
pub(crate) fn u64_from<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    number_or_string(deserializer)?
        .and_then(|number| number.as_u64())
        .ok_or_else(|| D::Error::custom("expected a non-negative integer"))
}

#[cfg(test)]
mod tests;
