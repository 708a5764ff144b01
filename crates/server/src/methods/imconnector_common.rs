//! What the `imconnector.*` methods share: the application context they need, the
//! `CONNECTOR`/`LINE` arguments, and the checks that the connector is the caller's own and the
//! line is there. See docs/PROTOCOL.md §26.

use super::args::php_numeric_int;
pub(super) use super::event::param;
use crate::rpc::{ApiError, AuthKind, CallContext};
use crate::storage::connectors::ConnectorRow;
use openlines_wire::params::{php_empty, php_string, Params};
use openlines_wire::ErrorCode;
use serde_json::Value;

/// The caller's application (`client_id`): `Ok(None)` for an OAuth token issued without one
/// (register and unregister answer that in their result), `403 WRONG_AUTH_TYPE` for webhooks.
pub(super) fn application_of(ctx: &CallContext) -> Result<Option<&str>, ApiError> {
    match &ctx.caller.auth {
        AuthKind::OAuth { client_id } => Ok(client_id.as_deref()),
        AuthKind::Webhook { .. } => Err(ApiError::new(ErrorCode::WrongAuthType)),
    }
}

/// The caller's application, or `403 WRONG_AUTH_TYPE` for any other context.
pub(super) fn application(ctx: &CallContext) -> Result<&str, ApiError> {
    application_of(ctx)?.ok_or_else(|| ApiError::new(ErrorCode::WrongAuthType))
}

/// Parameter `name` (any letter case) unless PHP's `empty()` holds for it.
pub(super) fn present<'p>(params: &'p Params, name: &str) -> Option<&'p Value> {
    param(params, name).filter(|value| !php_empty(Some(value)))
}

/// Parameter `name`, or `400 ERROR_ARGUMENT` `Argument 'NAME' is null or empty`.
pub(super) fn required<'p>(params: &'p Params, name: &str) -> Result<&'p Value, ApiError> {
    present(params, name).ok_or_else(|| ApiError::argument_empty(name))
}

/// `CONNECTOR`, lower-cased as ids are stored.
pub(super) fn connector_arg(params: &Params) -> Result<String, ApiError> {
    let value = required(params, "CONNECTOR")?;
    let text = php_string(value).ok_or_else(|| ApiError::argument_type("CONNECTOR"))?;
    Ok(crate::domain::connector::normalize_connector_id(
        text.trim(),
    ))
}

/// `LINE`: a positive id.
pub(super) fn line_arg(params: &Params) -> Result<i64, ApiError> {
    let value = required(params, "LINE")?;
    php_numeric_int(value)
        .filter(|line| *line > 0)
        .ok_or_else(|| ApiError::argument_type("LINE"))
}

/// Connector `id` of application `client_id`, or `400 IMCONNECTOR_NO_CORRECT_PROVIDER`: a
/// standard connector, another application's, or none.
pub(super) async fn own_connector(
    ctx: &CallContext,
    client_id: &str,
    id: &str,
) -> Result<ConnectorRow, ApiError> {
    ctx.state
        .store()
        .connector_of_app(id, client_id)
        .await?
        .ok_or_else(|| {
            ApiError::with_description(
                ErrorCode::Other("IMCONNECTOR_NO_CORRECT_PROVIDER".into()),
                "Failed to find a suitable provider for the connector",
            )
        })
}

/// `400 NOT_ACTIVE_LINE` with `description`.
pub(super) fn not_active_line(description: &'static str) -> ApiError {
    ApiError::with_description(ErrorCode::Other("NOT_ACTIVE_LINE".into()), description)
}

/// What the portal says of a line that is not there (or, where an active one is needed, not
/// active).
pub(super) const NO_LINE: &str = "The line with this ID is inactive or does not exist";

/// Fails with `400 NOT_ACTIVE_LINE` unless open line `line` exists (and is active, when
/// `need_active`).
pub(super) async fn check_line(
    ctx: &CallContext,
    line: i64,
    need_active: bool,
) -> Result<(), ApiError> {
    match ctx.state.store().line_active(line).await? {
        Some(active) if active || !need_active => Ok(()),
        _ => Err(not_active_line(NO_LINE)),
    }
}

/// The elements of `MESSAGES` (an array, or the object a form makes of `MESSAGES[0][…]`):
/// `ERROR_ARGUMENT` when it is neither, or an element is no object.
pub(super) fn message_elements(params: &Params) -> Result<Vec<&Value>, ApiError> {
    let messages = required(params, "MESSAGES")?;
    let elements: Vec<&Value> = match messages {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => {
            return Err(ApiError::with_description(
                ErrorCode::ErrorArgument,
                "The value of an argument 'MESSAGES' must be of type array",
            ))
        }
    };
    if elements.iter().any(|element| !element.is_object()) {
        return Err(ApiError::with_description(
            ErrorCode::ErrorArgument,
            "The MESSAGES parameter must be an array of messages (arrays)",
        ));
    }
    Ok(elements)
}

/// `ERROR_ARGUMENT` for an element of `MESSAGES` without its blocks.
pub(super) fn bad_message_structure() -> ApiError {
    ApiError::with_description(
        ErrorCode::ErrorArgument,
        "The incorrect structure of a message inside MESSAGES parameter",
    )
}

/// A flag as the portal reads one: `true`, `Y`, `1`, any other non-empty text; `false`,
/// `N`, `0`, empty, absent.
pub(super) fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => Some(number.as_f64() != Some(0.0)),
        Value::String(text) => {
            let text = text.trim();
            Some(!(text.is_empty() || text == "0" || text.eq_ignore_ascii_case("N")))
        }
        Value::Null => Some(false),
        _ => None,
    }
}

/// A scalar field of an object block as trimmed text; empty when absent.
pub(super) fn field(block: &Value, name: &str) -> String {
    block
        .get(name)
        .and_then(php_string)
        .map(|text| text.trim().to_owned())
        .unwrap_or_default()
}
