//! The operator methods (spec §7.6, §8.1): answer, finish, another.finish, skip, spam and
//! transfer. Each is one conditional status change of the chat's open session, which also
//! moves the session's modification time (the order of `imopenlines.crm.chat.get`).
//!
//! Open-line queues are not modelled: every active user is an operator of every line.

use super::open_line_chat::{chat_from_params, denied, open_session, wrong};
use crate::domain::session::Transition;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::sessions::SessionRow;
use openlines_wire::params::{php_empty, Params};
use serde_json::json;

/// The open session of the chat named by `CHAT_ID`.
async fn open_session_from(ctx: &CallContext, params: &Params) -> Result<SessionRow, ApiError> {
    let (_, session) = chat_from_params(ctx, params, "CHAT_ID").await?;
    open_session(session)
}

/// Whether the session has an operator other than the caller, whom only an admin overrides.
fn another_operators(ctx: &CallContext, session: &SessionRow) -> bool {
    let user = &ctx.caller.user;
    !user.is_admin
        && session
            .operator_id
            .is_some_and(|operator| operator != user.id)
}

/// Applies `transition` to `session`; `refused` is the answer when its condition no longer
/// holds (another call changed the session first).
async fn apply(
    ctx: &CallContext,
    session: &SessionRow,
    transition: Transition,
    refused: &str,
) -> Result<MethodOutput, ApiError> {
    let now = ctx.state.clock().now_secs();
    let done = ctx
        .state
        .store()
        .transition(session.id, transition, now, ctx.actor())
        .await?;
    if done {
        Ok(MethodOutput::new(json!(true)))
    } else {
        Err(denied(refused))
    }
}

/// `imopenlines.operator.answer`: take the dialog.
pub async fn answer(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let session = open_session_from(&ctx, &params).await?;
    let operator = ctx.caller.user.id;
    let refused = "The dialog is already taken by another operator";
    apply(&ctx, &session, Transition::Answer { operator }, refused).await
}

/// `imopenlines.operator.finish`: close the caller's own dialog.
pub async fn finish(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let session = open_session_from(&ctx, &params).await?;
    let operator = ctx.caller.user.id;
    let refused = "You are not the operator of this dialog";
    apply(&ctx, &session, Transition::Finish { operator }, refused).await
}

/// `imopenlines.operator.another.finish`: close a dialog whoever owns it (admins, or the
/// dialog's operator).
pub async fn another_finish(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let session = open_session_from(&ctx, &params).await?;
    let user = &ctx.caller.user;
    if !user.is_admin && session.operator_id != Some(user.id) {
        return Err(denied("You don't have access to close this dialog"));
    }
    let refused = "The dialog is already closed";
    apply(&ctx, &session, Transition::FinishAny, refused).await
}

/// `imopenlines.operator.skip`: give the dialog back to the queue.
pub async fn skip(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, session) = chat_from_params(&ctx, &params, "CHAT_ID").await?;
    let Some(session) = session.filter(|session| !session.is_closed()) else {
        return Err(wrong("ACCESS_DENIED_KICK", "The dialog is closed"));
    };
    let operator = ctx.caller.user.id;
    let refused = "You are not the operator of this dialog";
    apply(&ctx, &session, Transition::Skip { operator }, refused).await
}

/// `imopenlines.operator.spam`: mark as spam and close (admins, or the dialog's operator).
pub async fn spam(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let session = open_session_from(&ctx, &params).await?;
    if another_operators(&ctx, &session) {
        return Err(wrong(
            "ACCESS_DENIED_KICK",
            "You are not the operator of this dialog",
        ));
    }
    let refused = "The dialog is already closed";
    apply(&ctx, &session, Transition::Spam, refused).await
}

/// `imopenlines.operator.transfer`: to a user (`TRANSFER_ID=<id>` or `USER_ID`) or back to a
/// queue (`TRANSFER_ID=queue<ID>` or `QUEUE_ID`).
pub async fn transfer(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let (_, session) = chat_from_params(&ctx, &params, "CHAT_ID_EMPTY").await?;
    let text = |name: &str| {
        params
            .get(name)
            .filter(|v| !php_empty(Some(v)))
            .and_then(openlines_wire::params::php_string)
    };
    let target = match (text("TRANSFER_ID"), text("USER_ID"), text("QUEUE_ID")) {
        (Some(transfer), _, _) => match transfer.strip_prefix("queue") {
            Some(queue) => Target::Queue(queue.to_owned()),
            None => Target::User(transfer),
        },
        (None, Some(user), _) => Target::User(user),
        (None, None, Some(queue)) => Target::Queue(queue),
        (None, None, None) => return Err(wrong("TRANSFER_ID_EMPTY", "Transfer ID can't be empty")),
    };
    let session = open_session(session)?;
    if another_operators(&ctx, &session) {
        return Err(denied("You are not the operator of this dialog"));
    }
    let transition = match target {
        Target::User(id) => {
            let operator = id.trim().parse::<i64>().ok();
            let store = ctx.state.store();
            let valid = match operator {
                Some(id) => store.user(id).await?.is_some_and(|user| user.active),
                None => false,
            };
            let Some(operator) = operator.filter(|_| valid) else {
                return Err(wrong(
                    "OPERATOR_WRONG",
                    "The operator to transfer to does not exist or is not active",
                ));
            };
            Transition::TransferToUser { operator }
        }
        Target::Queue(line) => {
            if line.trim().parse::<i64>().map_or(true, |id| id <= 0) {
                return Err(wrong("QUEUE_ID_EMPTY", "Queue ID can't be empty"));
            }
            Transition::TransferToQueue
        }
    };
    apply(&ctx, &session, transition, "The dialog is already closed").await
}

enum Target {
    User(String),
    Queue(String),
}
