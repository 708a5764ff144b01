//! The `CHAT_ID` rules of the session and operator methods (spec §7.5–7.6): every error is
//! HTTP 400 there, `ACCESS_DENIED` included, as the module throws them as wrong requests.

use super::args::php_numeric_int;
use crate::rpc::{ApiError, CallContext};
use crate::storage::sessions::{ChatRow, SessionRow};
use openlines_wire::params::{php_empty, Params};
use openlines_wire::ErrorCode;

/// An error with its own code, answered 400.
pub fn wrong(code: &str, description: &str) -> ApiError {
    ApiError::with_description(ErrorCode::Other(code.to_owned()), description.to_owned())
        .with_status(400)
}

/// `ACCESS_DENIED` as these methods answer it: 400.
pub fn denied(description: &str) -> ApiError {
    ApiError::with_description(ErrorCode::AccessDenied, description.to_owned()).with_status(400)
}

/// The chat named by `CHAT_ID` and its newest session. `empty_code` is the code for a missing
/// `CHAT_ID` (`CHAT_ID`, or `CHAT_ID_EMPTY` for transfer).
pub async fn chat_from_params(
    ctx: &CallContext,
    params: &Params,
    empty_code: &str,
) -> Result<(ChatRow, Option<SessionRow>), ApiError> {
    let value = params.get("CHAT_ID");
    if php_empty(value) {
        return Err(wrong(empty_code, "Chat ID can't be empty"));
    }
    let id = value.and_then(php_numeric_int).filter(|id| *id > 0);
    let store = ctx.state.store();
    let chat = match id {
        Some(id) => store.chat(id).await?,
        None => None,
    };
    let chat = chat.ok_or_else(|| wrong("CHAT_TYPE", "Chat is not an Open Lines chat"))?;
    let session = store.current_session(chat.id).await?;
    Ok((chat, session))
}

/// The chat's open session, or `ACCESS_DENIED` when there is none.
pub fn open_session(session: Option<SessionRow>) -> Result<SessionRow, ApiError> {
    session
        .filter(|session| !session.is_closed())
        .ok_or_else(|| denied("There is no open dialog in this chat"))
}
