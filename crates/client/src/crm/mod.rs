//! Typed calls of the `imopenlines.crm.*` family (spec §7.1–§7.5): which open-line chats
//! belong to a CRM record, and what can be done with them.
//!
//! Each method is a struct implementing [`crate::Method`] (in `methods.rs`), usable alone or
//! in a [`crate::Batch`]; [`crate::Client`] has one shortcut per method (in `calls.rs`). This
//! file holds the domain types. Domain values are newtypes ([`ChatId`],
//! [`MessageId`]) or enums ([`CrmEntityType`]), so a chat id cannot be passed where a user id
//! is expected, and ids arrive as numbers whether the server wrote `"9852"` or `9852`.

mod calls;
mod methods;

pub use methods::{
    CrmChatGet, CrmChatGetLastId, CrmChatUserAdd, CrmChatUserDelete, CrmLeadCreate, CrmMessageAdd,
};

use crate::Error;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The kind of CRM record a chat can belong to; on the wire `lead`, `deal`, `contact`,
/// `company`. One definition, in `openlines-wire`, shared with the server.
///
/// ```
/// use openlines_client::CrmEntityType;
/// assert_eq!(CrmEntityType::Deal.as_str(), "deal");
/// assert_eq!("LEAD".parse::<CrmEntityType>()?, CrmEntityType::Lead);
/// assert!("invoice".parse::<CrmEntityType>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use openlines_wire::crm::CrmEntityType;

impl From<openlines_wire::crm::UnknownEntityType> for Error {
    fn from(unknown: openlines_wire::crm::UnknownEntityType) -> Self {
        Error::InvalidInput(unknown.to_string())
    }
}

/// An open-line chat id. Reads `1763` and `"1763"` alike; writes an integer.
///
/// ```
/// use openlines_client::ChatId;
/// let id: ChatId = serde_json::from_str(r#""9852""#)?;
/// assert_eq!(id, ChatId(9852));
/// assert_eq!(id.to_string(), "9852");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ChatId(pub u64);

impl<'de> Deserialize<'de> for ChatId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::lenient::u64_from(deserializer).map(ChatId)
    }
}

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<u64> for ChatId {
    fn from(id: u64) -> Self {
        ChatId(id)
    }
}

/// A chat message id, as `imopenlines.crm.message.add` returns it.
///
/// ```
/// use openlines_client::MessageId;
/// let id: MessageId = serde_json::from_str("42")?;
/// assert_eq!(id, MessageId(42));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MessageId(pub u64);

impl<'de> Deserialize<'de> for MessageId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::lenient::u64_from(deserializer).map(MessageId)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One row of `imopenlines.crm.chat.get`.
///
/// ```
/// use openlines_client::{ChatId, CrmChat};
/// let chat: CrmChat = serde_json::from_str(
///     r#"{"CHAT_ID":"9852","CONNECTOR_ID":"livechat","CONNECTOR_TITLE":"Live Chat"}"#,
/// )?;
/// assert_eq!(chat.chat_id, ChatId(9852));
/// assert_eq!(chat.connector_id, "livechat");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmChat {
    /// `CHAT_ID` (a string on the wire).
    #[serde(rename = "CHAT_ID")]
    pub chat_id: ChatId,
    /// `CONNECTOR_ID`, e.g. `livechat`, `telegrambot`.
    #[serde(rename = "CONNECTOR_ID")]
    pub connector_id: String,
    /// `CONNECTOR_TITLE`, the connector's name in the portal's language.
    #[serde(rename = "CONNECTOR_TITLE")]
    pub connector_title: String,
}

#[cfg(test)]
mod tests;
