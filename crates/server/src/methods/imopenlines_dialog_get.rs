//! `imopenlines.dialog.get`: the chat object of an open-line dialog, found by `CHAT_ID`,
//! `DIALOG_ID` (`chat<ID>`), `SESSION_ID` or `USER_CODE` (spec §7.6, §8.3).
//!
//! `entity_data_1` and `entity_data_2` are the chat's cached CRM view of its newest session:
//! `CRM|TYPE|ID|PAUSE|WAIT_ACTION|SESSION_ID|DATE_CREATE|LINE_ID|BLOCK_DATE|BLOCK_REASON` and
//! `LEAD|id|COMPANY|id|CONTACT|id|DEAL|id`.
//!
//! Only the CRM records the caller may read appear there: a portal shows an operator the
//! bindings of a dialog they can see, never the id of a record their CRM rights hide.

use super::args::php_numeric_int;
use super::crm_read::read_access;
use super::open_line_chat::wrong;
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::sessions::{ChatRow, SessionRow};
use openlines_wire::params::Params;
use serde_json::{json, Value};

pub async fn call(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let no_access = || {
        wrong(
            "ACCESS_ERROR",
            "You do not have access to the specified dialog",
        )
    };
    let chat = find_chat(&ctx, &params).await?.ok_or_else(no_access)?;
    let store = ctx.state.store();
    let session = store.current_session(chat.id).await?;
    let bindings = match &session {
        Some(session) => store.bindings_of_session(session.id).await?,
        None => Vec::new(),
    };
    let bindings = readable(&ctx, bindings).await?;
    let members = store.members(chat.id).await?;
    let operator = session.as_ref().and_then(|session| session.operator_id);
    Ok(MethodOutput::new(json!({
        "id": chat.id,
        "parent_chat_id": 0,
        "parent_message_id": 0,
        "name": chat.title,
        "owner": operator.unwrap_or(0),
        "extranet": false,
        "avatar": "",
        "color": "#4ba984",
        "type": "lines",
        "message_type": "L",
        "entity_type": "LINES",
        "entity_id": chat.user_code(),
        "entity_data_1": entity_data_1(&chat, session.as_ref(), &bindings),
        "entity_data_2": entity_data_2(&bindings),
        "entity_data_3": "N",
        "date_create": session.as_ref().map(|s| ctx.state.clock().iso8601(s.created_at as f64)),
        "dialog_id": format!("chat{}", chat.id),
        "user_counter": members.len(),
        "manager_list": operator.into_iter().collect::<Vec<_>>(),
    })))
}

async fn find_chat(ctx: &CallContext, params: &Params) -> Result<Option<ChatRow>, ApiError> {
    let store = ctx.state.store();
    let number = |name: &str| {
        params
            .get(name)
            .and_then(php_numeric_int)
            .filter(|id| *id > 0)
    };
    if let Some(id) = number("CHAT_ID") {
        return Ok(store.chat(id).await?);
    }
    if let Some(dialog) = params.get("DIALOG_ID").and_then(Value::as_str) {
        let id = dialog
            .strip_prefix("chat")
            .and_then(|id| id.parse::<i64>().ok());
        return Ok(match id {
            Some(id) => store.chat(id).await?,
            None => None,
        });
    }
    if let Some(session) = number("SESSION_ID") {
        return Ok(match store.session(session).await? {
            Some(session) => store.chat(session.chat_id).await?,
            None => None,
        });
    }
    if let Some(code) = params.get("USER_CODE").and_then(Value::as_str) {
        if let [connector, line, chat, user] = code.split('|').collect::<Vec<_>>().as_slice() {
            if let Ok(line) = line.parse() {
                return Ok(store.chat_by_user_code(connector, line, chat, user).await?);
            }
        }
    }
    Ok(None)
}

/// The bindings whose record the caller may read (or that no longer exists: a deleted
/// record's id tells nothing). A database failure is passed on, never taken for a refusal.
async fn readable(
    ctx: &CallContext,
    bindings: Vec<(String, i64)>,
) -> Result<Vec<(String, i64)>, ApiError> {
    let mut kept = Vec::with_capacity(bindings.len());
    for (kind, id) in bindings {
        let record = kind
            .parse::<CrmEntityType>()
            .ok()
            .zip(CrmEntityId::new(id))
            .map(|(entity_type, id)| CrmRef { entity_type, id });
        let visible = match record {
            Some(record) => read_access(ctx, record).await?.is_some(),
            // A binding of a kind this server does not know is no CRM record to show.
            None => false,
        };
        if visible {
            kept.push((kind, id));
        }
    }
    Ok(kept)
}

/// The main record is the lead if there is one, else the deal, contact, company.
fn entity_data_1(
    chat: &ChatRow,
    session: Option<&SessionRow>,
    bindings: &[(String, i64)],
) -> String {
    let main = ["lead", "deal", "contact", "company"]
        .iter()
        .find_map(|kind| bindings.iter().find(|(t, _)| t == kind));
    let (saved, kind, id) = match main {
        Some((kind, id)) => {
            let upper = kind
                .parse::<CrmEntityType>()
                .map_or("NONE", CrmEntityType::as_upper);
            ("Y", upper, *id)
        }
        None => ("N", "NONE", 0),
    };
    let (session_id, created) = session.map_or((0, 0), |s| (s.id, s.created_at));
    format!(
        "{saved}|{kind}|{id}|N|N|{session_id}|{created}|{}|0|0",
        chat.line_id
    )
}

/// The order in which a portal lists the types in `ENTITY_DATA_2`.
const ENTITY_DATA_2_ORDER: [CrmEntityType; 4] = [
    CrmEntityType::Lead,
    CrmEntityType::Company,
    CrmEntityType::Contact,
    CrmEntityType::Deal,
];

fn entity_data_2(bindings: &[(String, i64)]) -> String {
    ENTITY_DATA_2_ORDER
        .iter()
        .map(|kind| {
            let id = bindings
                .iter()
                .filter(|(t, _)| t == kind.as_str())
                .map(|(_, id)| *id)
                .max()
                .unwrap_or(0);
            format!("{}|{id}", kind.as_upper())
        })
        .collect::<Vec<_>>()
        .join("|")
}
