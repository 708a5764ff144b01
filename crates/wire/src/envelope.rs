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

impl Time {
    /// Appends this block as JSON, byte for byte what serializing it with
    /// [`crate::php_json`] writes, without going through serde: every successful answer ends
    /// with it, and the generic path cost several thousand instructions a call.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut integer = itoa::Buffer::new();
        out.extend_from_slice(b"{\"start\":");
        out.extend_from_slice(integer.format(self.start.trunc() as i64).as_bytes());
        out.extend_from_slice(b",\"finish\":");
        write_float(out, self.finish);
        out.extend_from_slice(b",\"duration\":");
        write_float(out, self.duration);
        out.extend_from_slice(b",\"processing\":");
        out.extend_from_slice(integer.format(self.processing.trunc() as i64).as_bytes());
        out.extend_from_slice(b",\"date_start\":");
        write_text(out, &self.date_start);
        out.extend_from_slice(b",\"date_finish\":");
        write_text(out, &self.date_finish);
        if let Some(operating) = self.operating {
            out.extend_from_slice(b",\"operating\":");
            if operating.fract() == 0.0 && operating.abs() < 9.0e15 {
                out.extend_from_slice(integer.format(operating as i64).as_bytes());
            } else {
                write_float(out, operating);
            }
        }
        if let Some(reset_at) = self.operating_reset_at {
            out.extend_from_slice(b",\"operating_reset_at\":");
            out.extend_from_slice(integer.format(reset_at).as_bytes());
        }
        out.push(b'}');
    }
}

/// A float as serde_json writes one (its own shortest round-trip digits), `null` when not
/// finite: the same formatter is called, so the two paths cannot drift apart.
fn write_float(out: &mut Vec<u8>, value: f64) {
    use serde_json::ser::{CompactFormatter, Formatter};
    let written = if value.is_finite() {
        CompactFormatter.write_f64(out, value)
    } else {
        CompactFormatter.write_null(out)
    };
    // Writing into a Vec cannot fail.
    debug_assert!(written.is_ok());
}

/// A string as [`crate::php_json`] writes it; dates need no escaping, so they are copied.
fn write_text(out: &mut Vec<u8>, text: &str) {
    let plain = text.bytes().all(|byte| {
        byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b':' | b'+' | b'.' | b' ')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else if crate::php_json::to_writer(&mut *out, text).is_err() {
        // Writing into a Vec cannot fail; a string serializes without error.
        out.extend_from_slice(b"null");
    }
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
