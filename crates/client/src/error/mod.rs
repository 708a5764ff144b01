//! The one error type of the crate.
//!
//! A call fails in one of a few ways a program must tell apart: the server answered with a
//! Bitrix24 error ([`Error::Api`], carrying the code, description, HTTP status and `argument`),
//! the answer never came ([`Error::Timeout`], [`Error::Transport`]), the answer was not the
//! protocol ([`Error::Decode`]), or the client refused before sending ([`Error::InvalidInput`]).
//! Bitrix24 codes are not turned into variants of their own: [`ErrorCode`] already is that
//! enum, so `match err.code()` reads as well as a variant per code would, and a code the table
//! does not know still arrives intact as [`ErrorCode::Other`].

mod api;

pub use api::ApiError;

use openlines_wire::{ErrorBody, ErrorCode};
use std::sync::Arc;
use std::time::Duration;

/// What every fallible function of this crate returns.
///
/// ```
/// use openlines_client::Error;
/// fn describe(result: openlines_client::Result<u64>) -> String {
///     match result {
///         Ok(id) => format!("chat {id}"),
///         Err(Error::Api(api)) if api.is_argument_error() => {
///             format!("bad argument {:?}", api.argument)
///         }
///         Err(err) => err.to_string(),
///     }
/// }
/// assert_eq!(describe(Ok(7)), "chat 7");
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a call failed.
///
/// `Error` is `Clone` (the transport cause is shared behind an [`Arc`]), so batch results can
/// hand out per-command errors by value.
///
/// ```
/// use openlines_client::{Error, ErrorCode};
/// let err = Error::from_error_body(
///     401,
///     br#"{"error":"expired_token","error_description":"The access token provided has expired"}"#,
/// );
/// assert!(err.is_expired_token());
/// assert_eq!(err.code(), Some(&ErrorCode::ExpiredToken));
/// assert_eq!(err.status(), Some(401));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a Bitrix24 error body.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// No answer within the configured request timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The request could not be sent or the answer could not be read (connection refused,
    /// reset, TLS failure, …).
    #[error("transport failed: {0}")]
    Transport(#[source] Arc<reqwest::Error>),
    /// The answer was not a Bitrix24 envelope: not JSON, a redirect, an HTML error page, or a
    /// `result` of another shape than the typed call expects.
    #[error("unexpected answer (HTTP {status}): {reason}")]
    Decode {
        /// HTTP status of the answer (200 when a typed result did not fit).
        status: u16,
        /// What was wrong, with the start of the body where that helps.
        reason: String,
    },
    /// A batch command that the server did not run: an earlier command failed under `halt`,
    /// so it is absent from every section of the answer.
    #[error("batch command {key:?} was not executed")]
    NotExecuted {
        /// The command's key.
        key: String,
    },
    /// The client refused before sending: a malformed webhook URL, an invalid batch key, an
    /// unknown batch key, …
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The blocking client could not start its runtime.
    #[error("cannot start the runtime: {0}")]
    Runtime(#[source] Arc<std::io::Error>),
}

impl Error {
    /// Reads an error answer: a Bitrix24 error body becomes [`Error::Api`], anything else
    /// [`Error::Decode`].
    ///
    /// ```
    /// use openlines_client::Error;
    /// let err = Error::from_error_body(502, b"<html>Bad Gateway</html>");
    /// assert!(matches!(err, Error::Decode { status: 502, .. }));
    /// ```
    pub fn from_error_body(status: u16, body: &[u8]) -> Error {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(parsed) => Error::Api(ApiError::from_body(parsed, status)),
            Err(err) => Error::decode(status, format!("{err}; body starts {}", snippet(body))),
        }
    }

    /// The Bitrix24 error, if the server sent one.
    ///
    /// ```
    /// # use openlines_client::Error;
    /// assert!(Error::InvalidInput("x".into()).api().is_none());
    /// ```
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The Bitrix24 code, if the server sent one.
    ///
    /// ```
    /// # use openlines_client::Error;
    /// assert_eq!(Error::InvalidInput("x".into()).code(), None);
    /// ```
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api().map(|api| &api.code)
    }

    /// The HTTP status of the answer, if there was one.
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::Decode { status: 502, reason: "html".into() };
    /// assert_eq!(err.status(), Some(502));
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport(err) => err.status().map(|status| status.as_u16()),
            _ => None,
        }
    }

    /// The `argument` of an `ERROR_ARGUMENT` answer.
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(400, br#"{"error":"ERROR_ARGUMENT","error_description":"x","argument":"CRM_ENTITY"}"#);
    /// assert_eq!(err.argument(), Some("CRM_ENTITY"));
    /// ```
    pub fn argument(&self) -> Option<&str> {
        self.api().and_then(|api| api.argument.as_deref())
    }

    /// See [`ApiError::is_expired_token`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// assert!(!Error::InvalidInput("x".into()).is_expired_token());
    /// ```
    pub fn is_expired_token(&self) -> bool {
        self.api().is_some_and(ApiError::is_expired_token)
    }

    /// See [`ApiError::is_query_limit_exceeded`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(503, br#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#);
    /// assert!(err.is_query_limit_exceeded());
    /// ```
    pub fn is_query_limit_exceeded(&self) -> bool {
        self.api().is_some_and(ApiError::is_query_limit_exceeded)
    }

    /// See [`ApiError::is_operation_time_limit`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(429, br#"{"error":"OPERATION_TIME_LIMIT"}"#);
    /// assert!(err.is_operation_time_limit());
    /// ```
    pub fn is_operation_time_limit(&self) -> bool {
        self.api().is_some_and(ApiError::is_operation_time_limit)
    }

    /// See [`ApiError::is_rate_limited`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(503, br#"{"error":"OVERLOAD_LIMIT"}"#);
    /// assert!(err.is_rate_limited());
    /// ```
    pub fn is_rate_limited(&self) -> bool {
        self.api().is_some_and(ApiError::is_rate_limited)
    }

    /// See [`ApiError::is_access_denied`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(403, br#"{"error":"ACCESS_DENIED","error_description":"Access denied!"}"#);
    /// assert!(err.is_access_denied());
    /// ```
    pub fn is_access_denied(&self) -> bool {
        self.api().is_some_and(ApiError::is_access_denied)
    }

    /// See [`ApiError::is_argument_error`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(400, br#"{"error":"ERROR_ARGUMENT"}"#);
    /// assert!(err.is_argument_error());
    /// ```
    pub fn is_argument_error(&self) -> bool {
        self.api().is_some_and(ApiError::is_argument_error)
    }

    /// See [`ApiError::is_method_not_found`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(404, br#"{"error":"ERROR_METHOD_NOT_FOUND"}"#);
    /// assert!(err.is_method_not_found());
    /// ```
    pub fn is_method_not_found(&self) -> bool {
        self.api().is_some_and(ApiError::is_method_not_found)
    }

    /// See [`ApiError::is_insufficient_scope`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(401, br#"{"error":"insufficient_scope"}"#);
    /// assert!(err.is_insufficient_scope());
    /// ```
    pub fn is_insufficient_scope(&self) -> bool {
        self.api().is_some_and(ApiError::is_insufficient_scope)
    }

    /// See [`ApiError::is_invalid_credentials`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(401, br#"{"error":"INVALID_CREDENTIALS"}"#);
    /// assert!(err.is_invalid_credentials());
    /// ```
    pub fn is_invalid_credentials(&self) -> bool {
        self.api().is_some_and(ApiError::is_invalid_credentials)
    }

    /// See [`ApiError::is_no_auth_found`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(401, br#"{"error":"NO_AUTH_FOUND"}"#);
    /// assert!(err.is_no_auth_found());
    /// ```
    pub fn is_no_auth_found(&self) -> bool {
        self.api().is_some_and(ApiError::is_no_auth_found)
    }

    /// See [`ApiError::is_auth_error`].
    ///
    /// ```
    /// # use openlines_client::Error;
    /// let err = Error::from_error_body(401, br#"{"error":"invalid_token"}"#);
    /// assert!(err.is_auth_error());
    /// ```
    pub fn is_auth_error(&self) -> bool {
        self.api().is_some_and(ApiError::is_auth_error)
    }

    /// A timeout or transport failure: the request may or may not have reached the server.
    ///
    /// ```
    /// # use openlines_client::Error;
    /// assert!(Error::Timeout(std::time::Duration::from_secs(1)).is_transport());
    /// ```
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Timeout(_) | Error::Transport(_))
    }

    /// No connection could be made: nothing listens at the address (connection refused),
    /// the host name does not resolve, or the server's TLS certificate is not trusted. The
    /// request was never sent, and sending it again soon gives the same answer, so such a
    /// failure is never retried.
    ///
    /// ```
    /// # use openlines_client::Error;
    /// assert!(!Error::Timeout(std::time::Duration::from_secs(1)).is_connect_failure());
    /// ```
    pub fn is_connect_failure(&self) -> bool {
        matches!(self, Error::Transport(err) if err.is_connect())
    }

    pub(crate) fn decode(status: u16, reason: impl Into<String>) -> Error {
        Error::Decode {
            status,
            reason: reason.into(),
        }
    }

    /// Classifies a reqwest failure. The URL is dropped from it: a webhook URL holds the
    /// webhook's secret code, a refresh URL the client secret and refresh token.
    pub(crate) fn from_reqwest(err: reqwest::Error, timeout: Duration) -> Error {
        if err.is_timeout() {
            Error::Timeout(timeout)
        } else {
            Error::Transport(Arc::new(err.without_url()))
        }
    }
}

/// The first bytes of a body, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
    let mut out: String = text.chars().filter(|c| !c.is_control()).collect();
    if body.len() > MAX {
        out.push('…');
    }
    format!("{out:?}")
}

#[cfg(test)]
mod tests;
