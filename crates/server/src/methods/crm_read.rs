//! May the calling user read this CRM record? (spec §8.4, §9)

use crate::domain::crm::CrmRef;
use crate::domain::permission::can_read;
use crate::rpc::{ApiError, CallContext};

/// How a check ended when it did not refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readable {
    /// The record exists and the caller may read it.
    Yes,
    /// The record does not exist (the caller sees an empty answer, not a refusal).
    Missing,
}

/// Checks the caller's CRM read permission on `record`; `Err(denied)` when refused.
/// Admins pass every check; a missing record passes as [`Readable::Missing`].
pub async fn check_read(
    ctx: &CallContext,
    record: CrmRef,
    denied: impl FnOnce() -> ApiError,
) -> Result<Readable, ApiError> {
    let store = ctx.state.store();
    let user = &ctx.caller.user;
    if user.is_admin {
        // Admins read everything; only whether the record exists matters.
        return Ok(match store.crm_record_access(record).await? {
            Some(_) => Readable::Yes,
            None => Readable::Missing,
        });
    }
    let Some((access, level, reader)) = store.crm_read_view(record, user).await? else {
        return Ok(Readable::Missing);
    };
    if can_read(&reader, level, &access) {
        Ok(Readable::Yes)
    } else {
        Err(denied())
    }
}
