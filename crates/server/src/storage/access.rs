//! What CRM permission checks read: the reader's departments and grants, the record's owner.

use super::auth::UserRow;
use super::{with_pool, Store, StoreError};
use crate::domain::crm::{CrmRecordAccess, CrmRef};
use crate::domain::permission::{ReadLevel, Reader};

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

impl Store {
    /// The permission view of `user`: their department and every department below it.
    pub async fn reader(&self, user: &UserRow) -> Result<Reader, StoreError> {
        let department_subtree = match user.department_id {
            None => Vec::new(),
            Some(root) => {
                let rows: Vec<(i64,)> = with_pool!(self.backend(), pool => sqlx::query_as(DEPARTMENT_SUBTREE)
                .bind(root)
                .fetch_all(pool)
                .await)?;
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
        let level: Option<(String,)> = with_pool!(self.backend(), pool => sqlx::query_as(READ_LEVEL)
        .bind(user_id)
        .bind(entity_type)
        .fetch_optional(pool)
        .await)?;
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
        let row: Option<(Option<i64>, Option<i64>, bool)> = with_pool!(self.backend(), pool => sqlx::query_as(CRM_RECORD_ACCESS)
        .bind(record.entity_type.as_str())
        .bind(record.id.get())
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(
            |(assigned_by_id, assigned_department_id, opened)| CrmRecordAccess {
                assigned_by_id,
                assigned_department_id,
                opened,
            },
        ))
    }
}
