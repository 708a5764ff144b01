//! CRM record identities: the four entity types open lines bind to, and positive record ids.

use std::fmt;
use std::str::FromStr;

/// The CRM entity types an open-line chat can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CrmEntityType {
    Lead,
    Deal,
    Contact,
    Company,
}

impl CrmEntityType {
    /// All four, in the order Bitrix24 lists them in `ENTITY_DATA_2`.
    pub const ALL: [CrmEntityType; 4] = [
        CrmEntityType::Lead,
        CrmEntityType::Company,
        CrmEntityType::Contact,
        CrmEntityType::Deal,
    ];

    /// The spelling we store and export (`lead`, `deal`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CrmEntityType::Lead => "lead",
            CrmEntityType::Deal => "deal",
            CrmEntityType::Contact => "contact",
            CrmEntityType::Company => "company",
        }
    }

    /// Bitrix24's upper-case spelling (`LEAD`), used in `ENTITY_DATA_*`.
    pub fn as_upper(self) -> &'static str {
        match self {
            CrmEntityType::Lead => "LEAD",
            CrmEntityType::Deal => "DEAL",
            CrmEntityType::Contact => "CONTACT",
            CrmEntityType::Company => "COMPANY",
        }
    }
}

impl fmt::Display for CrmEntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of the four entity types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown CRM entity type {0:?}")]
pub struct UnknownEntityType(pub String);

impl FromStr for CrmEntityType {
    type Err = UnknownEntityType;

    /// Case-insensitive, as the portal upper-cases the type before comparing (spec §7.1).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "lead" => Ok(CrmEntityType::Lead),
            "deal" => Ok(CrmEntityType::Deal),
            "contact" => Ok(CrmEntityType::Contact),
            "company" => Ok(CrmEntityType::Company),
            _ => Err(UnknownEntityType(text.to_owned())),
        }
    }
}

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
