//! [`Client`] shortcuts for the `imopenlines.crm.*` methods.

use super::{
    ChatId, CrmChat, CrmChatGet, CrmChatGetLastId, CrmChatUserAdd, CrmChatUserDelete,
    CrmEntityType, CrmLeadCreate, CrmMessageAdd, MessageId,
};
use crate::{Answer, Client, Error};

/// `0` means "no chat, nothing done" in the membership methods' answers.
fn nonzero(chat: ChatId) -> Option<ChatId> {
    (chat.0 != 0).then_some(chat)
}

impl Client {
    /// `imopenlines.crm.chat.get`: the chats of a CRM record, `[]` when it has none or does
    /// not exist. See [`CrmChatGet`].
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::CrmEntityType;
    /// let chats = client.crm_chat_get(CrmEntityType::Deal, 288, false).await?;
    /// println!("{} chats, answered in {} s", chats.result.len(), chats.time.duration);
    /// # Ok(()) }
    /// ```
    pub async fn crm_chat_get(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        active_only: bool,
    ) -> Result<Answer<Vec<CrmChat>>, Error> {
        self.send(&CrmChatGet {
            entity_type,
            entity_id,
            active_only,
        })
        .await
    }

    /// `imopenlines.crm.chat.getLastId`: the record's most recent chat;
    /// `CRM_CHAT_EMPTY_CRM_DATA` when it has none.
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::CrmEntityType;
    /// let last = client.crm_chat_get_last_id(CrmEntityType::Lead, 1205).await?;
    /// println!("chat {}", last.result);
    /// # Ok(()) }
    /// ```
    pub async fn crm_chat_get_last_id(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
    ) -> Result<Answer<ChatId>, Error> {
        self.send(&CrmChatGetLastId {
            entity_type,
            entity_id,
        })
        .await
    }

    /// `imopenlines.crm.chat.user.add`: the chat the user joined, or `None` when `chat_id`
    /// was left out and the record has no chat (the server's `0`).
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::CrmEntityType;
    /// match client.crm_chat_user_add(CrmEntityType::Lead, 1205, 503, None).await?.result {
    ///     Some(chat) => println!("added to chat {chat}"),
    ///     None => println!("the lead has no chat"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn crm_chat_user_add(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        user_id: u64,
        chat_id: Option<ChatId>,
    ) -> Result<Answer<Option<ChatId>>, Error> {
        let call = CrmChatUserAdd {
            entity_type,
            entity_id,
            user_id,
            chat_id,
        };
        Ok(self.send(&call).await?.map(nonzero))
    }

    /// `imopenlines.crm.chat.user.delete`: the chat the user left, or `None` as for
    /// [`crm_chat_user_add`](Self::crm_chat_user_add).
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::{ChatId, CrmEntityType};
    /// client.crm_chat_user_delete(CrmEntityType::Lead, 1205, 503, Some(ChatId(1763))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn crm_chat_user_delete(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        user_id: u64,
        chat_id: Option<ChatId>,
    ) -> Result<Answer<Option<ChatId>>, Error> {
        let call = CrmChatUserDelete {
            entity_type,
            entity_id,
            user_id,
            chat_id,
        };
        Ok(self.send(&call).await?.map(nonzero))
    }

    /// `imopenlines.crm.message.add`: posts `message` as `user_id`; the new message's id.
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::{ChatId, CrmEntityType};
    /// let sent = client
    ///     .crm_message_add(CrmEntityType::Deal, 288, 1, ChatId(9852), "We call you back")
    ///     .await?;
    /// println!("message {}", sent.result);
    /// # Ok(()) }
    /// ```
    pub async fn crm_message_add(
        &self,
        entity_type: CrmEntityType,
        entity_id: u64,
        user_id: u64,
        chat_id: ChatId,
        message: &str,
    ) -> Result<Answer<MessageId>, Error> {
        self.send(&CrmMessageAdd {
            entity_type,
            entity_id,
            user_id,
            chat_id,
            message: message.to_owned(),
        })
        .await
    }

    /// `imopenlines.crm.lead.create`: creates a lead from the chat's session.
    ///
    /// ```no_run
    /// # async fn demo(client: openlines_client::Client) -> openlines_client::Result<()> {
    /// use openlines_client::ChatId;
    /// assert!(client.crm_lead_create(ChatId(1763)).await?.result);
    /// # Ok(()) }
    /// ```
    pub async fn crm_lead_create(&self, chat_id: ChatId) -> Result<Answer<bool>, Error> {
        self.send(&CrmLeadCreate { chat_id }).await
    }
}

#[cfg(test)]
mod tests;
