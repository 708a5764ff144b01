//! CRM record identities: the four entity types open lines bind to, and positive record ids.

use std::fmt;

/// The type lives in `openlines-wire`, shared with the client crate.
pub use openlines_wire::crm::{CrmEntityType, UnknownEntityType};

/// A CRM record id: always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrmEntityId(i64);

impl CrmEntityId {
    /// `None` unless `id > 0`.
    pub fn new(id: i64) -> Option<Self> {
        (id > 0).then_some(CrmEntityId(id))
    }

    /// The id as stored.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for CrmEntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A CRM record address: type and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CrmRef {
    pub entity_type: CrmEntityType,
    pub id: CrmEntityId,
}

/// What permission checks need to know of a CRM record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmRecordAccess {
    /// The responsible user (`ASSIGNED_BY_ID`), if any.
    pub assigned_by_id: Option<i64>,
    /// The department of the responsible user, if any.
    pub assigned_department_id: Option<i64>,
    /// Flagged "available to everyone" (`OPENED`).
    pub opened: bool,
}

#[cfg(test)]
mod tests;
