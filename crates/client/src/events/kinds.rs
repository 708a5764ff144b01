//! The typed [`Event`]: which event a delivery is, and the `data` its documentation page
//! describes, read from the decoded tree. Names are compared in upper case, as the portal
//! sends them (`ONCRMDEALADD`, `ONIMCONNECTORMESSAGEADD`).

use super::{scalar_text, EventError};
use openlines_wire::CrmEntityType;
use serde_json::Value;

/// What happened to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// `…ADD`
    Add,
    /// `…UPDATE`
    Update,
    /// `…DELETE`
    Delete,
}

impl Change {
    fn from_suffix(name: &str, stem: &str) -> Option<Change> {
        match name.strip_prefix(stem)? {
            "ADD" => Some(Change::Add),
            "UPDATE" => Some(Change::Update),
            "DELETE" => Some(Change::Delete),
            _ => None,
        }
    }
}

/// An event, with the `data` fields its page documents. Unknown names are [`Event::Other`]:
/// their data is in [`super::Delivery::data`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `ONCRM{LEAD,DEAL,CONTACT,COMPANY}{ADD,UPDATE,DELETE}`: `data[FIELDS][ID]`.
    CrmRecord {
        /// Lead, deal, contact or company.
        entity: CrmEntityType,
        /// Added, updated or deleted.
        change: Change,
        /// `data[FIELDS][ID]`.
        id: i64,
    },
    /// `ONCRMACTIVITY{ADD,UPDATE,DELETE}`: `data[FIELDS][ID]` (in openlines, an open-line
    /// session's activity, whose id is the session's).
    CrmActivity {
        /// Added, updated or deleted.
        change: Change,
        /// `data[FIELDS][ID]`.
        id: i64,
    },
    /// `ONAPPINSTALL`.
    AppInstall(AppInstall),
    /// `ONAPPUNINSTALL`.
    AppUninstall(AppUninstall),
    /// `ONOFFLINEEVENT`: the offline queue has events; fetch them with `event.offline.get`.
    OfflineEvent,
    /// `ONIMCONNECTORMESSAGE{ADD,UPDATE,DELETE}`: an operator's message to send (or change,
    /// or remove) in the external channel.
    ConnectorMessage {
        /// Added, updated or deleted.
        change: Change,
        /// `data[CONNECTOR]`.
        connector: String,
        /// `data[LINE]`.
        line: i64,
        /// `data[MESSAGES][n]`.
        messages: Vec<ConnectorMessage>,
    },
    /// `ONIMCONNECTORDIALOG{START,FINISH}`.
    ConnectorDialog {
        /// Started or finished.
        stage: DialogStage,
        /// `data[CONNECTOR]`.
        connector: String,
        /// `data[LINE]`.
        line: i64,
        /// `data[DATA][n]`.
        dialogs: Vec<ConnectorDialog>,
    },
    /// `ONIMCONNECTORSTATUSDELETE`: the connector was switched off on a line.
    ConnectorStatusDelete {
        /// `data[connector]`.
        connector: String,
        /// `data[line]`.
        line: i64,
    },
    /// `ONIMCONNECTORLINEDELETE`: an open line was deleted; `data` is its id.
    ConnectorLineDelete {
        /// The line's id.
        line: i64,
    },
    /// Any other event; see [`super::Delivery::name`] and [`super::Delivery::data`].
    Other,
}

/// `data` of `ONAPPINSTALL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppInstall {
    /// `data[VERSION]`.
    pub version: Option<String>,
    /// `data[ACTIVE]` is `Y`.
    pub active: bool,
    /// `data[INSTALLED]` is `Y`.
    pub installed: bool,
    /// `data[LANGUAGE_ID]`.
    pub language_id: Option<String>,
}

/// `data` of `ONAPPUNINSTALL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUninstall {
    /// `data[LANGUAGE_ID]`.
    pub language_id: Option<String>,
    /// `data[CLEAN]` is `1`: the user chose to delete the application's data.
    pub clean: bool,
}

/// One of `data[MESSAGES]` of an `ONIMCONNECTORMESSAGE*` event.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorMessage {
    /// `[im][chat_id]`: the open-line chat.
    pub im_chat_id: Option<i64>,
    /// `[im][message_id]`: the message in that chat.
    pub im_message_id: Option<i64>,
    /// `[message][id]`: the external system's ids of the message (update and delete; the
    /// portal sends one id or a list).
    pub message_ids: Vec<String>,
    /// `[message][text]`, in the portal's BB-code.
    pub text: Option<String>,
    /// `[message][files]`, each as sent (`name`, `link`, `size`, …).
    pub files: Vec<Value>,
    /// `[message][user_id]`: the operator.
    pub user_id: Option<i64>,
    /// `[chat][id]`: the chat's id in the external system.
    pub external_chat_id: Option<String>,
}

/// Whether a connector dialog started or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogStage {
    /// `ONIMCONNECTORDIALOGSTART`
    Start,
    /// `ONIMCONNECTORDIALOGFINISH`
    Finish,
}

/// One of `data[DATA]` of an `ONIMCONNECTORDIALOG*` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorDialog {
    /// `[connector][chat_id]`: the open-line chat.
    pub chat_id: Option<i64>,
    /// `[session][id]`.
    pub session_id: Option<i64>,
    /// `[session][closed]` is `Y`.
    pub closed: bool,
}

impl Event {
    /// The event called `name` (upper case) with `data`; an error when a known event's
    /// `data` lacks a documented field.
    pub(super) fn from_parts(name: &str, data: &Value) -> Result<Event, EventError> {
        let missing = |field: &'static str| EventError::Data {
            event: name.to_owned(),
            field,
        };
        let fields_id =
            || number(path(data, &["FIELDS", "ID"])).ok_or_else(|| missing("data[FIELDS][ID]"));
        if let Some(change) = Change::from_suffix(name, "ONCRMACTIVITY") {
            return Ok(Event::CrmActivity {
                change,
                id: fields_id()?,
            });
        }
        for entity in CrmEntityType::ALL {
            let stem = format!("ONCRM{}", entity.as_upper());
            if let Some(change) = Change::from_suffix(name, &stem) {
                return Ok(Event::CrmRecord {
                    entity,
                    change,
                    id: fields_id()?,
                });
            }
        }
        if let Some(change) = Change::from_suffix(name, "ONIMCONNECTORMESSAGE") {
            let (connector, line) = connector_and_line(data, "CONNECTOR", "LINE")
                .ok_or_else(|| missing("data[CONNECTOR], data[LINE]"))?;
            return Ok(Event::ConnectorMessage {
                change,
                connector,
                line,
                messages: items(data.get("MESSAGES")).map(connector_message).collect(),
            });
        }
        let stage = match name {
            "ONIMCONNECTORDIALOGSTART" => Some(DialogStage::Start),
            "ONIMCONNECTORDIALOGFINISH" => Some(DialogStage::Finish),
            _ => None,
        };
        if let Some(stage) = stage {
            let (connector, line) = connector_and_line(data, "CONNECTOR", "LINE")
                .ok_or_else(|| missing("data[CONNECTOR], data[LINE]"))?;
            return Ok(Event::ConnectorDialog {
                stage,
                connector,
                line,
                dialogs: items(data.get("DATA")).map(connector_dialog).collect(),
            });
        }
        Ok(match name {
            "ONAPPINSTALL" => Event::AppInstall(AppInstall {
                version: text(data.get("VERSION")),
                active: text(data.get("ACTIVE")).as_deref() == Some("Y"),
                installed: text(data.get("INSTALLED")).as_deref() == Some("Y"),
                language_id: text(data.get("LANGUAGE_ID")),
            }),
            "ONAPPUNINSTALL" => Event::AppUninstall(AppUninstall {
                language_id: text(data.get("LANGUAGE_ID")),
                clean: text(data.get("CLEAN")).as_deref() == Some("1"),
            }),
            "ONOFFLINEEVENT" => Event::OfflineEvent,
            "ONIMCONNECTORSTATUSDELETE" => {
                let (connector, line) = connector_and_line(data, "connector", "line")
                    .ok_or_else(|| missing("data[connector], data[line]"))?;
                Event::ConnectorStatusDelete { connector, line }
            }
            "ONIMCONNECTORLINEDELETE" => Event::ConnectorLineDelete {
                line: number(Some(data)).ok_or_else(|| missing("data"))?,
            },
            _ => Event::Other,
        })
    }
}

fn path<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |value, key| value.get(key))
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(scalar_text)
}

fn number(value: Option<&Value>) -> Option<i64> {
    text(value).and_then(|text| text.trim().parse().ok())
}

/// The elements of a PHP list: a JSON array, or an object keyed `0`, `1`, … (what a form
/// with gaps decodes to).
fn items(value: Option<&Value>) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Some(Value::Array(items)) => Box::new(items.iter()),
        Some(Value::Object(map)) => Box::new(map.values()),
        _ => Box::new(std::iter::empty()),
    }
}

fn connector_and_line(data: &Value, connector: &str, line: &str) -> Option<(String, i64)> {
    Some((text(data.get(connector))?, number(data.get(line))?))
}

fn connector_message(item: &Value) -> ConnectorMessage {
    let message_ids = match path(item, &["message", "id"]) {
        Some(Value::Array(_) | Value::Object(_)) => items(path(item, &["message", "id"]))
            .filter_map(scalar_text)
            .collect(),
        other => text(other).into_iter().collect(),
    };
    ConnectorMessage {
        im_chat_id: number(path(item, &["im", "chat_id"])),
        im_message_id: number(path(item, &["im", "message_id"])),
        message_ids,
        text: text(path(item, &["message", "text"])),
        files: items(path(item, &["message", "files"])).cloned().collect(),
        user_id: number(path(item, &["message", "user_id"])),
        external_chat_id: text(path(item, &["chat", "id"])),
    }
}

fn connector_dialog(item: &Value) -> ConnectorDialog {
    ConnectorDialog {
        chat_id: number(path(item, &["connector", "chat_id"])),
        session_id: number(path(item, &["session", "id"])),
        closed: text(path(item, &["session", "closed"])).as_deref() == Some("Y"),
    }
}
