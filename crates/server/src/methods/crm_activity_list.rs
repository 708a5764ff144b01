//! `crm.activity.list`: the open-line sessions bound to CRM records, as the activities a
//! portal keeps for them (provider `IMOPENLINES_SESSION`; the activity id is the session id,
//! as `crm.activity.binding.*` already use it). Paging, `filter` operators, `order`,
//! `select` and `start=-1` work as in `crm.*.list`; a session is listed when the caller may
//! read at least one of the records it is bound to.

use super::crm_list::visibility;
use super::list_params::{list_query_of, param, ListParamError};
use crate::domain::crm::CrmEntityType;
use crate::domain::crm_list::{ActivityField, Page, Visibility, PAGE_SIZE};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::crm_list::activities::ActivityRow;
use openlines_wire::params::{php_string, Params};
use openlines_wire::ErrorCode;
use serde_json::{json, Map, Value};

/// Every output field, in result order.
const OUTPUT: [&str; 12] = [
    "ID",
    "OWNER_ID",
    "OWNER_TYPE_ID",
    "TYPE_ID",
    "PROVIDER_ID",
    "PROVIDER_TYPE_ID",
    "ASSOCIATED_ENTITY_ID",
    "SUBJECT",
    "COMPLETED",
    "RESPONSIBLE_ID",
    "CREATED",
    "LAST_UPDATED",
];

/// The fields `filter` and `order` know (any letter case).
fn field(name: &str) -> Option<ActivityField> {
    [
        ("ID", ActivityField::Id),
        ("OWNER_TYPE_ID", ActivityField::OwnerTypeId),
        ("OWNER_ID", ActivityField::OwnerId),
        ("RESPONSIBLE_ID", ActivityField::ResponsibleId),
        ("COMPLETED", ActivityField::Completed),
    ]
    .into_iter()
    .find(|(known, _)| known.eq_ignore_ascii_case(name))
    .map(|(_, field)| field)
}

fn type_number(kind: &str) -> Option<i64> {
    match kind.parse::<CrmEntityType>().ok()? {
        CrmEntityType::Lead => Some(1),
        CrmEntityType::Deal => Some(2),
        CrmEntityType::Contact => Some(3),
        CrmEntityType::Company => Some(4),
    }
}

/// The output fields `select` asks for: all for none or `*`, else the named ones and `ID`.
fn selected(params: &Params) -> Vec<&'static str> {
    let names: Vec<String> = match param(params, "select") {
        Some(Value::Array(items)) => items.iter().filter_map(php_string).collect(),
        Some(Value::Object(map)) => map.values().filter_map(php_string).collect(),
        _ => Vec::new(),
    };
    if names.is_empty() || names.iter().any(|name| name == "*") {
        return OUTPUT.to_vec();
    }
    OUTPUT
        .into_iter()
        .filter(|out| *out == "ID" || names.iter().any(|name| name.eq_ignore_ascii_case(out)))
        .collect()
}

fn crm_error(text: &'static str) -> ApiError {
    ApiError::with_description(ErrorCode::Other(String::new()), text)
}

/// The read rights on each type; `None` for an admin (everything).
async fn rights(ctx: &CallContext) -> Result<Option<Vec<(CrmEntityType, Visibility)>>, ApiError> {
    if ctx.caller.user.is_admin {
        return Ok(None);
    }
    let mut rights = Vec::new();
    for kind in CrmEntityType::ALL {
        rights.push((
            kind,
            visibility(ctx, kind).await?.unwrap_or(Visibility::Nothing),
        ));
    }
    Ok(Some(rights))
}

fn row_json(
    ctx: &CallContext,
    row: &ActivityRow,
    owner: Option<(i64, i64)>,
    fields: &[&str],
) -> Value {
    let clock = ctx.state.clock();
    let mut object = Map::new();
    for name in fields {
        let value = match *name {
            "ID" | "ASSOCIATED_ENTITY_ID" => json!(row.id.to_string()),
            "OWNER_ID" => json!(owner.map(|(_, id)| id.to_string())),
            "OWNER_TYPE_ID" => json!(owner.map(|(kind, _)| kind.to_string())),
            "TYPE_ID" => json!("6"),
            "PROVIDER_ID" | "PROVIDER_TYPE_ID" => json!("IMOPENLINES_SESSION"),
            "SUBJECT" => json!(row.title),
            "COMPLETED" => json!(if row.status >= 60 { "Y" } else { "N" }),
            "RESPONSIBLE_ID" => json!(row.operator_id.map(|id| id.to_string())),
            "CREATED" => json!(clock.iso8601(row.created_at as f64)),
            _ => json!(clock.iso8601(row.modified_at as f64)),
        };
        object.insert((*name).to_owned(), value);
    }
    Value::Object(object)
}

/// `crm.activity.list`.
pub async fn list(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let query = list_query_of(&params, field, false).map_err(|error| match error {
        ListParamError::OrderNotArray => crm_error("Parameter 'order' must be array."),
        _ => crm_error("Parameter 'filter' must be array."),
    })?;
    let fields = selected(&params);
    let rights = rights(&ctx).await?;
    let page = ctx
        .state
        .store()
        .list_activities(&query, rights.as_deref())
        .await?;
    let rows = page
        .rows
        .iter()
        .map(|row| {
            // The owner is the first binding: lowest type number, then lowest id.
            let owner = page
                .bindings
                .iter()
                .filter(|(session, _, _)| *session == row.id)
                .filter_map(|(_, kind, id)| Some((type_number(kind)?, *id)))
                .min();
            row_json(&ctx, row, owner, &fields)
        })
        .collect();
    let (next, total) = match (query.page, page.total) {
        (Page::Offset(start), Some(total)) => {
            let next = start.saturating_add(PAGE_SIZE);
            (Some(next).filter(|next| *next < total), Some(total))
        }
        _ => (None, Some(0)),
    };
    Ok(MethodOutput {
        result: Value::Array(rows).into(),
        next,
        total,
    })
}
