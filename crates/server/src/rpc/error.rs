//! The error every method returns: a Bitrix24 code, a description, and maybe `argument`.
//!
//! The HTTP status comes from the code table in `openlines_wire::error_code`; call sites never
//! pick one, except [`ApiError::with_status`] for the few documented places where a method
//! answers a code with another status. Internal causes are kept for the log, never sent.

use crate::storage::StoreError;
use openlines_wire::{ErrorBody, ErrorCode};
use std::borrow::Cow;

/// A Bitrix24 error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    code: ErrorCode,
    description: Cow<'static, str>,
    argument: Option<String>,
    status: u16,
    /// What went wrong inside, for the log only.
    internal: Option<String>,
}

impl ApiError {
    /// `code` with the table's description and status.
    pub fn new(code: ErrorCode) -> Self {
        let status = code.http_status();
        let description = Cow::Borrowed(code.default_description());
        ApiError {
            code,
            description,
            argument: None,
            status,
            internal: None,
        }
    }

    /// `code` with its own description.
    pub fn with_description(code: ErrorCode, description: impl Into<Cow<'static, str>>) -> Self {
        ApiError {
            description: description.into(),
            ..ApiError::new(code)
        }
    }

    /// `ERROR_ARGUMENT`: `Argument 'NAME' is null or empty`.
    pub fn argument_empty(name: &str) -> Self {
        Self::argument(name, format!("Argument '{name}' is null or empty"))
    }

    /// `ERROR_ARGUMENT`: `The value of an argument 'NAME' has an invalid type`.
    pub fn argument_type(name: &str) -> Self {
        Self::argument(
            name,
            format!("The value of an argument '{name}' has an invalid type"),
        )
    }

    fn argument(name: &str, description: String) -> Self {
        ApiError {
            argument: Some(name.to_owned()),
            ..ApiError::with_description(ErrorCode::ErrorArgument, description)
        }
    }

    /// `ACCESS_DENIED` with `Access denied! ` before `reason`, as the portal's
    /// AccessException writes it.
    pub fn access_denied(reason: &str) -> Self {
        ApiError::with_description(ErrorCode::AccessDenied, format!("Access denied! {reason}"))
    }

    /// A failure inside the server: answered as `INTERNAL_SERVER_ERROR`/500, cause kept for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            internal: Some(cause.to_string()),
            ..ApiError::new(ErrorCode::InternalServerError)
        }
    }

    /// The same error with another HTTP status, for methods documented to answer so.
    pub fn with_status(self, status: u16) -> Self {
        ApiError { status, ..self }
    }

    /// The code.
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The description sent to the client.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The internal cause, if any (log it, never send it).
    pub fn internal_cause(&self) -> Option<&str> {
        self.internal.as_deref()
    }

    /// The wire body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code.clone(),
            error_description: self.description.to_string(),
            argument: self.argument.clone(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        // The portal answers database failures with ERROR_CORE / "SQL query error!" (spec §3.1).
        ApiError {
            internal: Some(error.to_string()),
            ..ApiError::new(ErrorCode::ErrorCore)
        }
    }
}
