//! Where credentials hide in a request (spec §1.4): the webhook path (or `aplogin`/`ap`), or an
//! OAuth token in `Authorization: Bearer` (wins), `auth`, or `access_token`. The auth keys are
//! removed from the parameters before the method sees them.

use crate::auth::Credentials;
use axum::http::{header, HeaderMap};
use openlines_wire::params::Params;
use secrecy::SecretString;
use serde_json::Value;

/// Parameter names that carry credentials, never passed to a method.
const AUTH_KEYS: [&str; 3] = ["auth", "access_token", "auth_connector"];

/// Takes the credentials out of a request.
pub fn extract(
    webhook: Option<(String, String)>,
    params: &mut Params,
    headers: &HeaderMap,
) -> Credentials {
    // Most calls carry none of these names (the webhook is in the path): one look over the
    // few names present is cheaper than hashing each of these for a lookup.
    let carries_any = params
        .keys()
        .any(|name| name == "aplogin" || name == "ap" || AUTH_KEYS.contains(&name.as_str()));
    let mut take = |name: &str| {
        if carries_any {
            params.shift_remove(name)
        } else {
            None
        }
    };
    let aplogin = take("aplogin");
    let ap = take("ap");
    let auth = take("auth");
    let access_token = take("access_token");
    for key in AUTH_KEYS {
        take(key);
    }
    if let Some((user, code)) = webhook {
        return Credentials::Webhook {
            user,
            code: SecretString::from(code),
        };
    }
    if let (Some(Value::String(user)), Some(Value::String(code))) = (&aplogin, &ap) {
        return Credentials::Webhook {
            user: user.clone(),
            code: SecretString::from(code.clone()),
        };
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_token)
        .map(str::to_owned);
    let token = bearer
        .or_else(|| scalar(auth))
        .or_else(|| scalar(access_token))
        .filter(|token| !token.is_empty());
    match token {
        Some(token) => Credentials::Token(SecretString::from(token)),
        None => Credentials::None,
    }
}

fn scalar(value: Option<Value>) -> Option<String> {
    value.as_ref().and_then(openlines_wire::params::php_string)
}

/// The token of an `Authorization: Bearer …` header; the scheme name is case-insensitive.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests;
