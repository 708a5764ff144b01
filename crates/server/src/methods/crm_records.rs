//! `crm.{lead,deal,contact,company}.{add,get,update,delete}` with the fields openlines keeps:
//! `TITLE` (`NAME` and `LAST_NAME` for contacts), `ASSIGNED_BY_ID`, `OPENED`.
//!
//! CRM REST errors carry an empty code and the text in `error_description` (as the method pages
//! show); parameter names are read in any letter case, as the CRM service upper-cases them.
//! Writes need the same CRM permission as reads (openlines keeps read levels only); `add`
//! needs any level but `none`. Deleting a record also removes its session bindings, so its
//! chats stop showing under it.

use super::args::php_numeric_int;
use super::crm_read::{check_read, Readable};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::domain::permission::ReadLevel;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::crm::CrmFieldsUpdate;
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::{json, Map, Value};

fn crm_error(text: &'static str) -> ApiError {
    ApiError::with_description(ErrorCode::Other(String::new()), text)
}

/// A parameter by name in any letter case.
fn param<'p>(params: &'p Params, name: &str) -> Option<&'p Value> {
    params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

fn record_of(params: &Params, entity_type: CrmEntityType) -> Result<CrmRef, ApiError> {
    let id = param(params, "id")
        .and_then(php_numeric_int)
        .and_then(CrmEntityId::new)
        .ok_or_else(|| crm_error("ID is not defined or invalid."))?;
    Ok(CrmRef { entity_type, id })
}

fn fields_of(params: &Params, entity_type: CrmEntityType) -> Result<CrmFieldsUpdate, ApiError> {
    let Some(Value::Object(fields)) = param(params, "fields") else {
        return Err(crm_error("The parameter 'fields' must be array."));
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let text = |name: &str| field(name).and_then(openlines_wire::params::php_string);
    let title = match entity_type {
        CrmEntityType::Contact => match (text("NAME"), text("LAST_NAME")) {
            (None, None) => None,
            (name, last) => Some(
                format!("{} {}", name.unwrap_or_default(), last.unwrap_or_default())
                    .trim()
                    .to_owned(),
            ),
        },
        _ => text("TITLE"),
    };
    let assigned_by_id = match field("ASSIGNED_BY_ID") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            php_numeric_int(value)
                .filter(|id| *id > 0)
                .ok_or_else(|| crm_error("ASSIGNED_BY_ID must be a user id."))?,
        ),
    };
    let opened = field("OPENED").map(|value| {
        matches!(value, Value::Bool(true))
            || openlines_wire::params::php_string(value)
                .is_some_and(|v| v.eq_ignore_ascii_case("Y") || v == "1")
    });
    Ok(CrmFieldsUpdate {
        title,
        assigned_by_id,
        opened,
    })
}

async fn readable(ctx: &CallContext, record: CrmRef) -> Result<(), ApiError> {
    match check_read(ctx, record, || crm_error("Access denied.")).await? {
        Readable::Yes => Ok(()),
        Readable::Missing => Err(crm_error("Not found")),
    }
}

/// `crm.*.add`: the new id.
pub async fn add(
    ctx: CallContext,
    params: Params,
    entity_type: CrmEntityType,
) -> Result<MethodOutput, ApiError> {
    let fields = fields_of(&params, entity_type)?;
    let user = &ctx.caller.user;
    let store = ctx.state.store();
    if !user.is_admin && store.read_level(user.id, entity_type.as_str()).await? == ReadLevel::None {
        return Err(crm_error("Access denied."));
    }
    let fields = CrmFieldsUpdate {
        assigned_by_id: fields.assigned_by_id.or(Some(user.id)),
        ..fields
    };
    let id = store
        .add_crm_record(entity_type, &fields, ctx.actor())
        .await?;
    Ok(MethodOutput::new(json!(id)))
}

/// `crm.*.get`: the record.
pub async fn get(
    ctx: CallContext,
    params: Params,
    entity_type: CrmEntityType,
) -> Result<MethodOutput, ApiError> {
    let record = record_of(&params, entity_type)?;
    readable(&ctx, record).await?;
    let row = ctx
        .state
        .store()
        .crm_record(record)
        .await?
        .ok_or_else(|| crm_error("Not found"))?;
    let mut object = Map::new();
    object.insert("ID".into(), json!(row.id.to_string()));
    match entity_type {
        CrmEntityType::Contact => object.insert("NAME".into(), json!(row.title)),
        _ => object.insert("TITLE".into(), json!(row.title)),
    };
    object.insert(
        "ASSIGNED_BY_ID".into(),
        json!(row.assigned_by_id.map(|id| id.to_string())),
    );
    object.insert("OPENED".into(), json!(if row.opened { "Y" } else { "N" }));
    Ok(MethodOutput::new(Value::Object(object)))
}

/// `crm.*.update`: `true`.
pub async fn update(
    ctx: CallContext,
    params: Params,
    entity_type: CrmEntityType,
) -> Result<MethodOutput, ApiError> {
    let record = record_of(&params, entity_type)?;
    let fields = fields_of(&params, entity_type)?;
    readable(&ctx, record).await?;
    if !ctx
        .state
        .store()
        .update_crm_record(record, &fields, ctx.actor())
        .await?
    {
        return Err(crm_error("Not found"));
    }
    Ok(MethodOutput::new(json!(true)))
}

/// `crm.*.delete`: `true`.
pub async fn delete(
    ctx: CallContext,
    params: Params,
    entity_type: CrmEntityType,
) -> Result<MethodOutput, ApiError> {
    let record = record_of(&params, entity_type)?;
    readable(&ctx, record).await?;
    if !ctx
        .state
        .store()
        .delete_crm_record(record, ctx.actor())
        .await?
    {
        return Err(crm_error("Not found"));
    }
    Ok(MethodOutput::new(json!(true)))
}
