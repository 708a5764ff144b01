//! `crm.{lead,deal,contact,company}.list`: pages of 50 records the caller may read, shaped as
//! a portal sends them (every value a string, `OPENED` as `"Y"`/`"N"`), with `next` and
//! `total`, or (`start=-1`) one page without counting and `total: 0`.
//!
//! The read rules are `.get`'s: a user whose level on the type is `none` is refused as the
//! legacy CRM methods refuse ("Access denied."); otherwise the rows are limited in SQL by the
//! same predicate `can_read` applies to one record.

use super::list_params::{list_query, selected, ListParamError, Naming};
use crate::domain::crm::CrmEntityType;
use crate::domain::crm_list::{ListField, ListQuery, Page, Visibility, PAGE_SIZE};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::crm::CrmRecordRow;
use crate::storage::crm_list::ListPage;
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::{json, Map, Value};

fn crm_error(text: &'static str) -> ApiError {
    ApiError::with_description(ErrorCode::Other(String::new()), text)
}

/// The legacy CRM methods' words for bad list parameters (their strict cases never arise
/// with [`Naming::Upper`], which ignores unknown names).
fn legacy_error(error: ListParamError) -> ApiError {
    match error {
        ListParamError::OrderNotArray => crm_error("Parameter 'order' must be array."),
        _ => crm_error("Parameter 'filter' must be array."),
    }
}

/// What the caller may see of `entity_type`; `None` when the level is `none`.
pub async fn visibility(
    ctx: &CallContext,
    entity_type: CrmEntityType,
) -> Result<Option<Visibility>, ApiError> {
    let user = &ctx.caller.user;
    if user.is_admin {
        return Ok(Some(Visibility::Everything));
    }
    let store = ctx.state.store();
    let level = store.read_level(user.id, entity_type.as_str()).await?;
    let reader = store.reader(user).await?;
    Ok(match Visibility::of(&reader, level) {
        Visibility::Nothing => None,
        visibility => Some(visibility),
    })
}

/// Runs a parsed query and computes `next`/`total` the way a portal reports them.
pub async fn run(
    ctx: &CallContext,
    entity_type: CrmEntityType,
    query: &ListQuery,
    visibility: &Visibility,
) -> Result<(ListPage, Option<u64>, Option<u64>), ApiError> {
    let page = ctx
        .state
        .store()
        .list_crm_records(entity_type, query, visibility)
        .await?;
    let (next, total) = match (query.page, page.total) {
        (Page::Offset(start), Some(total)) => {
            let next = start.saturating_add(PAGE_SIZE);
            (Some(next).filter(|next| *next < total), Some(total))
        }
        // Without counting, a portal still writes `total: 0` and never `next`.
        _ => (None, Some(0)),
    };
    Ok((page, next, total))
}

/// One record in the legacy shape, limited to `fields`.
pub fn row_json(entity_type: CrmEntityType, row: &CrmRecordRow, fields: &[ListField]) -> Value {
    let mut object = Map::new();
    for field in fields {
        let name = Naming::Upper.name(entity_type, *field);
        let value = match field {
            ListField::Id => json!(row.id.to_string()),
            ListField::Title => json!(row.title),
            ListField::AssignedById => json!(row.assigned_by_id.map(|id| id.to_string())),
            ListField::Opened => json!(if row.opened { "Y" } else { "N" }),
        };
        object.insert(name.to_owned(), value);
    }
    Value::Object(object)
}

/// `crm.*.list`.
pub async fn list(
    ctx: CallContext,
    params: Params,
    entity_type: CrmEntityType,
) -> Result<MethodOutput, ApiError> {
    let query = list_query(&params, entity_type, Naming::Upper).map_err(legacy_error)?;
    let fields = selected(&params, entity_type, Naming::Upper);
    let visibility = visibility(&ctx, entity_type)
        .await?
        .ok_or_else(|| crm_error("Access denied."))?;
    let (page, next, total) = run(&ctx, entity_type, &query, &visibility).await?;
    let rows = page
        .rows
        .iter()
        .map(|row| row_json(entity_type, row, &fields))
        .collect();
    Ok(MethodOutput {
        result: Value::Array(rows).into(),
        next,
        total,
    })
}
