//! `crm.item.list` and `crm.item.get` for the four types open lines use (`entityTypeId` 1
//! lead, 2 deal, 3 contact, 4 company): the same records as `crm.*.list`, in the newer API's
//! shape: camelCase names, integer ids, the list under `result.items`, the record under
//! `result.item`. Unknown filter or order fields and bad values are refused with
//! `INVALID_ARG_VALUE`, as this API does; records the caller may not read are left out.

use super::args::php_numeric_int;
use super::crm_list::{run, visibility};
use super::crm_read::{check_read, Readable};
use super::list_params::{list_query, param, selected, ListParamError, Naming};
use crate::domain::crm::{CrmEntityId, CrmEntityType, CrmRef};
use crate::domain::crm_list::ListField;
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::crm::CrmRecordRow;
use crate::storage::crm_list::ListPage;
use openlines_wire::params::Params;
use openlines_wire::ErrorCode;
use serde_json::{json, Map, Value};

fn coded(code: &str, text: String) -> ApiError {
    ApiError::with_description(ErrorCode::Other(code.to_owned()), text)
}

fn invalid_arg(error: ListParamError) -> ApiError {
    let text = match error {
        ListParamError::FilterNotArray => "Invalid filter: filter must be an array".to_owned(),
        ListParamError::OrderNotArray => "Invalid order: order must be an array".to_owned(),
        ListParamError::FilterField(field) => {
            format!("Invalid filter: field '{field}' is not allowed in filter")
        }
        ListParamError::FilterValue(field) => {
            format!("Invalid filter: field '{field}' has invalid value")
        }
        ListParamError::OrderField(field) => {
            format!("Invalid order: field '{field}' is not allowed in order")
        }
        ListParamError::OrderDirection(direction, field) => format!(
            "Invalid order: allowed sort directions are ASC, DESC. But got '{direction}' for field '{field}'"
        ),
    };
    coded("INVALID_ARG_VALUE", text)
}

/// `entityTypeId` as one of the four types; anything else is an unknown smart process.
fn entity_type(params: &Params) -> Result<CrmEntityType, ApiError> {
    let number = param(params, "entityTypeId").and_then(php_numeric_int);
    match number {
        Some(1) => Ok(CrmEntityType::Lead),
        Some(2) => Ok(CrmEntityType::Deal),
        Some(3) => Ok(CrmEntityType::Contact),
        Some(4) => Ok(CrmEntityType::Company),
        _ => Err(coded("NOT_FOUND", "SPA not found".to_owned())),
    }
}

/// One record in the camelCase shape, limited to `fields`.
fn item_json(entity_type: CrmEntityType, row: &CrmRecordRow, fields: &[ListField]) -> Value {
    let mut object = Map::new();
    for field in fields {
        let value = match field {
            ListField::Id => json!(row.id),
            ListField::Title => json!(row.title),
            ListField::AssignedById => json!(row.assigned_by_id),
            ListField::Opened => json!(if row.opened { "Y" } else { "N" }),
        };
        object.insert(Naming::Camel.name(entity_type, *field).to_owned(), value);
    }
    Value::Object(object)
}

/// `crm.item.list`: `{"items": […]}` with `next`/`total`.
pub async fn list(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let entity_type = entity_type(&params)?;
    let query = list_query(&params, entity_type, Naming::Camel).map_err(invalid_arg)?;
    let fields = selected(&params, entity_type, Naming::Camel);
    let (page, next, total) = match visibility(&ctx, entity_type).await? {
        Some(visibility) => run(&ctx, entity_type, &query, &visibility).await?,
        // No read right on the type: nothing is listed (the records are simply not shown).
        None => (
            ListPage {
                rows: Vec::new(),
                total: Some(0),
            },
            None,
            Some(0),
        ),
    };
    let items: Vec<Value> = page
        .rows
        .iter()
        .map(|row| item_json(entity_type, row, &fields))
        .collect();
    Ok(MethodOutput {
        result: json!({ "items": items }).into(),
        next,
        total,
    })
}

/// `crm.item.get`: `{"item": {…}}`.
pub async fn get(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let entity_type = entity_type(&params)?;
    let not_found = || coded("NOT_FOUND", "Element not found".to_owned());
    let id = param(&params, "id")
        .and_then(php_numeric_int)
        .and_then(CrmEntityId::new)
        .ok_or_else(not_found)?;
    let record = CrmRef { entity_type, id };
    let denied = || {
        ApiError::with_description(
            ErrorCode::AccessDenied,
            "You do not have permission to view this item",
        )
        // The page documents 400 for this refusal, not the table's 403.
        .with_status(400)
    };
    if check_read(&ctx, record, denied).await? == Readable::Missing {
        return Err(not_found());
    }
    let row = ctx
        .state
        .store()
        .crm_record(record)
        .await?
        .ok_or_else(not_found)?;
    let fields = super::list_params::FIELDS;
    Ok(MethodOutput::new(
        json!({ "item": item_json(entity_type, &row, &fields) }),
    ))
}
