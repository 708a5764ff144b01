//! The four CRM entity types open-line chats belong to, as both sides spell them.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;

/// A CRM entity type an open-line chat can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CrmEntityType {
    /// `lead`, entity type id 1.
    Lead,
    /// `deal`, entity type id 2.
    Deal,
    /// `contact`, entity type id 3.
    Contact,
    /// `company`, entity type id 4.
    Company,
}

impl CrmEntityType {
    /// All four, in the order of their entity type ids (lead, deal, contact, company).
    pub const ALL: [CrmEntityType; 4] = [
        CrmEntityType::Lead,
        CrmEntityType::Deal,
        CrmEntityType::Contact,
        CrmEntityType::Company,
    ];

    /// The lower-case spelling of `CRM_ENTITY_TYPE` and of our fixtures (`lead`, `deal`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CrmEntityType::Lead => "lead",
            CrmEntityType::Deal => "deal",
            CrmEntityType::Contact => "contact",
            CrmEntityType::Company => "company",
        }
    }

    /// The upper-case spelling of `ENTITY_DATA_*` and of event names (`LEAD`, …).
    pub fn as_upper(self) -> &'static str {
        match self {
            CrmEntityType::Lead => "LEAD",
            CrmEntityType::Deal => "DEAL",
            CrmEntityType::Contact => "CONTACT",
            CrmEntityType::Company => "COMPANY",
        }
    }

    /// Bitrix24's numeric `entityTypeId` (`crm.activity.binding.*`, `crm.item.*`).
    pub fn type_id(self) -> i64 {
        match self {
            CrmEntityType::Lead => 1,
            CrmEntityType::Deal => 2,
            CrmEntityType::Contact => 3,
            CrmEntityType::Company => 4,
        }
    }

    /// The type of a numeric `entityTypeId`, if it is one of the four.
    pub fn from_type_id(id: i64) -> Option<CrmEntityType> {
        CrmEntityType::ALL
            .into_iter()
            .find(|kind| kind.type_id() == id)
    }
}

impl fmt::Display for CrmEntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not one of the four entity types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEntityType(pub String);

impl fmt::Display for UnknownEntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown CRM entity type {:?}; expected lead, deal, contact or company",
            self.0
        )
    }
}

impl std::error::Error for UnknownEntityType {}

impl FromStr for CrmEntityType {
    type Err = UnknownEntityType;

    /// In any letter case, as a portal upper-cases the type before comparing; nothing else
    /// (no trimming) is forgiven.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CrmEntityType::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownEntityType(text.to_owned()))
    }
}

impl Serialize for CrmEntityType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CrmEntityType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_ids_round_trip() {
        for kind in CrmEntityType::ALL {
            assert_eq!(kind.as_str().parse::<CrmEntityType>(), Ok(kind));
            assert_eq!(kind.as_upper().parse::<CrmEntityType>(), Ok(kind));
            assert_eq!(CrmEntityType::from_type_id(kind.type_id()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{kind}\""));
        }
        assert!(" lead".parse::<CrmEntityType>().is_err());
        assert!("invoice".parse::<CrmEntityType>().is_err());
        assert_eq!(CrmEntityType::from_type_id(7), None);
    }

    #[test]
    fn an_unknown_type_says_which_ones_exist() {
        let error = "invoice".parse::<CrmEntityType>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown CRM entity type \"invoice\"; expected lead, deal, contact or company"
        );
    }
}
