//! `imconnector.send.status.delivery` and `imconnector.send.status.reading`: the external
//! system reports that operators' messages (as `OnImConnectorMessageAdd` gave them, by
//! `im.chat_id` and `im.message_id`) reached the customer, or were read. A delivered message
//! counts as read too, as on the portal. See docs/PROTOCOL.md §26.

use super::args::php_numeric_int;
use super::imconnector_common::{
    application, bad_message_structure, connector_arg, line_arg, message_elements, own_connector,
};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::connectors::Mark;
use openlines_wire::params::Params;
use serde_json::json;

/// `imconnector.send.status.delivery`.
pub async fn delivery(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    report(ctx, params, Mark::Delivered).await
}

/// `imconnector.send.status.reading`.
pub async fn reading(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    report(ctx, params, Mark::Read).await
}

/// `{"SUCCESS": every element named an operator's message of this connector and line,
/// "DATA": []}`. Elements that name none change nothing.
async fn report(ctx: CallContext, params: Params, mark: Mark) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let connector = connector_arg(&params)?;
    let line = line_arg(&params)?;
    let mut targets = Vec::new();
    for element in message_elements(&params)? {
        let id = |name: &str| {
            element
                .get("im")
                .and_then(|im| im.get(name))
                .and_then(php_numeric_int)
                .filter(|id| *id > 0)
        };
        let (Some(chat), Some(message)) = (id("chat_id"), id("message_id")) else {
            return Err(bad_message_structure());
        };
        targets.push((chat, message));
    }
    own_connector(&ctx, client_id, &connector).await?;
    let store = ctx.state.store();
    let now = ctx.state.clock().now_secs();
    let mut all_marked = true;
    for target in targets {
        all_marked &= store
            .mark_message(mark, target, (&connector, line), now)
            .await?;
    }
    Ok(MethodOutput::new(
        json!({"SUCCESS": all_marked, "DATA": []}),
    ))
}
