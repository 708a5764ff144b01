//! One [`Method`] per `imopenlines.crm.*` method: its name, parameters and result type.

use super::{ChatId, CrmChat, CrmEntityType, MessageId};
use crate::Method;
use openlines_wire::params::Params;
use serde_json::{json, Value};

fn entity_params(entity_type: CrmEntityType, entity_id: u64) -> Params {
    let mut params = Params::new();
    params.insert("CRM_ENTITY_TYPE".to_owned(), json!(entity_type.as_str()));
    params.insert("CRM_ENTITY".to_owned(), json!(entity_id));
    params
}

fn with(mut params: Params, name: &str, value: Value) -> Params {
    params.insert(name.to_owned(), value);
    params
}

/// `imopenlines.crm.chat.get`: the chats of a CRM record.
///
/// ```
/// use openlines_client::{CrmChatGet, CrmEntityType, Method};
/// let call = CrmChatGet { entity_type: CrmEntityType::Deal, entity_id: 288, active_only: false };
/// assert_eq!(
///     openlines_wire::params::encode(&call.params()),
///     "CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=N"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmChatGet {
    /// The record's type.
    pub entity_type: CrmEntityType,
    /// The record's id.
    pub entity_id: u64,
    /// `true` (`ACTIVE_ONLY=Y`, the server's default): only chats with a session in progress;
    /// `false` (`N`): every chat ever bound to the record.
    pub active_only: bool,
}

impl Method for CrmChatGet {
    const NAME: &'static str = "imopenlines.crm.chat.get";
    type Output = Vec<CrmChat>;
    fn params(&self) -> Params {
        let flag = if self.active_only { "Y" } else { "N" };
        with(
            entity_params(self.entity_type, self.entity_id),
            "ACTIVE_ONLY",
            json!(flag),
        )
    }
}

/// `imopenlines.crm.chat.getLastId`: the record's most recent chat.
///
/// ```
/// use openlines_client::{CrmChatGetLastId, CrmEntityType, Method};
/// let call = CrmChatGetLastId { entity_type: CrmEntityType::Lead, entity_id: 1205 };
/// assert_eq!(
///     openlines_wire::params::encode(&call.params()),
///     "CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmChatGetLastId {
    /// The record's type.
    pub entity_type: CrmEntityType,
    /// The record's id.
    pub entity_id: u64,
}

impl Method for CrmChatGetLastId {
    const NAME: &'static str = "imopenlines.crm.chat.getLastId";
    type Output = ChatId;
    fn params(&self) -> Params {
        entity_params(self.entity_type, self.entity_id)
    }
}

/// `imopenlines.crm.chat.user.add`: adds a user to a chat of the record. The result is the
/// chat id, `ChatId(0)` when `chat_id` was left out and the record has no chat.
///
/// ```
/// use openlines_client::{CrmChatUserAdd, CrmEntityType, Method};
/// let call = CrmChatUserAdd {
///     entity_type: CrmEntityType::Lead, entity_id: 1205, user_id: 503, chat_id: None,
/// };
/// assert_eq!(
///     openlines_wire::params::encode(&call.params()),
///     "CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205&USER_ID=503"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmChatUserAdd {
    /// The record's type.
    pub entity_type: CrmEntityType,
    /// The record's id.
    pub entity_id: u64,
    /// The user to add.
    pub user_id: u64,
    /// The chat; `None` means the record's most recent chat.
    pub chat_id: Option<ChatId>,
}

impl Method for CrmChatUserAdd {
    const NAME: &'static str = "imopenlines.crm.chat.user.add";
    type Output = ChatId;
    fn params(&self) -> Params {
        membership_params(self.entity_type, self.entity_id, self.user_id, self.chat_id)
    }
}

/// `imopenlines.crm.chat.user.delete`: removes a user from a chat of the record. The result
/// is as for [`CrmChatUserAdd`].
///
/// ```
/// use openlines_client::{ChatId, CrmChatUserDelete, CrmEntityType, Method};
/// let call = CrmChatUserDelete {
///     entity_type: CrmEntityType::Lead, entity_id: 1205, user_id: 503, chat_id: Some(ChatId(1763)),
/// };
/// assert_eq!(call.params()["CHAT_ID"], 1763);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmChatUserDelete {
    /// The record's type.
    pub entity_type: CrmEntityType,
    /// The record's id.
    pub entity_id: u64,
    /// The user to remove.
    pub user_id: u64,
    /// The chat; `None` means the record's most recent chat.
    pub chat_id: Option<ChatId>,
}

impl Method for CrmChatUserDelete {
    const NAME: &'static str = "imopenlines.crm.chat.user.delete";
    type Output = ChatId;
    fn params(&self) -> Params {
        membership_params(self.entity_type, self.entity_id, self.user_id, self.chat_id)
    }
}

fn membership_params(
    entity_type: CrmEntityType,
    entity_id: u64,
    user_id: u64,
    chat_id: Option<ChatId>,
) -> Params {
    let params = with(
        entity_params(entity_type, entity_id),
        "USER_ID",
        json!(user_id),
    );
    match chat_id {
        Some(chat) => with(params, "CHAT_ID", json!(chat.0)),
        None => params,
    }
}

/// `imopenlines.crm.message.add`: posts a message into a chat of the record as `user_id`.
///
/// ```
/// use openlines_client::{ChatId, CrmEntityType, CrmMessageAdd, Method};
/// let call = CrmMessageAdd {
///     entity_type: CrmEntityType::Deal, entity_id: 288, user_id: 1,
///     chat_id: ChatId(9852), message: "Hello & welcome".into(),
/// };
/// assert_eq!(
///     openlines_wire::params::encode(&call.params()),
///     "CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&USER_ID=1&CHAT_ID=9852&MESSAGE=Hello+%26+welcome"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmMessageAdd {
    /// The record's type.
    pub entity_type: CrmEntityType,
    /// The record's id.
    pub entity_id: u64,
    /// The sender: a member of the chat with access to the record.
    pub user_id: u64,
    /// The chat.
    pub chat_id: ChatId,
    /// The text.
    pub message: String,
}

impl Method for CrmMessageAdd {
    const NAME: &'static str = "imopenlines.crm.message.add";
    type Output = MessageId;
    fn params(&self) -> Params {
        let params = membership_params(
            self.entity_type,
            self.entity_id,
            self.user_id,
            Some(self.chat_id),
        );
        with(params, "MESSAGE", json!(self.message))
    }
}

/// `imopenlines.crm.lead.create`: creates a lead from the chat's session; the result is
/// `true`.
///
/// ```
/// use openlines_client::{ChatId, CrmLeadCreate, Method};
/// let call = CrmLeadCreate { chat_id: ChatId(1763) };
/// assert_eq!(openlines_wire::params::encode(&call.params()), "CHAT_ID=1763");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmLeadCreate {
    /// The chat whose session becomes a lead.
    pub chat_id: ChatId,
}

impl Method for CrmLeadCreate {
    const NAME: &'static str = "imopenlines.crm.lead.create";
    type Output = bool;
    fn params(&self) -> Params {
        with(Params::new(), "CHAT_ID", json!(self.chat_id.0))
    }
}

#[cfg(test)]
mod tests;
