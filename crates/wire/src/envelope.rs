//! The response envelope: `{"result": …, "time": {…}}` on success (plus `next`/`total` for
//! list methods), `{"error", "error_description"}` (plus extras such as `argument`) on failure.

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `time` block of every successful answer (spec §2.2).
///
/// Current portals write `start` and `processing` as integers and the rest as floats; older
/// ones wrote floats everywhere, so reading accepts any number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Time {
    /// Unix time the request began (whole seconds on current portals).
    #[serde(serialize_with = "as_integer")]
    pub start: f64,
    /// Unix time the answer was ready, with microseconds.
    pub finish: f64,
    /// `finish - start`, in seconds.
    pub duration: f64,
    /// Seconds spent inside the method (whole seconds on current portals).
    #[serde(serialize_with = "as_integer")]
    pub processing: f64,
    /// `start` as ISO-8601 with the portal's offset.
    pub date_start: String,
    /// `finish` as ISO-8601 with the portal's offset.
    pub date_finish: String,
    /// Seconds this method has run for this caller in the last ten minutes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "compact_number"
    )]
    pub operating: Option<f64>,
    /// Unix time the oldest minute of that budget drops out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_reset_at: Option<i64>,
}

fn as_integer<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    // Truncation is what the portal does: its typed-int properties cut the fraction.
    serializer.serialize_i64(value.trunc() as i64)
}

/// Whole numbers as integers (`0`, not `0.0`), as PHP writes a float that has no fraction
/// only after rounding to an int-typed property.
fn compact_number<S: serde::Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => {
            serializer.serialize_i64(*number as i64)
        }
        Some(number) => serializer.serialize_f64(*number),
        None => serializer.serialize_none(),
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Success<T = Value> {
    /// What the method returned.
    pub result: T,
    /// Offset of the next page, for list methods with more pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u64>,
    /// Total count, for list methods that report one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Timing of the call.
    pub time: Time,
}

/// An error answer: `{"error": CODE, "error_description": text}` plus optional `argument`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The code, e.g. `ERROR_ARGUMENT`.
    pub error: ErrorCode,
    /// Text for developers, not end users.
    #[serde(default)]
    pub error_description: String,
    /// The offending parameter, on argument errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argument: Option<String>,
}

impl ErrorBody {
    /// An error with the table's default description.
    pub fn new(error: ErrorCode) -> Self {
        let error_description = error.default_description().to_owned();
        ErrorBody {
            error,
            error_description,
            argument: None,
        }
    }
}

#[cfg(test)]
mod tests;
