//! Writing answers: the envelope, JSON with PHP's escaping or XML, and the portal's headers
//! (spec §1.5, §2).

use super::route::Format;
use super::xml;
use crate::rpc::{Answer, ApiError, MethodOutput};
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use openlines_wire::{php_json, Time};
use serde_json::{Map, Value};

/// The success envelope: `result`, then `next`/`total` when present, then `time`.
pub fn success(output: MethodOutput, time: &Time, format: Format) -> Response {
    match format {
        // Written straight from the parts, in the portal's key order: no envelope tree is
        // built on the way (this runs once per call on the hot path).
        Format::Json => {
            let bytes = success_json(&output, time).unwrap_or_else(|_| WRONG_ENCODING.to_vec());
            with_headers(StatusCode::OK, bytes, JSON_CONTENT_TYPE)
        }
        Format::Xml => {
            let mut envelope = Map::new();
            envelope.insert("result".into(), output.result.into_value());
            if let Some(next) = output.next {
                envelope.insert("next".into(), next.into());
            }
            if let Some(total) = output.total {
                envelope.insert("total".into(), total.into());
            }
            envelope.insert(
                "time".into(),
                serde_json::to_value(time).unwrap_or(Value::Null),
            );
            write(StatusCode::OK, &Value::Object(envelope), format)
        }
    }
}

/// `{"result":…,"next":…,"total":…,"time":{…}}`. A result the method wrote itself
/// ([`Answer::Written`]) is copied in as it is; the rest is serialized behind it.
fn success_json(output: &MethodOutput, time: &Time) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"result\":");
    match &output.result {
        Answer::Value(value) => php_json::to_writer(&mut out, value)?,
        Answer::Written(json) => out.extend_from_slice(json.as_bytes()),
    }
    let mut integer = itoa::Buffer::new();
    if let Some(next) = output.next {
        out.extend_from_slice(b",\"next\":");
        out.extend_from_slice(integer.format(next).as_bytes());
    }
    if let Some(total) = output.total {
        out.extend_from_slice(b",\"total\":");
        out.extend_from_slice(integer.format(total).as_bytes());
    }
    out.extend_from_slice(b",\"time\":");
    time.write_json(&mut out);
    out.push(b'}');
    Ok(out)
}

/// The error body, with the code's status; never a `time` block (spec §2.3).
pub fn error(error: &ApiError, format: Format) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_value(error.body()).unwrap_or(Value::Null);
    write(status, &body, format)
}

/// Any JSON value with the portal's headers.
pub fn write(status: StatusCode, body: &Value, format: Format) -> Response {
    match format {
        Format::Json => write_json(status, body),
        Format::Xml => with_headers(
            status,
            xml::document(body).into_bytes(),
            "text/xml; charset=utf-8",
        ),
    }
}

/// Any serializable body as the portal's JSON, with its headers.
fn write_json<T: serde::Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    let bytes = php_json::to_vec(body).unwrap_or_else(|_| WRONG_ENCODING.to_vec());
    with_headers(status, bytes, JSON_CONTENT_TYPE)
}

const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// What is sent when an answer cannot be written as JSON (a value serde cannot express).
const WRONG_ENCODING: &[u8] =
    br#"{"error":"WRONG_ENCODING","error_description":"Wrong request encoding"}"#;

fn with_headers(status: StatusCode, bytes: Vec<u8>, content_type: &'static str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    add_portal_headers(headers);
    response
}

/// The headers a portal puts on every answer, success or error.
pub fn add_portal_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("origin, content-type, accept"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}
