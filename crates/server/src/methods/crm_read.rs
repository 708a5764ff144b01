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
    read_access(ctx, record).await?.ok_or_else(denied)
}

/// The caller's CRM read access to `record`: `None` when refused. `Err` only when the
/// database failed, which callers must pass on (a 500), never take for a refusal.
pub async fn read_access(ctx: &CallContext, record: CrmRef) -> Result<Option<Readable>, ApiError> {
    let store = ctx.state.store();
    let user = &ctx.caller.user;
    if user.is_admin {
        // Admins read everything; only whether the record exists matters.
        return Ok(Some(match store.crm_record_access(record).await? {
            Some(_) => Readable::Yes,
            None => Readable::Missing,
        }));
    }
    let Some((access, level, reader)) = store.crm_read_view(record, user).await? else {
        return Ok(Some(Readable::Missing));
    };
    Ok(can_read(&reader, level, &access).then_some(Readable::Yes))
}
