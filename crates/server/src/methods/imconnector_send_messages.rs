//! `imconnector.send.messages`: customers' messages from an external system enter an open
//! line through the application's connector. Each one finds or creates the chat of its
//! `connector|line|chat.id|user.id`, opens a queued session there unless one is open (what
//! `imopenlines.session.open` does, so chat.get and the operator methods see it), and stores
//! the message, in one transaction per message. See docs/PROTOCOL.md §26.

use super::imconnector_common::{
    application, bad_message_structure, check_line, connector_arg, field, line_arg,
    message_elements, not_active_line, own_connector,
};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::connectors::IncomingMessage;
use serde_json::{json, Map, Value};

/// One element of `MESSAGES`, checked.
struct Incoming<'v> {
    user: &'v Value,
    message: &'v Value,
    chat: &'v Value,
}

/// The text a message is stored with: its `text`, then a BB-code link per file.
fn stored_text(message: &Value) -> String {
    let mut parts = Vec::new();
    let text = field(message, "text");
    if !text.is_empty() {
        parts.push(text);
    }
    let files: Vec<&Value> = match message.get("files") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    };
    for file in files {
        let url = field(file, "url");
        if !url.is_empty() {
            let name = field(file, "name");
            parts.push(format!(
                "[url={url}]{}[/url]",
                if name.is_empty() { &url } else { &name }
            ));
        }
    }
    parts.join("\n")
}

/// Why an element cannot be taken (it is answered with `SUCCESS: false` and these `ERRORS`).
fn element_errors(user_id: &str, chat_id: &str, text: &str) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if user_id.is_empty() {
        errors.push("The user id is not specified");
    }
    if chat_id.is_empty() {
        errors.push("The chat id is not specified");
    }
    if text.is_empty() {
        errors.push("The message has neither text nor files");
    }
    errors
}

/// `{"SUCCESS": all taken, "DATA": {"RESULT": [one per element]}}`.
pub async fn call(
    ctx: CallContext,
    params: openlines_wire::params::Params,
) -> Result<MethodOutput, ApiError> {
    let client_id = application(&ctx)?;
    let connector = connector_arg(&params)?;
    let line = line_arg(&params)?;
    let elements = message_elements(&params)?;
    let mut checked = Vec::with_capacity(elements.len());
    for element in elements {
        let block = |name: &str| element.get(name).filter(|block| block.is_object());
        let (Some(user), Some(message), Some(chat)) =
            (block("user"), block("message"), block("chat"))
        else {
            return Err(bad_message_structure());
        };
        checked.push(Incoming {
            user,
            message,
            chat,
        });
    }
    own_connector(&ctx, client_id, &connector).await?;
    check_line(&ctx, line, true).await?;
    let store = ctx.state.store();
    if !store
        .connector_on_line(&connector, line)
        .await?
        .is_some_and(|state| state.active)
    {
        return Err(not_active_line(
            "The connector is not active on the line with this ID",
        ));
    }
    let now = ctx.state.clock().now_secs();
    let mut results = Vec::with_capacity(checked.len());
    let mut all_taken = true;
    for Incoming {
        user,
        message,
        chat,
    } in checked
    {
        let user_id = field(user, "id");
        let chat_id = field(chat, "id");
        let text = stored_text(message);
        let echoed_message = json!({
            "id": field(message, "id"),
            "date": message.get("date").and_then(super::args::php_numeric_int).unwrap_or(now),
            "text": field(message, "text"),
            "files": message.get("files").cloned().unwrap_or_else(|| json!([])),
        });
        let mut echoed_chat = Map::new();
        for name in ["id", "name", "url"] {
            let value = field(chat, name);
            if !value.is_empty() {
                echoed_chat.insert(name.to_owned(), Value::String(value));
            }
        }
        let mut extra = Map::new();
        if field(user, "skip_phone_validate").eq_ignore_ascii_case("Y") {
            extra.insert("skip_phone_validate".into(), json!("Y"));
        }
        if field(message, "disable_crm").eq_ignore_ascii_case("Y") {
            extra.insert("disable_tracker".into(), json!("Y"));
        }
        let mut result = json!({
            "user": user_id,
            "chat": echoed_chat,
            "extra": extra,
        });
        let errors = element_errors(&user_id, &chat_id, &text);
        if !errors.is_empty() {
            all_taken = false;
            result["message"] = echoed_message;
            result["SUCCESS"] = json!(false);
            result["ERRORS"] = json!(errors);
            results.push(result);
            continue;
        }
        let person = format!("{} {}", field(user, "name"), field(user, "last_name"));
        let title = match person.trim() {
            "" => format!("{connector} {user_id}"),
            named => named.to_owned(),
        };
        let external_id = field(message, "id");
        let landed = store
            .connector_message_in(
                &IncomingMessage {
                    connector: &connector,
                    line,
                    external_chat: &chat_id,
                    external_user: &user_id,
                    chat_title: &title,
                    text: &text,
                    external_id: (!external_id.is_empty()).then_some(external_id.as_str()),
                },
                now,
                ctx.actor(),
            )
            .await?;
        result["message"] = echoed_message;
        result["SUCCESS"] = json!(true);
        result["session"] = json!({
            "ID": landed.session_id.to_string(),
            "CHAT_ID": landed.chat_id.to_string(),
        });
        results.push(result);
    }
    Ok(MethodOutput::new(json!({
        "SUCCESS": all_taken,
        "DATA": {"RESULT": results},
    })))
}
