//! The one table of Bitrix24 error codes: wire spelling, HTTP status and default description.
//!
//! Each row's source (Bitrix24's docs, module code or SDKs) is in docs/PROTOCOL.md, section 5;
//! where the sources disagree on a status we follow that page's decisions (section 20), e.g.
//! 401 for `INVALID_CREDENTIALS` and `insufficient_scope`. Codes this table does not know are kept
//! verbatim in [`ErrorCode::Other`], so a client can still read any answer.

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $wire:literal, $status:literal, $text:literal; )*) => {
        /// A Bitrix24 error code as it appears in the `error` field.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// Any code not in the table, spelled as received.
            Other(String),
        }

        impl ErrorCode {
            /// Every code of the table (without [`ErrorCode::Other`]).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The wire spelling, e.g. `ERROR_ARGUMENT` or `expired_token`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $wire, )*
                    ErrorCode::Other(code) => code,
                }
            }

            /// The HTTP status a portal answers with this code (400 for unknown codes).
            pub fn http_status(&self) -> u16 {
                match self {
                    $( ErrorCode::$variant => $status, )*
                    ErrorCode::Other(_) => 400,
                }
            }

            /// The description a portal sends when nothing more specific is known.
            pub fn default_description(&self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $text, )*
                    ErrorCode::Other(_) => "",
                }
            }

            /// Reads a wire code; the comparison ignores letter case, as the SDKs do.
            pub fn parse(code: &str) -> ErrorCode {
                $( if code.eq_ignore_ascii_case($wire) { return ErrorCode::$variant; } )*
                ErrorCode::Other(code.to_owned())
            }
        }
    };
}

error_codes! {
    /// No credentials at all.
    NoAuthFound = "NO_AUTH_FOUND", 401, "Wrong authorization data";
    /// Webhook user or code wrong, webhook expired or revoked.
    InvalidCredentials = "INVALID_CREDENTIALS", 401, "Invalid request credentials";
    /// The method's scope was not granted to the webhook or token.
    InsufficientScope = "insufficient_scope", 401, "The request requires higher privileges than provided by the webhook token";
    /// OAuth access token past its expiry.
    ExpiredToken = "expired_token", 401, "The access token provided has expired";
    /// Unknown OAuth access token.
    InvalidToken = "invalid_token", 401, "Unable to get application by token";
    /// The owner of the webhook or token is deactivated.
    AuthorizationError = "authorization_error", 401, "Unable to authorize user";
    /// The application is restricted to other users.
    UserAccessError = "user_access_error", 403, "The user does not have access to the application.";
    /// Plan or permission refused the action.
    AccessDenied = "ACCESS_DENIED", 403, "Access denied!";
    /// A parameter is missing or has the wrong type.
    ErrorArgument = "ERROR_ARGUMENT", 400, "";
    /// Unknown method name.
    MethodNotFound = "ERROR_METHOD_NOT_FOUND", 404, "Method not found!";
    /// Malformed request (plain HTTP to a webhook, oversized body, too deep nesting).
    InvalidRequest = "INVALID_REQUEST", 400, "Https required.";
    /// The leaky bucket overflowed.
    QueryLimitExceeded = "QUERY_LIMIT_EXCEEDED", 503, "Too many requests";
    /// The method's operating-time budget is spent.
    OperationTimeLimit = "OPERATION_TIME_LIMIT", 429, "Method is blocked due to operation time limit.";
    /// Blocked by support.
    OverloadLimit = "OVERLOAD_LIMIT", 503, "REST API is blocked due to overload.";
    /// More than 50 commands in a batch (inside `result_error` only).
    BatchLengthExceeded = "ERROR_BATCH_LENGTH_EXCEEDED", 400, "Max batch length exceeded";
    /// A method that may not run inside a batch (inside `result_error` only).
    BatchMethodNotAllowed = "ERROR_BATCH_METHOD_NOT_ALLOWED", 405, "Method is not allowed for batch usage";
    /// The server failed.
    InternalServerError = "INTERNAL_SERVER_ERROR", 500, "Internal server error";
    /// A core failure, e.g. a database error.
    ErrorCore = "ERROR_CORE", 500, "SQL query error!";
    /// The method needs an application (OAuth) context.
    WrongAuthType = "WRONG_AUTH_TYPE", 403, "Current authorization type is denied for this method. Application context required";
    /// `event.bind` with an event the portal does not know.
    EventNotFound = "ERROR_EVENT_NOT_FOUND", 400, "Event not found";
    /// `feature.get` without `CODE`.
    CodeEmpty = "CODE_EMPTY", 400, "CODE can't be empty";
    /// Admin approval of the method is pending.
    MethodConfirmWaiting = "METHOD_CONFIRM_WAITING", 401, "Waiting for confirmation";
    /// Admin refused the method.
    MethodConfirmDenied = "METHOD_CONFIRM_DENIED", 403, "Method call denied";
    /// The JSON answer could not be encoded.
    WrongEncoding = "WRONG_ENCODING", 400, "Wrong request encoding";
    /// Payment is required for the application or portal.
    PaymentRequired = "PAYMENT_REQUIRED", 401, "Payment required";
    /// `getLastId` and friends: empty CRM parameters or no such chat.
    CrmChatEmptyCrmData = "CRM_CHAT_EMPTY_CRM_DATA", 400, "Empty CRM data";
    /// `chat.user.delete` without `USER_ID`.
    CrmChatEmptyUser = "CRM_CHAT_EMPTY_USER", 400, "Empty User ID";
    /// The chat is not (actively) bound to the CRM record.
    ChatNotInCrm = "CHAT_NOT_IN_CRM", 400, "Chat does not belong to the CRM object being checked";
    /// The user to add or remove is deactivated.
    CrmChatUserNotActive = "CRM_CHAT_USER_NOT_ACTIVE", 400, "User not active";
    /// Membership change that cannot be done.
    WrongRequest = "WRONG_REQUEST", 400, "You don't have access or user already member in chat";
    /// The caller may not remove users from this chat.
    ChatDeleteUserPermissionDenied = "CHAT_DELETE_USER_PERMISSION_DENIED", 403, "You don't have access to delete a user from this chat";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(ErrorCode::parse(&code))
    }
}

#[cfg(test)]
mod tests;
