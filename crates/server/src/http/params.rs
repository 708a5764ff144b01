//! Parameter assembly as a portal does it (spec §1.3): the query string, then the body —
//! form fields (urlencoded or multipart), or for a POST without form fields the raw body as
//! JSON (when the content type says so) or as a urlencoded string. Body keys replace query
//! keys of the same top-level name. Malformed JSON is no parameters, not an error.

use crate::rpc::ApiError;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method};
use openlines_wire::params::{self, DecodeError, Limits, Params, ParamsBuilder};
use openlines_wire::ErrorCode;
use serde_json::Value;

/// All parameters of a request.
pub async fn gather(
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
    limits: Limits,
) -> Result<Params, ApiError> {
    let mut merged = params::decode_query(query.unwrap_or(""), limits).map_err(refuse)?;
    if *method == Method::POST && !body.is_empty() {
        let from_body = body_params(headers, body, limits).await?;
        if merged.len() + from_body.len() > limits.max_params {
            return Err(refuse(DecodeError::TooManyParameters {
                limit: limits.max_params,
            }));
        }
        if merged.is_empty() {
            // The usual POST: nothing in the query, so the body's tree is the answer as it is
            // (merging would hash and move every name again).
            return Ok(from_body);
        }
        for (name, value) in from_body {
            merged.insert(name, value);
        }
    }
    Ok(merged)
}

async fn body_params(headers: &HeaderMap, body: Bytes, limits: Limits) -> Result<Params, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(&body) {
            Ok(json) => params::from_json(json, limits).map_err(refuse),
            Err(_) => Ok(Params::new()),
        },
        "multipart/form-data" => multipart(content_type, body, limits).await,
        _ => {
            let text = String::from_utf8_lossy(&body);
            params::decode_query(&text, limits).map_err(refuse)
        }
    }
}

async fn multipart(content_type: &str, body: Bytes, limits: Limits) -> Result<Params, ApiError> {
    let boundary = multer::parse_boundary(content_type).map_err(malformed_multipart)?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut builder = ParamsBuilder::new(limits);
    while let Some(field) = form.next_field().await.map_err(malformed_multipart)? {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        // File parts are not used by any method we serve; PHP would put them in $_FILES.
        if field.file_name().is_some() {
            continue;
        }
        let value = field.text().await.map_err(malformed_multipart)?;
        builder
            .insert(&name, Value::String(value))
            .map_err(refuse)?;
    }
    Ok(builder.finish())
}

fn refuse(error: DecodeError) -> ApiError {
    ApiError::with_description(ErrorCode::InvalidRequest, error.to_string())
}

fn malformed_multipart(error: multer::Error) -> ApiError {
    ApiError::with_description(
        ErrorCode::InvalidRequest,
        format!("Malformed multipart/form-data body: {error}"),
    )
}
