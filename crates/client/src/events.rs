//! Receiving events: what a portal (or openlines) POSTs to a handler URL bound with
//! `event.bind`, an outgoing webhook, or an application's install handler.
//!
//! A delivery is a form (`application/x-www-form-urlencoded`) in PHP's bracket notation:
//! `event=ONCRMDEALADD&event_handler_id=3&data[FIELDS][ID]=289&ts=…&auth[application_token]=…`.
//! [`parse`] turns the body into a [`Delivery`]: the typed [`Event`], the raw `data` tree,
//! and the [`EventAuth`] fields. It decodes with the same PHP rules the server uses
//! ([`openlines_wire::params`]), so nested `data[MESSAGES][0][im][chat_id]` arrives as a tree.
//!
//! Anyone can POST to a handler URL. A handler must compare `auth[application_token]` with
//! the token it was given (an outgoing webhook's, printed once; an application's, from its
//! first delivery such as `ONAPPINSTALL`) before trusting anything: [`Delivery::verify`]
//! does that in constant time, and [`parse_verified`] does both steps.
//!
//! ```
//! use openlines_client::events::{parse_verified, Change, Event};
//! use openlines_client::CrmEntityType;
//!
//! let body = b"event=ONCRMDEALADD&event_handler_id=3&data%5BFIELDS%5D%5BID%5D=289&ts=1764567890\
//!     &auth%5Bdomain%5D=127.0.0.1%3A8080&auth%5Bapplication_token%5D=s3cret";
//! let delivery = parse_verified(body, Some("application/x-www-form-urlencoded"), "s3cret")?;
//! match delivery.event {
//!     Event::CrmRecord { entity: CrmEntityType::Deal, change: Change::Add, id } => {
//!         assert_eq!(id, 289); // fetch the deal with crm.deal.get, then answer 200
//!     }
//!     other => println!("not for us: {other:?}"),
//! }
//! assert_eq!(delivery.auth.domain.as_deref(), Some("127.0.0.1:8080"));
//! # Ok::<(), openlines_client::events::EventError>(())
//! ```
//!
//! With the `axum` feature, [`Delivery`] is also an axum extractor (see `events::axum`).

#[cfg(feature = "axum")]
pub mod axum;
mod kinds;
#[cfg(test)]
mod tests;

pub use kinds::{
    AppInstall, AppUninstall, Change, ConnectorDialog, ConnectorMessage, DialogStage, Event,
};

use openlines_wire::params::{decode_query, from_json, Limits, Params};
use serde_json::Value;
use std::fmt;
use subtle::ConstantTimeEq;

/// One event as a handler received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The event, typed where its `data` is known.
    pub event: Event,
    /// The event's name as sent, upper case (`ONCRMDEALADD`).
    pub name: String,
    /// `event_handler_id`: the binding that sent it (absent in some portal examples).
    pub handler_id: Option<i64>,
    /// `ts`: when the event was raised (Unix seconds).
    pub ts: Option<i64>,
    /// `data` as sent: a tree of strings (a form carries no other type); `Null` when absent.
    pub data: Value,
    /// `auth[…]`.
    pub auth: EventAuth,
}

/// The `auth[…]` fields of a delivery. Which are present depends on the sender: an
/// application's handler gets an access token; an outgoing webhook, `ONAPPUNINSTALL`, and
/// some portals' events only the address fields and `application_token`. `Debug` masks the
/// secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EventAuth {
    /// Proves the sender: compare it with [`Delivery::verify`], never with `==`.
    pub application_token: Option<String>,
    /// A token to call back with, as the handler's application.
    pub access_token: Option<String>,
    /// Sent with `ONAPPINSTALL` (and by some portals with other events).
    pub refresh_token: Option<String>,
    /// The access token's lifetime in seconds.
    pub expires_in: Option<i64>,
    /// The scope of the event (`crm`, …).
    pub scope: Option<String>,
    /// The portal's `host[:port]`.
    pub domain: Option<String>,
    /// Where to call REST methods (`https://portal/rest/`).
    pub client_endpoint: Option<String>,
    /// The OAuth server's REST base.
    pub server_endpoint: Option<String>,
    /// The portal's id.
    pub member_id: Option<String>,
    /// The portal's licence status (`L`, `F`, …).
    pub status: Option<String>,
    /// The user the access token acts for, when sent.
    pub user_id: Option<i64>,
}

impl fmt::Debug for EventAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |secret: &Option<String>| secret.as_ref().map(|_| "***");
        f.debug_struct("EventAuth")
            .field("application_token", &masked(&self.application_token))
            .field("access_token", &masked(&self.access_token))
            .field("refresh_token", &masked(&self.refresh_token))
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("domain", &self.domain)
            .field("client_endpoint", &self.client_endpoint)
            .field("server_endpoint", &self.server_endpoint)
            .field("member_id", &self.member_id)
            .field("status", &self.status)
            .field("user_id", &self.user_id)
            .finish()
    }
}

/// Why a body is not a delivery we can trust.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// Neither a form nor JSON.
    #[error("unsupported content type {0:?}: expected application/x-www-form-urlencoded")]
    ContentType(String),
    /// Not text, not a form, or over the decoder's limits.
    #[error("malformed body: {0}")]
    Body(String),
    /// No `event` field.
    #[error("the body has no event name")]
    NoEvent,
    /// A known event whose `data` lacks what its page documents.
    #[error("{event}: data lacks {field}")]
    Data {
        /// The event's name.
        event: String,
        /// The missing or malformed field, as a form name (`data[FIELDS][ID]`).
        field: &'static str,
    },
    /// `auth[application_token]` is absent or is not the expected one.
    #[error("the application_token does not match: not a delivery from the expected sender")]
    Forged,
}

/// Parses a delivery body. `content_type` is the request's `Content-Type` header (`None`:
/// read as a form, what portals send); JSON bodies are accepted too. Does not check the
/// sender: call [`Delivery::verify`], or use [`parse_verified`].
pub fn parse(body: &[u8], content_type: Option<&str>) -> Result<Delivery, EventError> {
    let params = decode(body, content_type)?;
    let text = |key: &str| params.get(key).and_then(scalar_text);
    let name = text("event")
        .filter(|name| !name.is_empty())
        .ok_or(EventError::NoEvent)?
        .to_ascii_uppercase();
    let data = params.get("data").cloned().unwrap_or(Value::Null);
    let event = Event::from_parts(&name, &data)?;
    Ok(Delivery {
        event,
        handler_id: text("event_handler_id").and_then(|id| id.parse().ok()),
        ts: text("ts").and_then(|ts| ts.parse().ok()),
        auth: params.get("auth").map(read_auth).unwrap_or_default(),
        name,
        data,
    })
}

/// [`parse`], then [`Delivery::verify`] against `expected_token`.
pub fn parse_verified(
    body: &[u8],
    content_type: Option<&str>,
    expected_token: &str,
) -> Result<Delivery, EventError> {
    let delivery = parse(body, content_type)?;
    delivery.verify(expected_token)?;
    Ok(delivery)
}

impl Delivery {
    /// Whether `auth[application_token]` is `expected`, compared in constant time (a handler
    /// that answered faster for a longer matching prefix would let a forger guess it). An
    /// empty `expected` never matches: a missing token must not pass as an empty one.
    pub fn verify(&self, expected: &str) -> Result<(), EventError> {
        let sent = self.auth.application_token.as_deref().unwrap_or("");
        let same: bool = sent.as_bytes().ct_eq(expected.as_bytes()).into();
        if same && !expected.is_empty() {
            Ok(())
        } else {
            Err(EventError::Forged)
        }
    }
}

fn decode(body: &[u8], content_type: Option<&str>) -> Result<Params, EventError> {
    let media = content_type
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let text = std::str::from_utf8(body).map_err(|_| EventError::Body("not UTF-8".into()))?;
    let limits = Limits::default();
    match media.as_str() {
        "" | "application/x-www-form-urlencoded" => {
            decode_query(text.trim(), limits).map_err(|error| EventError::Body(error.to_string()))
        }
        "application/json" => {
            let value: Value =
                serde_json::from_str(text).map_err(|error| EventError::Body(error.to_string()))?;
            from_json(value, limits).map_err(|error| EventError::Body(error.to_string()))
        }
        _ => Err(EventError::ContentType(media)),
    }
}

/// A leaf as text: strings as they are, numbers written out (JSON bodies keep numbers).
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn read_auth(auth: &Value) -> EventAuth {
    let text = |key: &str| auth.get(key).and_then(scalar_text);
    let number = |key: &str| text(key).and_then(|value| value.trim().parse().ok());
    EventAuth {
        application_token: text("application_token"),
        access_token: text("access_token"),
        refresh_token: text("refresh_token"),
        expires_in: number("expires_in"),
        scope: text("scope"),
        domain: text("domain"),
        client_endpoint: text("client_endpoint"),
        server_endpoint: text("server_endpoint"),
        member_id: text("member_id"),
        status: text("status"),
        user_id: number("user_id"),
    }
}
