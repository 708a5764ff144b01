//! `events`, `event.bind`, `event.unbind`, `event.get`: an application's event handlers.
//!
//! All four need an application context, an OAuth token issued to an application; webhooks
//! and tokens without an application get `403 WRONG_AUTH_TYPE`, as the portal refuses them.
//! Parameter names are read in any letter case (the portal upper-cases them; its examples
//! use both). A non-administrator binds for themself only: handlers run as their own user,
//! offline handlers and another user's `auth_type` are refused with `403 ACCESS_DENIED` and
//! the documented descriptions. See docs/PROTOCOL.md, section "Events".

use super::args::{php_numeric_int, text};
use crate::domain::credentials::generate_token;
use crate::domain::event::{self, EVENTS};
use crate::rpc::{ApiError, AuthKind, CallContext, MethodOutput};
use crate::storage::events::{HandlerKey, NewHandler};
use openlines_wire::params::{php_empty, Params};
use openlines_wire::ErrorCode;
use secrecy::ExposeSecret;
use serde_json::{json, Value};

/// The caller's application (`client_id`), or the portal's refusal for any other context.
pub(super) fn application(ctx: &CallContext) -> Result<&str, ApiError> {
    match &ctx.caller.auth {
        AuthKind::OAuth {
            client_id: Some(client),
        } => Ok(client),
        _ => Err(ApiError::new(ErrorCode::WrongAuthType)),
    }
}

/// Parameter `name` in any letter case.
pub(super) fn param<'p>(params: &'p Params, name: &str) -> Option<&'p Value> {
    params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// A scalar parameter as trimmed text; empty when absent.
pub(super) fn text_param(params: &Params, name: &str) -> String {
    param(params, name)
        .and_then(text)
        .map(|value| value.trim().to_owned())
        .unwrap_or_default()
}

fn is_offline(params: &Params) -> bool {
    text_param(params, "event_type").eq_ignore_ascii_case("offline")
}

/// `auth_type` as given: `None` when absent, `Some(0)` when empty or zero.
fn auth_type(params: &Params) -> Result<Option<i64>, ApiError> {
    match param(params, "auth_type") {
        None => Ok(None),
        Some(value) if php_empty(Some(value)) => Ok(Some(0)),
        Some(value) => php_numeric_int(value)
            .filter(|user| *user >= 0)
            .map(Some)
            .ok_or_else(|| ApiError::argument_type("AUTH_TYPE")),
    }
}

/// `events`: the names of the events an application may bind. `SCOPE` gives those of one
/// scope; `FULL` every one; neither, those of the caller's scopes and the basic ones.
pub async fn events(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    application(&ctx)?;
    let scope = param(&params, "scope").and_then(text);
    let full = !php_empty(param(&params, "full"));
    let names = EVENTS
        .iter()
        .filter(|def| match (&scope, full) {
            (Some(wanted), _) => def
                .scope
                .is_some_and(|scope| scope.as_str().eq_ignore_ascii_case(wanted.trim())),
            (None, true) => true,
            (None, false) => def
                .scope
                .is_none_or(|scope| ctx.caller.scopes.contains(&scope)),
        })
        .map(|def| Value::String(def.name.to_owned()))
        .collect();
    Ok(MethodOutput::new(Value::Array(names)))
}

/// `event.bind`: `true`.
pub async fn bind(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let name = text_param(&params, "event");
    if name.is_empty() {
        return Err(ApiError::argument_empty("EVENT"));
    }
    let offline = is_offline(&params);
    // An offline handler is never called; its URL is not kept (the queue is per application).
    let handler = if offline {
        String::new()
    } else {
        text_param(&params, "handler")
    };
    if !offline && handler.is_empty() {
        return Err(ApiError::argument_empty("HANDLER"));
    }
    let is_url = handler.starts_with("http://") || handler.starts_with("https://");
    if !offline && !is_url {
        return Err(ApiError::with_description(
            ErrorCode::Other("WRONG_HANDLER_URL".into()),
            "Wrong handler URL",
        ));
    }
    let event = event::find(&name).ok_or_else(|| ApiError::new(ErrorCode::EventNotFound))?;
    let user = &ctx.caller.user;
    let requested = auth_type(&params)?;
    if !user.is_admin && offline {
        return Err(ApiError::access_denied(
            "Offline events binding requires administrator access rights",
        ));
    }
    let auth_type = match requested {
        Some(other) if !user.is_admin && other != 0 && other != user.id => {
            return Err(ApiError::access_denied(
                "Event binding with AUTH_TYPE requires administrator access rights",
            ))
        }
        // A non-administrator's handlers always run as themself.
        _ if !user.is_admin => user.id,
        Some(chosen) => chosen,
        None => 0,
    };
    let options = param(&params, "options")
        .filter(|value| value.is_object() || value.is_array())
        .map_or_else(|| "{}".to_owned(), Value::to_string);
    let scopes: Vec<&str> = ctx
        .caller
        .scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect();
    let store = ctx.state.store();
    store
        .application_token(client_id, generate_token().expose_secret())
        .await?;
    let bound = store
        .bind_event_handler(&NewHandler {
            client_id,
            event: event.name,
            handler: &handler,
            auth_type,
            offline,
            auth_connector: &text_param(&params, "auth_connector"),
            options: &options,
            bound_by: user.id,
            scopes: &scopes.join(","),
            now: ctx.state.clock().now_secs(),
        })
        .await?;
    if !bound {
        // What public integrations see and match on; the portal answers it as a core error.
        return Err(
            ApiError::with_description(ErrorCode::ErrorCore, "Handler already binded")
                .with_status(400),
        );
    }
    Ok(MethodOutput::new(json!(true)))
}

/// `event.unbind`: `{"count": N}`, the handlers removed.
pub async fn unbind(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let name = text_param(&params, "event");
    if name.is_empty() {
        return Err(ApiError::argument_empty("EVENT"));
    }
    let offline = is_offline(&params);
    let handler = if offline {
        String::new()
    } else {
        text_param(&params, "handler")
    };
    if !offline && handler.is_empty() {
        return Err(ApiError::argument_empty("HANDLER"));
    }
    let user = &ctx.caller.user;
    if !user.is_admin && offline {
        return Err(ApiError::access_denied(
            "Offline events unbinding requires administrator access rights",
        ));
    }
    let auth_type = match auth_type(&params)? {
        Some(other) if !user.is_admin && other != 0 && other != user.id => {
            return Err(ApiError::access_denied(
                "Event unbinding with AUTH_TYPE requires administrator access rights",
            ))
        }
        _ if !user.is_admin => Some(user.id),
        given => given,
    };
    // An unknown name matches no handler: nothing to remove, as on the portal.
    let event = event::find(&name).map_or(name.to_ascii_uppercase(), |def| def.name.to_owned());
    let count = ctx
        .state
        .store()
        .unbind_event_handlers(&HandlerKey {
            client_id,
            event: &event,
            handler: &handler,
            offline,
            auth_type,
        })
        .await?;
    Ok(MethodOutput::new(json!({"count": count})))
}

/// `event.get`: the application's handlers (a non-administrator's own only).
pub async fn get(ctx: CallContext, _params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let user = &ctx.caller.user;
    let only = (!user.is_admin).then_some(user.id);
    let rows = ctx.state.store().event_handlers(client_id, only).await?;
    let list = rows
        .into_iter()
        .map(|row| {
            json!({
                "event": row.event,
                "handler": row.handler,
                "auth_type": row.auth_type.to_string(),
                "offline": i64::from(row.offline),
            })
        })
        .collect();
    Ok(MethodOutput::new(Value::Array(list)))
}
