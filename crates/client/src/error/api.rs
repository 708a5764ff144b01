//! [`ApiError`]: a Bitrix24 error answer and the questions programs ask of it.

use openlines_wire::{ErrorBody, ErrorCode};
use std::fmt;

/// A Bitrix24 error answer: `{"error": CODE, "error_description": text, "argument"?: name}`
/// and the HTTP status it came with.
///
/// ```
/// use openlines_client::{ApiError, ErrorCode};
/// let err = ApiError {
///     code: ErrorCode::ErrorArgument,
///     description: "Argument 'CRM_ENTITY' is null or empty".into(),
///     status: 400,
///     argument: Some("CRM_ENTITY".into()),
/// };
/// assert!(err.is_argument_error());
/// assert_eq!(
///     err.to_string(),
///     "ERROR_ARGUMENT: Argument 'CRM_ENTITY' is null or empty (HTTP 400, argument CRM_ENTITY)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The Bitrix24 code; compare with [`ErrorCode`] variants.
    pub code: ErrorCode,
    /// `error_description`: text for developers.
    pub description: String,
    /// The HTTP status of the answer. Inside a `batch` (which itself answers 200) this is the
    /// status the code has when the method is called on its own ([`ErrorCode::http_status`]).
    pub status: u16,
    /// The offending parameter on `ERROR_ARGUMENT`, when the server names it.
    pub argument: Option<String>,
}

impl std::error::Error for ApiError {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if !self.description.is_empty() {
            write!(f, ": {}", self.description)?;
        }
        write!(f, " (HTTP {}", self.status)?;
        if let Some(argument) = &self.argument {
            write!(f, ", argument {argument}")?;
        }
        f.write_str(")")
    }
}

/// Codes that mean "who you are, or what you were granted, is not enough": the CLI's exit code
/// 3 and [`ApiError::is_auth_error`].
const AUTH_CODES: &[ErrorCode] = &[
    ErrorCode::NoAuthFound,
    ErrorCode::InvalidCredentials,
    ErrorCode::InsufficientScope,
    ErrorCode::ExpiredToken,
    ErrorCode::InvalidToken,
    ErrorCode::AuthorizationError,
    ErrorCode::UserAccessError,
    ErrorCode::WrongAuthType,
    ErrorCode::MethodConfirmWaiting,
    ErrorCode::MethodConfirmDenied,
    ErrorCode::PaymentRequired,
];

impl ApiError {
    /// Reads a wire error body as received with `status`.
    ///
    /// ```
    /// use openlines_client::ApiError;
    /// use openlines_wire::{ErrorBody, ErrorCode};
    /// let err = ApiError::from_body(ErrorBody::new(ErrorCode::MethodNotFound), 404);
    /// assert!(err.is_method_not_found());
    /// assert_eq!(err.description, "Method not found!");
    /// ```
    pub fn from_body(body: ErrorBody, status: u16) -> Self {
        ApiError {
            code: body.error,
            description: body.error_description,
            status,
            argument: body.argument,
        }
    }

    /// `expired_token`: the OAuth access token must be refreshed (the client does that itself
    /// once when it has a token endpoint).
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::ExpiredToken, description: String::new(), status: 401, argument: None };
    /// assert!(err.is_expired_token());
    /// ```
    pub fn is_expired_token(&self) -> bool {
        self.code == ErrorCode::ExpiredToken
    }

    /// `QUERY_LIMIT_EXCEEDED` (HTTP 503): the portal's request bucket overflowed.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::QueryLimitExceeded, description: String::new(), status: 503, argument: None };
    /// assert!(err.is_query_limit_exceeded() && err.is_rate_limited());
    /// ```
    pub fn is_query_limit_exceeded(&self) -> bool {
        self.code == ErrorCode::QueryLimitExceeded
    }

    /// `OPERATION_TIME_LIMIT` (HTTP 429): the method's time budget for this caller is spent.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::OperationTimeLimit, description: String::new(), status: 429, argument: None };
    /// assert!(err.is_operation_time_limit());
    /// ```
    pub fn is_operation_time_limit(&self) -> bool {
        self.code == ErrorCode::OperationTimeLimit
    }

    /// Any of the limit codes: `QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`, `OVERLOAD_LIMIT`.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::OverloadLimit, description: String::new(), status: 503, argument: None };
    /// assert!(err.is_rate_limited());
    /// ```
    pub fn is_rate_limited(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::QueryLimitExceeded
                | ErrorCode::OperationTimeLimit
                | ErrorCode::OverloadLimit
        )
    }

    /// `ACCESS_DENIED`: the plan or the caller's permissions refuse the action.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::AccessDenied, description: String::new(), status: 403, argument: None };
    /// assert!(err.is_access_denied());
    /// ```
    pub fn is_access_denied(&self) -> bool {
        self.code == ErrorCode::AccessDenied
    }

    /// `ERROR_ARGUMENT`: a parameter is missing or has the wrong type; see
    /// [`argument`](Self::argument).
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::ErrorArgument, description: String::new(), status: 400, argument: None };
    /// assert!(err.is_argument_error());
    /// ```
    pub fn is_argument_error(&self) -> bool {
        self.code == ErrorCode::ErrorArgument
    }

    /// `ERROR_METHOD_NOT_FOUND`.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::MethodNotFound, description: String::new(), status: 404, argument: None };
    /// assert!(err.is_method_not_found());
    /// ```
    pub fn is_method_not_found(&self) -> bool {
        self.code == ErrorCode::MethodNotFound
    }

    /// `insufficient_scope`: the webhook or token lacks the method's scope.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::InsufficientScope, description: String::new(), status: 401, argument: None };
    /// assert!(err.is_insufficient_scope() && err.is_auth_error());
    /// ```
    pub fn is_insufficient_scope(&self) -> bool {
        self.code == ErrorCode::InsufficientScope
    }

    /// `INVALID_CREDENTIALS`: wrong webhook user or code, or the webhook is gone.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::InvalidCredentials, description: String::new(), status: 401, argument: None };
    /// assert!(err.is_invalid_credentials());
    /// ```
    pub fn is_invalid_credentials(&self) -> bool {
        self.code == ErrorCode::InvalidCredentials
    }

    /// `NO_AUTH_FOUND`: the request carried no credentials the server recognised.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::NoAuthFound, description: String::new(), status: 401, argument: None };
    /// assert!(err.is_no_auth_found());
    /// ```
    pub fn is_no_auth_found(&self) -> bool {
        self.code == ErrorCode::NoAuthFound
    }

    /// An authentication or authorisation failure: HTTP 401, or one of the codes that mean the
    /// credentials (not the request) must change (`insufficient_scope`, `WRONG_AUTH_TYPE`,
    /// `user_access_error`, `METHOD_CONFIRM_DENIED`, …). `ACCESS_DENIED` is not one of them: it
    /// is about the record or the plan.
    ///
    /// ```
    /// # use openlines_client::{ApiError, ErrorCode};
    /// # let err = ApiError { code: ErrorCode::WrongAuthType, description: String::new(), status: 403, argument: None };
    /// assert!(err.is_auth_error());
    /// ```
    pub fn is_auth_error(&self) -> bool {
        self.status == 401 || AUTH_CODES.contains(&self.code)
    }
}
