//! What CRM permission checks read: the reader's departments and grants, the record's owner.

use super::db::query;
use super::pg_hot::HotStatement;
use super::sqlite_reader::SqliteReader;
use super::{caller_cache, Store, StoreError};
use crate::domain::crm::{CrmRecordAccess, CrmRef};
use crate::domain::permission::{ReadLevel, Reader};
use crate::domain::user::User;

/// A department and every department below it. (The cast lets PostgreSQL prepare the
/// statement without being told the parameter's type, as the catalog test does.)
pub(super) const DEPARTMENT_SUBTREE: &str = "WITH RECURSIVE subtree (id) AS (
         SELECT CAST($1 AS BIGINT)
         UNION
         SELECT d.id FROM departments d JOIN subtree s ON d.parent_id = s.id
     )
     SELECT id FROM subtree";
pub(super) const READ_LEVEL: &str =
    "SELECT read_level FROM crm_permissions WHERE user_id = $1 AND entity_type = $2";
pub(super) const CRM_RECORD_ACCESS: &str = "SELECT r.assigned_by_id, u.department_id, r.opened
     FROM crm_records r LEFT JOIN users u ON u.id = r.assigned_by_id
     WHERE r.entity_type = $1 AND r.id = $2";

/// The record's owner and `opened` (SQLite's hot path: the owner's department comes from
/// [`USER_DEPARTMENT`], remembered, instead of a join to `users` on every call).
pub(super) const CRM_RECORD_OWNER: &str =
    "SELECT assigned_by_id, opened FROM crm_records WHERE entity_type = $1 AND id = $2";
/// A user's department (users are few and change rarely: the SQLite reader remembers it).
pub(super) const USER_DEPARTMENT: &str = "SELECT department_id FROM users WHERE id = $1";

/// Everything a non-admin's read check needs, in one round trip: the record's owner, owner's
/// department and `opened`, the reader's read level on the type (`$3` user, NULL when none is
/// granted), and whether the owner's department lies in the reader's department subtree
/// (`$4`, the reader's department). The subtree is walked only for the levels that look at it,
/// and no row comes back when the record does not exist.
pub(super) const CRM_READ_VIEW: &str = "WITH RECURSIVE subtree (id) AS (
         SELECT CAST($4 AS BIGINT) WHERE CAST($4 AS BIGINT) IS NOT NULL
         UNION
         SELECT d.id FROM departments d JOIN subtree s ON d.parent_id = s.id
     ),
     granted (read_level) AS (
         SELECT read_level FROM crm_permissions WHERE user_id = $3 AND entity_type = $1
     )
     SELECT r.assigned_by_id, u.department_id, r.opened, (SELECT read_level FROM granted),
            CASE WHEN u.department_id IS NOT NULL
                      AND (SELECT read_level FROM granted) IN ('subdepartments', 'open')
                 THEN EXISTS (SELECT 1 FROM subtree t WHERE t.id = u.department_id)
                 ELSE FALSE END
     FROM crm_records r LEFT JOIN users u ON u.id = r.assigned_by_id
     WHERE r.entity_type = $1 AND r.id = $2";

/// [`CRM_READ_VIEW`] on PostgreSQL led by the caller's (`$3`) `auth_version`, read in the
/// same snapshot, to confirm a kept caller (`super::caller_cache`): one row whose view columns
/// are NULL when the record does not exist (`found`), none when the user is gone. Keep in step
/// with the statement above.
pub(super) const CRM_READ_VIEW_CONFIRMING_PG: &str = "WITH RECURSIVE subtree (id) AS (
         SELECT CAST($4 AS BIGINT) WHERE CAST($4 AS BIGINT) IS NOT NULL
         UNION
         SELECT d.id FROM departments d JOIN subtree s ON d.parent_id = s.id
     ),
     granted (read_level) AS (
         SELECT read_level FROM crm_permissions WHERE user_id = $3 AND entity_type = $1
     )
     SELECT caller.auth_version, r.id IS NOT NULL, r.assigned_by_id, u.department_id, r.opened,
            (SELECT read_level FROM granted),
            CASE WHEN u.department_id IS NOT NULL
                      AND (SELECT read_level FROM granted) IN ('subdepartments', 'open')
                 THEN EXISTS (SELECT 1 FROM subtree t WHERE t.id = u.department_id)
                 ELSE FALSE END
     FROM users caller
     LEFT JOIN (crm_records r LEFT JOIN users u ON u.id = r.assigned_by_id)
       ON r.entity_type = $1 AND r.id = $2
     WHERE caller.id = $3";

/// A row of [`CRM_READ_VIEW_CONFIRMING_PG`].
type ConfirmingViewRow = (
    Option<i64>,
    Option<bool>,
    Option<i64>,
    Option<i64>,
    Option<bool>,
    Option<String>,
    Option<bool>,
);

/// A row of [`CRM_RECORD_ACCESS`]: owner, owner's department, `opened`.
type RecordAccessRow = (Option<i64>, Option<i64>, bool);

/// A row of [`CRM_READ_VIEW`].
type ReadViewRow = (Option<i64>, Option<i64>, bool, Option<String>, bool);

/// [`CRM_READ_VIEW`]'s row on SQLite, made of its parts: the record is read, while the
/// reader's grant and department subtree, which change rarely, come from the connection's
/// memo (kept until the next write: `sqlite_reader`). One index read per call instead of the
/// view's subqueries; the same row, field by field.
fn sqlite_read_view(
    reader: &SqliteReader,
    entity_type: &str,
    entity_id: i64,
    user: &User,
) -> Result<Option<ReadViewRow>, StoreError> {
    let Some((assigned_by_id, assigned_department_id, opened)) =
        sqlite_record_access(reader, entity_type, entity_id)?
    else {
        return Ok(None);
    };
    let level = reader
        .fetch_all_memo::<(String,)>(READ_LEVEL, &[&user.id, &entity_type])?
        .first()
        .map(|(level,)| level.clone());
    let walks_subtree = matches!(level.as_deref(), Some("subdepartments" | "open"));
    let in_subtree = match (assigned_department_id, user.department_id) {
        (Some(owner_department), Some(root)) if walks_subtree => reader
            .fetch_all_memo::<(i64,)>(DEPARTMENT_SUBTREE, &[&root])?
            .iter()
            .any(|(id,)| *id == owner_department),
        _ => false,
    };
    Ok(Some((
        assigned_by_id,
        assigned_department_id,
        opened,
        level,
        in_subtree,
    )))
}

/// [`CRM_RECORD_ACCESS`]'s row on SQLite: the record by its key, the owner's department from
/// the memo (two B-tree searches per call instead of three).
fn sqlite_record_access(
    reader: &SqliteReader,
    entity_type: &str,
    entity_id: i64,
) -> Result<Option<RecordAccessRow>, StoreError> {
    let Some((assigned_by_id, opened)) = reader
        .fetch_optional::<(Option<i64>, bool)>(CRM_RECORD_OWNER, &[&entity_type, &entity_id])?
    else {
        return Ok(None);
    };
    let department_id = match assigned_by_id {
        Some(owner) => reader
            .fetch_all_memo::<(Option<i64>,)>(USER_DEPARTMENT, &[&owner])?
            .first()
            .and_then(|(department,)| *department),
        None => None,
    };
    Ok(Some((assigned_by_id, department_id, opened)))
}

impl Store {
    /// What `user`'s read check on `record` needs (see [`CRM_READ_VIEW`]); `None` when the
    /// record does not exist. The [`Reader`]'s subtree holds only what the check looks at:
    /// the owner's department when it lies in the reader's subtree.
    pub async fn crm_read_view(
        &self,
        record: CrmRef,
        user: &User,
    ) -> Result<Option<(CrmRecordAccess, ReadLevel, Reader)>, StoreError> {
        let entity_type = record.entity_type.as_str();
        let entity_id = record.id.get();
        let row: Option<ReadViewRow> = match self.sqlite_reader() {
            Some(reader) => sqlite_read_view(reader, entity_type, entity_id, user)?,
            None if caller_cache::to_confirm().map(|(id, _)| id) == Some(user.id) => {
                self.read_view_confirming_caller(entity_type, entity_id, user)
                    .await?
            }
            None => {
                query(CRM_READ_VIEW)
                    .bind(entity_type)
                    .bind(entity_id)
                    .bind(user.id)
                    .bind(user.department_id)
                    .fetch_optional(self.db())
                    .await?
            }
        };
        Ok(row.map(
            |(assigned_by_id, assigned_department_id, opened, level, in_subtree)| {
                let level = match level {
                    None => ReadLevel::All,
                    Some(text) => text.parse().unwrap_or(ReadLevel::None),
                };
                let reader = Reader {
                    user_id: user.id,
                    is_admin: user.is_admin,
                    department_id: user.department_id,
                    department_subtree: assigned_department_id
                        .filter(|_| in_subtree)
                        .into_iter()
                        .collect(),
                };
                let access = CrmRecordAccess {
                    assigned_by_id,
                    assigned_department_id,
                    opened,
                };
                (access, level, reader)
            },
        ))
    }

    /// [`CRM_READ_VIEW`] on PostgreSQL in the statement that also confirms the request's kept
    /// caller (`user`, the caller): one round trip for the check and the confirmation.
    async fn read_view_confirming_caller(
        &self,
        entity_type: &str,
        entity_id: i64,
        user: &User,
    ) -> Result<Option<ReadViewRow>, StoreError> {
        let row: Option<ConfirmingViewRow> = match self.pg_hot() {
            Some(hot) => hot
                .query_as(
                    HotStatement::ReadView,
                    &[&entity_type, &entity_id, &user.id, &user.department_id],
                )
                .await?
                .into_iter()
                .next(),
            None => None,
        };
        if !caller_cache::settle(row.as_ref().and_then(|row| row.0)) {
            return Err(StoreError::CallerChanged);
        }
        let Some((_, found, assigned_by_id, department_id, opened, level, in_subtree)) = row else {
            return Ok(None);
        };
        Ok(found.filter(|found| *found).map(|_| {
            (
                assigned_by_id,
                department_id,
                opened.unwrap_or(false),
                level,
                in_subtree.unwrap_or(false),
            )
        }))
    }

    /// The permission view of `user`: their department and every department below it.
    pub async fn reader(&self, user: &User) -> Result<Reader, StoreError> {
        let department_subtree = match user.department_id {
            None => Vec::new(),
            Some(root) => {
                let rows: Vec<(i64,)> = query(DEPARTMENT_SUBTREE)
                    .bind(root)
                    .fetch_all(self.db())
                    .await?;
                rows.into_iter().map(|(id,)| id).collect()
            }
        };
        Ok(Reader {
            user_id: user.id,
            is_admin: user.is_admin,
            department_id: user.department_id,
            department_subtree,
        })
    }

    /// The read level granted to `user_id` on `entity_type`; `all` when nothing is granted
    /// (the portal's default role). An unreadable stored value counts as `none`.
    pub async fn read_level(
        &self,
        user_id: i64,
        entity_type: &str,
    ) -> Result<ReadLevel, StoreError> {
        let level: Option<(String,)> = query(READ_LEVEL)
            .bind(user_id)
            .bind(entity_type)
            .fetch_optional(self.db())
            .await?;
        Ok(match level {
            None => ReadLevel::All,
            Some((text,)) => text.parse().unwrap_or(ReadLevel::None),
        })
    }

    /// Owner, owner's department and `opened` of a CRM record; `None` if it does not exist.
    pub async fn crm_record_access(
        &self,
        record: CrmRef,
    ) -> Result<Option<CrmRecordAccess>, StoreError> {
        let entity_type = record.entity_type.as_str();
        let entity_id = record.id.get();
        let row: Option<RecordAccessRow> = match self.sqlite_reader() {
            Some(reader) => sqlite_record_access(reader, entity_type, entity_id)?,
            None => {
                query(CRM_RECORD_ACCESS)
                    .bind(entity_type)
                    .bind(entity_id)
                    .fetch_optional(self.db())
                    .await?
            }
        };
        Ok(row.map(
            |(assigned_by_id, assigned_department_id, opened)| CrmRecordAccess {
                assigned_by_id,
                assigned_department_id,
                opened,
            },
        ))
    }
}
