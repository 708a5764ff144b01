//! CRM read permissions (spec §9): who may read which record.
//!
//! Bitrix24 grants each user, per entity type, one of six ordered levels. Each level includes
//! everything the lower ones allow. Admins read everything; a user with no explicit grant for a
//! type reads `all`, the portal's default role (docs/FIXTURES.md).

use super::crm::CrmRecordAccess;
use std::fmt;
use std::str::FromStr;

/// A read level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReadLevel {
    /// Nothing.
    None,
    /// Records the user is responsible for.
    Own,
    /// Own records and those of the user's department.
    Department,
    /// Own, department, and every sub-department.
    Subdepartments,
    /// All of the above plus every record flagged open.
    Open,
    /// Every record.
    All,
}

impl ReadLevel {
    /// The fixture spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadLevel::None => "none",
            ReadLevel::Own => "own",
            ReadLevel::Department => "department",
            ReadLevel::Subdepartments => "subdepartments",
            ReadLevel::Open => "open",
            ReadLevel::All => "all",
        }
    }
}

impl fmt::Display for ReadLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text names no read level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown read level {0:?} (expected none, own, department, subdepartments, open or all)")]
pub struct UnknownReadLevel(pub String);

impl FromStr for ReadLevel {
    type Err = UnknownReadLevel;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "none" => Ok(ReadLevel::None),
            "own" => Ok(ReadLevel::Own),
            "department" => Ok(ReadLevel::Department),
            "subdepartments" => Ok(ReadLevel::Subdepartments),
            "open" => Ok(ReadLevel::Open),
            "all" => Ok(ReadLevel::All),
            _ => Err(UnknownReadLevel(text.to_owned())),
        }
    }
}

/// What a permission check knows about the user asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub user_id: i64,
    pub is_admin: bool,
    /// The user's own department.
    pub department_id: Option<i64>,
    /// The user's department and every department below it, or as much of it as the
    /// check needs (the storage may load only the record owner's department, when in it).
    pub department_subtree: Vec<i64>,
}

/// Whether `reader`, granted `level` on the record's type, may read the record.
pub fn can_read(reader: &Reader, level: ReadLevel, record: &CrmRecordAccess) -> bool {
    if reader.is_admin {
        return true;
    }
    let own = record.assigned_by_id == Some(reader.user_id);
    let same_department =
        reader.department_id.is_some() && record.assigned_department_id == reader.department_id;
    let in_subtree = record
        .assigned_department_id
        .is_some_and(|dept| reader.department_subtree.contains(&dept));
    match level {
        ReadLevel::None => false,
        ReadLevel::Own => own,
        ReadLevel::Department => own || same_department,
        ReadLevel::Subdepartments => own || same_department || in_subtree,
        ReadLevel::Open => own || same_department || in_subtree || record.opened,
        ReadLevel::All => true,
    }
}

#[cfg(test)]
mod tests;
