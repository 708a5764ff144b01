//! `imopenlines.session.open` (a customer writes: find or create the chat, open a queued
//! session) and `imopenlines.session.start` (an operator starts a new dialog in a chat).
//! A new session keeps the CRM bindings of the chat's previous one.

use super::open_line_chat::{chat_from_params, denied};
use crate::domain::session::SessionStatus;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use openlines_wire::params::{php_empty, Params};
use serde_json::json;

/// `imopenlines.session.open` with `USER_CODE` = `connector|line|chat|user`.
pub async fn open(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let code = params.get("USER_CODE");
    if php_empty(code) {
        return Err(ApiError::argument_empty("USER_CODE"));
    }
    let code = code
        .and_then(openlines_wire::params::php_string)
        .unwrap_or_default();
    let parts: Vec<&str> = code.split('|').collect();
    let [connector, line, chat, user] = parts.as_slice() else {
        return Err(denied("USER_CODE must be connector|line|chat|user"));
    };
    let connector = crate::domain::connector::normalize_connector_id(connector);
    let Some(line) = line.parse::<i64>().ok().filter(|line| *line > 0) else {
        return Err(denied("USER_CODE names no open line"));
    };
    let store = ctx.state.store();
    if !store.line_and_connector_exist(&connector, line).await? {
        return Err(denied(
            "The open line or connector of USER_CODE is not active",
        ));
    }
    let chat_id = match store
        .chat_by_user_code(&connector, line, chat, user)
        .await?
    {
        Some(existing) => existing.id,
        None => {
            let title = format!("{connector} {user}");
            store
                .create_chat(&connector, line, chat, user, &title)
                .await?
        }
    };
    let now = ctx.state.clock().now_secs();
    store
        .open_session(chat_id, SessionStatus::NEW.0, None, now, ctx.actor())
        .await?;
    // The portal's example shows the id as a string (spec §11.11).
    Ok(MethodOutput::new(json!({"chatId": chat_id.to_string()})))
}

/// `imopenlines.session.start`: the caller starts a new dialog (status 10, their own) unless
/// one is open already.
pub async fn start(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let (chat, _) = chat_from_params(&ctx, &params, "CHAT_ID").await?;
    let now = ctx.state.clock().now_secs();
    ctx.state
        .store()
        .open_session(
            chat.id,
            SessionStatus::ANSWER.0,
            Some(ctx.caller.user.id),
            now,
            ctx.actor(),
        )
        .await?;
    Ok(MethodOutput::new(json!(true)))
}
