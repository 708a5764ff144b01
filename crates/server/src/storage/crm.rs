//! CRM records (leads, deals, contacts, companies) and the bindings of sessions to them.
//!
//! Every write raises its events (`ONCRM<TYPE>ADD/UPDATE/DELETE`, and `ONCRMACTIVITYUPDATE`
//! for a binding change of a session's activity) in its own transaction ([`enqueue_event`]).

use super::chat_index::{refresh_chat_index, CHAT_OF_SESSION, DELETE_FOR_RECORD};
use super::db::query;
use super::events::enqueue_event;
use super::ids::{NEXT_CRM_ID_PG, NEXT_CRM_ID_SQLITE};
use super::{Store, StoreError};
use crate::domain::crm::{CrmEntityType, CrmRef};
use crate::domain::event::{Actor, Change, Raised};

/// A CRM record as methods show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CrmRecordRow {
    pub id: i64,
    pub title: String,
    pub assigned_by_id: Option<i64>,
    pub opened: bool,
}

/// Fields to write; `None` keeps a stored value on update (and is the default on add).
#[derive(Debug, Clone, Default)]
pub struct CrmFieldsUpdate {
    pub title: Option<String>,
    pub assigned_by_id: Option<i64>,
    pub opened: Option<bool>,
}

/// Why a binding could not be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindOutcome {
    Bound,
    AlreadyBound,
    NoSession,
    NoRecord,
}

/// The id comes from [`super::ids`] (`NEXT_CRM_ID_*`), in the same transaction.
pub(super) const INSERT_CRM_RECORD: &str = "
    INSERT INTO crm_records (entity_type, id, title, assigned_by_id, opened) VALUES ($1, $2, $3, $4, $5)";

/// The record row a binding needs; PostgreSQL locks it against a racing delete.
pub(super) const FIND_RECORD: &str =
    "SELECT id FROM crm_records WHERE entity_type = $1 AND id = $2";
/// [`FIND_RECORD`] with PostgreSQL's row lock (SQLite has no `FOR UPDATE`; it locks the whole
/// database for a writer instead).
pub(super) const FIND_RECORD_FOR_UPDATE: &str =
    "SELECT id FROM crm_records WHERE entity_type = $1 AND id = $2 FOR UPDATE";

pub(super) const CRM_RECORD_BY_ID: &str =
    "SELECT id, title, assigned_by_id, opened FROM crm_records WHERE entity_type = $1 AND id = $2";

pub(super) const UPDATE_CRM_RECORD: &str = "UPDATE crm_records SET title = COALESCE($3, title), assigned_by_id = COALESCE($4, assigned_by_id),
                 opened = COALESCE($5, opened)
             WHERE entity_type = $1 AND id = $2";

pub(super) const DELETE_CRM_RECORD: &str =
    "DELETE FROM crm_records WHERE entity_type = $1 AND id = $2";

pub(super) const DELETE_BINDINGS_OF_RECORD: &str =
    "DELETE FROM session_crm_bindings WHERE entity_type = $1 AND entity_id = $2";

pub(super) const INSERT_BINDING: &str =
    "INSERT INTO session_crm_bindings (session_id, entity_type, entity_id) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING";

pub(super) const DELETE_BINDING: &str = "DELETE FROM session_crm_bindings WHERE session_id = $1 AND entity_type = $2 AND entity_id = $3";

pub(super) const BINDINGS_OF_SESSION: &str =
    "SELECT entity_type, entity_id FROM session_crm_bindings WHERE session_id = $1
             ORDER BY entity_type, entity_id";

impl Store {
    /// Adds a record with the next id of its type (see [`super::ids`]); returns the id.
    pub async fn add_crm_record(
        &self,
        entity_type: CrmEntityType,
        fields: &CrmFieldsUpdate,
        actor: Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let next_id = tx.engine().pick(NEXT_CRM_ID_SQLITE, NEXT_CRM_ID_PG);
        let id: i64 = query(next_id)
            .bind(entity_type.as_str())
            .fetch_scalar(&mut tx)
            .await?;
        query(INSERT_CRM_RECORD)
            .bind(entity_type.as_str())
            .bind(id)
            .bind(fields.title.as_deref().unwrap_or_default())
            .bind(fields.assigned_by_id)
            .bind(fields.opened.unwrap_or(false))
            .execute(&mut tx)
            .await?;
        let raised = Raised::crm_record(entity_type, Change::Add, id);
        enqueue_event(&mut tx, actor, raised).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One record.
    pub async fn crm_record(&self, record: CrmRef) -> Result<Option<CrmRecordRow>, StoreError> {
        query(CRM_RECORD_BY_ID)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .fetch_optional(self.db())
            .await
    }

    /// Updates the given fields; `false` when the record does not exist. A transaction of
    /// its own so that the update and its event commit together.
    pub async fn update_crm_record(
        &self,
        record: CrmRef,
        fields: &CrmFieldsUpdate,
        actor: Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let updated = query(UPDATE_CRM_RECORD)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .bind(fields.title.as_deref())
            .bind(fields.assigned_by_id)
            .bind(fields.opened)
            .execute(&mut tx)
            .await?
            > 0;
        if updated {
            let raised = Raised::crm_record(record.entity_type, Change::Update, record.id.get());
            enqueue_event(&mut tx, actor, raised).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a record and every session binding to it, in one transaction; `false` when it
    /// did not exist. Sessions and chats stay: they simply no longer belong to the record.
    pub async fn delete_crm_record(
        &self,
        record: CrmRef,
        actor: Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let deleted = query(DELETE_CRM_RECORD)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .execute(&mut tx)
            .await?;
        for sql in [DELETE_BINDINGS_OF_RECORD, DELETE_FOR_RECORD] {
            query(sql)
                .bind(record.entity_type.as_str())
                .bind(record.id.get())
                .execute(&mut tx)
                .await?;
        }
        if deleted > 0 {
            let raised = Raised::crm_record(record.entity_type, Change::Delete, record.id.get());
            enqueue_event(&mut tx, actor, raised).await?;
        }
        tx.commit().await?;
        Ok(deleted > 0)
    }

    /// Binds a session to a record. The record row is locked while binding (PostgreSQL), so a
    /// concurrent delete either waits and removes the new binding, or wins and the bind finds
    /// no record; SQLite serializes writers, which gives the same.
    pub async fn bind_session(
        &self,
        session_id: i64,
        record: CrmRef,
        actor: Actor,
    ) -> Result<BindOutcome, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let find_record = tx.engine().pick(FIND_RECORD, FIND_RECORD_FOR_UPDATE);
        let chat: Option<i64> = query(CHAT_OF_SESSION)
            .bind(session_id)
            .fetch_optional::<(i64,)>(&mut tx)
            .await?
            .map(|(chat,)| chat);
        let Some(chat) = chat else {
            return Ok(BindOutcome::NoSession);
        };
        let found: Option<(i64,)> = query(find_record)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .fetch_optional(&mut tx)
            .await?;
        if found.is_none() {
            return Ok(BindOutcome::NoRecord);
        }
        let inserted = query(INSERT_BINDING)
            .bind(session_id)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .execute(&mut tx)
            .await?;
        if inserted > 0 {
            refresh_chat_index(&mut tx, chat).await?;
            let raised = Raised::session_activity(Change::Update, session_id);
            enqueue_event(&mut tx, actor, raised).await?;
        }
        tx.commit().await?;
        Ok(if inserted > 0 {
            BindOutcome::Bound
        } else {
            BindOutcome::AlreadyBound
        })
    }

    /// Removes one binding; `false` when there was none.
    pub async fn unbind_session(
        &self,
        session_id: i64,
        record: CrmRef,
        actor: Actor,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db().begin_write().await?;
        let removed = query(DELETE_BINDING)
            .bind(session_id)
            .bind(record.entity_type.as_str())
            .bind(record.id.get())
            .execute(&mut tx)
            .await?
            > 0;
        if removed {
            let chat: i64 = query(CHAT_OF_SESSION)
                .bind(session_id)
                .fetch_scalar(&mut tx)
                .await?;
            refresh_chat_index(&mut tx, chat).await?;
            let raised = Raised::session_activity(Change::Update, session_id);
            enqueue_event(&mut tx, actor, raised).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// The records a session is bound to, as (type, id), ordered.
    pub async fn bindings_of_session(
        &self,
        session_id: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        query(BINDINGS_OF_SESSION)
            .bind(session_id)
            .fetch_all(self.db())
            .await
    }
}
