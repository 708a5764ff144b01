//! Events: the names openlines raises, the scope each belongs to, and the `data` they carry.
//!
//! The names are the portal's, upper case, as `events` lists them and `event.bind` stores
//! them (the portal compares names without regard to case).

use crate::domain::crm::CrmEntityType;
use crate::domain::scope::Scope;
use std::fmt;

/// An event openlines knows: its upper-case name and the scope it belongs to (`None`: the
/// application events of the basic scope, which every application gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDef {
    pub name: &'static str,
    pub scope: Option<Scope>,
}

const fn crm(name: &'static str) -> EventDef {
    EventDef {
        name,
        scope: Some(Scope::Crm),
    }
}

const fn connector(name: &'static str) -> EventDef {
    EventDef {
        name,
        scope: Some(Scope::Imconnector),
    }
}

const fn basic(name: &'static str) -> EventDef {
    EventDef { name, scope: None }
}

/// Every event `event.bind` accepts, in the order `events` lists them (the portal's order).
pub const EVENTS: &[EventDef] = &[
    basic("ONAPPUNINSTALL"),
    basic("ONAPPINSTALL"),
    basic("ONOFFLINEEVENT"),
    crm("ONCRMLEADADD"),
    crm("ONCRMLEADUPDATE"),
    crm("ONCRMLEADDELETE"),
    crm("ONCRMDEALADD"),
    crm("ONCRMDEALUPDATE"),
    crm("ONCRMDEALDELETE"),
    crm("ONCRMCOMPANYADD"),
    crm("ONCRMCOMPANYUPDATE"),
    crm("ONCRMCOMPANYDELETE"),
    crm("ONCRMCONTACTADD"),
    crm("ONCRMCONTACTUPDATE"),
    crm("ONCRMCONTACTDELETE"),
    crm("ONCRMACTIVITYADD"),
    crm("ONCRMACTIVITYUPDATE"),
    crm("ONCRMACTIVITYDELETE"),
    connector("ONIMCONNECTORMESSAGEADD"),
    connector("ONIMCONNECTORMESSAGEUPDATE"),
    connector("ONIMCONNECTORMESSAGEDELETE"),
    connector("ONIMCONNECTORLINEDELETE"),
    connector("ONIMCONNECTORSTATUSDELETE"),
];

/// What the pseudo-application name of every outgoing webhook (`webhook:<id>`) starts with,
/// the owner of its bindings; an application's client id (`local.…`) never does.
pub const OUTGOING_PREFIX: &str = "webhook:";

/// `OnImConnectorMessageAdd`: an operator's message leaves an open line through a custom
/// connector.
pub const CONNECTOR_MESSAGE_ADD: &str = "ONIMCONNECTORMESSAGEADD";
/// `OnImConnectorStatusDelete`: a custom connector was switched off on an open line.
pub const CONNECTOR_STATUS_DELETE: &str = "ONIMCONNECTORSTATUSDELETE";

/// The known event called `name` (any letter case).
pub fn find(name: &str) -> Option<&'static EventDef> {
    EVENTS
        .iter()
        .find(|event| event.name.eq_ignore_ascii_case(name.trim()))
}

/// What happened to a record or activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Add,
    Update,
    Delete,
}

impl Change {
    fn suffix(self) -> &'static str {
        match self {
            Change::Add => "ADD",
            Change::Update => "UPDATE",
            Change::Delete => "DELETE",
        }
    }
}

/// One event raised by a write: its name and the id its `data[FIELDS][ID]` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub name: String,
    pub id: i64,
}

impl Raised {
    /// `ONCRM{LEAD,DEAL,CONTACT,COMPANY}{ADD,UPDATE,DELETE}` for record `id`.
    pub fn crm_record(entity_type: CrmEntityType, change: Change, id: i64) -> Self {
        let entity = entity_type.as_str().to_ascii_uppercase();
        Raised {
            name: format!("ONCRM{entity}{}", change.suffix()),
            id,
        }
    }

    /// `ONCRMACTIVITY{ADD,UPDATE,DELETE}` for the activity of open-line session `id` (the
    /// session id is the activity id here, as `crm.activity.binding.*` use it).
    pub fn session_activity(change: Change, session_id: i64) -> Self {
        Raised {
            name: format!("ONCRMACTIVITY{}", change.suffix()),
            id: session_id,
        }
    }

    /// The `data` every record and activity event carries: `{"FIELDS":{"ID":"<id>"}}`
    /// (a string, as the form-encoded delivery makes every value).
    pub fn data_json(&self) -> String {
        serde_json::json!({"FIELDS": {"ID": self.id.to_string()}}).to_string()
    }
}

impl fmt::Display for Raised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} #{}", self.name, self.id)
    }
}

/// Who made a write: the user whose authorization a handler bound with `auth_type` 0 gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor(pub i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_raised_name_is_in_the_catalog() {
        for entity in [
            CrmEntityType::Lead,
            CrmEntityType::Deal,
            CrmEntityType::Contact,
            CrmEntityType::Company,
        ] {
            for change in [Change::Add, Change::Update, Change::Delete] {
                let raised = Raised::crm_record(entity, change, 1);
                assert!(find(&raised.name).is_some(), "{raised}");
            }
        }
        for change in [Change::Add, Change::Update, Change::Delete] {
            assert!(find(&Raised::session_activity(change, 1).name).is_some());
        }
    }

    #[test]
    fn names_match_in_any_case() {
        assert_eq!(find("onCrmLeadAdd").map(|e| e.name), Some("ONCRMLEADADD"));
        assert_eq!(find("OnNothing"), None);
    }

    #[test]
    fn data_carries_the_id_as_text() {
        let raised = Raised::crm_record(CrmEntityType::Deal, Change::Add, 7);
        assert_eq!(raised.data_json(), r#"{"FIELDS":{"ID":"7"}}"#);
    }
}
