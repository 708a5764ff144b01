//! `imconnector.register` and `imconnector.unregister`: an application adds, updates or
//! removes its own custom connector. Both answer their validation failures as the portal
//! does, inside the result with status 200: `{"result":{"result":false,"error":…,
//! "error_description":…}}`; a webhook gets `403 WRONG_AUTH_TYPE`. See docs/PROTOCOL.md §26.

use super::imconnector_common::{application_of, field, flag, param, present};
use crate::domain::connector::{custom_connector_id, BadConnectorId, ConnectorOptions};
use crate::rpc::{ApiError, CallContext, MethodOutput};
use crate::storage::connectors::NewConnector;
use openlines_wire::params::{php_string, Params};
use serde_json::{json, Value};

/// `{"result": false, "error": code, "error_description": text}` in a 200 answer.
fn refused(code: &str, description: &str) -> MethodOutput {
    MethodOutput::new(json!({"result": false, "error": code, "error_description": description}))
}

fn accepted() -> MethodOutput {
    MethodOutput::new(json!({"result": true}))
}

/// `ICON`/`ICON_DISABLED` as stored: the four documented fields that were given as text.
fn icon(value: Option<&Value>) -> Value {
    let mut kept = serde_json::Map::new();
    if let Some(block @ Value::Object(_)) = value {
        for name in ["DATA_IMAGE", "COLOR", "SIZE", "POSITION"] {
            let text = field(block, name);
            if !text.is_empty() {
                kept.insert(name.to_owned(), Value::String(text));
            }
        }
    }
    Value::Object(kept)
}

/// `imconnector.register`: `{"result": true}`.
pub async fn register(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let client_id = application_of(&ctx)?;
    let raw_id = present(&params, "ID")
        .and_then(php_string)
        .unwrap_or_default();
    let id = match custom_connector_id(&raw_id) {
        Ok(id) => id,
        Err(BadConnectorId::Missing) => {
            return Ok(refused("CONNECTOR_ID_REQUIRED", "Connector ID is not specified"))
        }
        Err(BadConnectorId::Point) => {
            return Ok(refused(
                "APPLICATION_REGISTRATION_ERROR_POINT",
                "Application registration error. Using a dot in the connector identifier is not allowed",
            ))
        }
        Err(BadConnectorId::Alphabet) => {
            return Ok(refused(
                "GENERAL_CONNECTOR_REGISTRATION_ERROR",
                "General connector registration error",
            ))
        }
    };
    let name = present(&params, "NAME")
        .and_then(php_string)
        .map(|name| name.trim().to_owned())
        .unwrap_or_default();
    if name.is_empty() {
        return Ok(refused("NAME_REQUIRED", "Connector name is not specified"));
    }
    let icon_value = icon(param(&params, "ICON"));
    if icon_value.get("DATA_IMAGE").is_none() {
        return Ok(refused("ICON_REQUIRED", "Connector icon is not specified"));
    }
    let Some(client_id) = client_id else {
        return Ok(refused("NO_APPLICATION_ID", "Failed to get application ID"));
    };
    let placement = present(&params, "PLACEMENT_HANDLER")
        .filter(|value| value.is_string())
        .and_then(php_string)
        .map(|url| url.trim().to_owned())
        .unwrap_or_default();
    if placement.is_empty() {
        return Ok(refused(
            "NO_PLACEMENT_HANDLER",
            "Failed to get embedding handler URL",
        ));
    }
    let mut options = ConnectorOptions::default();
    for option in ConnectorOptions::NAMES {
        if let Some(value) = flag(param(&params, option)) {
            options.set(option, value);
        }
    }
    let registered = ctx
        .state
        .store()
        .register_connector(&NewConnector {
            id: &id,
            client_id,
            name: &name,
            icon: &icon_value.to_string(),
            icon_disabled: &icon(param(&params, "ICON_DISABLED")).to_string(),
            placement_handler: &placement,
            options: &options,
        })
        .await?;
    if !registered {
        // A standard connector's id, or one another application registered.
        return Ok(refused(
            "APPLICATION_REGISTRATION_ERROR",
            "Application registration error",
        ));
    }
    Ok(accepted())
}

/// `imconnector.unregister`: `{"result": true}`.
pub async fn unregister(ctx: CallContext, params: Params) -> Result<MethodOutput, ApiError> {
    let Some(client_id) = application_of(&ctx)? else {
        return Ok(refused(
            "NO_APPLICATION_ID",
            "Failed to retrieve application ID",
        ));
    };
    let raw_id = present(&params, "ID")
        .and_then(php_string)
        .unwrap_or_default();
    let id = crate::domain::connector::normalize_connector_id(raw_id.trim());
    let removed = !id.is_empty()
        && ctx
            .state
            .store()
            .unregister_connector(&id, client_id, ctx.actor())
            .await?;
    if !removed {
        return Ok(refused(
            "APPLICATION_UNREGISTRATION_ERROR",
            "Error unregistering the application",
        ));
    }
    Ok(accepted())
}
