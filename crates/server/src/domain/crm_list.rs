//! What a CRM list request asks for, once parsed: conditions on a fixed set of fields, a sort
//! order, a page, and which records the caller may see at all.
//!
//! The field set is closed ([`ListField`]) and so is the operator set ([`Op`]): storage turns
//! each into SQL text it owns, and every value the caller sent travels as a bound parameter.

use super::permission::{ReadLevel, Reader};

/// The stored fields a list may filter and sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListField {
    Id,
    /// `TITLE`, or `NAME` for contacts.
    Title,
    AssignedById,
    /// `"Y"` or `"N"` on the wire; compared as that text.
    Opened,
}

/// How a field's filter values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// PHP's `intval` of what was sent.
    Integer,
    Text,
    /// `"Y"`/`"N"` (booleans and any letter case accepted).
    YesNo,
}

/// A set of fields a list method filters and sorts on.
pub trait FieldSet: Copy + PartialEq + std::fmt::Debug {
    fn value_kind(self) -> ValueKind;

    /// Whether values compare as integers.
    fn is_integer(self) -> bool {
        self.value_kind() == ValueKind::Integer
    }
}

impl FieldSet for ListField {
    fn value_kind(self) -> ValueKind {
        match self {
            ListField::Id | ListField::AssignedById => ValueKind::Integer,
            ListField::Title => ValueKind::Text,
            ListField::Opened => ValueKind::YesNo,
        }
    }
}

/// The fields of `crm.activity.list` (open-line sessions as CRM activities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityField {
    /// The session id.
    Id,
    /// Bitrix24's type number (1 lead, 2 deal, 3 contact, 4 company) of a bound record.
    OwnerTypeId,
    /// The id of a bound record.
    OwnerId,
    /// The session's operator.
    ResponsibleId,
    /// `"Y"` once the session is closed.
    Completed,
}

impl FieldSet for ActivityField {
    fn value_kind(self) -> ValueKind {
        match self {
            ActivityField::Completed => ValueKind::YesNo,
            _ => ValueKind::Integer,
        }
    }
}

/// A filter operator: the key prefix of Bitrix24's list filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=` or no prefix; a list of values means "any of them".
    Eq,
    /// `!` or `!=`; a list of values means "none of them".
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// `%`: the value is a substring.
    Contains,
    /// `!%`.
    NotContains,
    /// `=%` or `%=`: the value is a LIKE pattern with its own `%`.
    Like,
    /// `!=%` or `!%=`.
    NotLike,
    /// `@`: one of a list.
    In,
    /// `!@`: none of a list.
    NotIn,
}

impl Op {
    /// Prefixes, longest first, so `!=%` is not read as `!` + `=%FIELD`.
    const PREFIXES: [(&'static str, Op); 15] = [
        ("!=%", Op::NotLike),
        ("!%=", Op::NotLike),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("!=", Op::Ne),
        ("!@", Op::NotIn),
        ("!%", Op::NotContains),
        ("=%", Op::Like),
        ("%=", Op::Like),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("!", Op::Ne),
        ("@", Op::In),
        ("%", Op::Contains),
        ("=", Op::Eq),
    ];

    /// Splits a filter key into its operator and field name: `">=ID"` → (`Ge`, `"ID"`).
    pub fn split_key(key: &str) -> (Op, &str) {
        Op::PREFIXES
            .iter()
            .find_map(|(prefix, op)| key.strip_prefix(prefix).map(|name| (*op, name)))
            .unwrap_or((Op::Eq, key))
    }

    /// Whether the operator negates its positive form.
    pub fn is_negative(self) -> bool {
        matches!(self, Op::Ne | Op::NotContains | Op::NotLike | Op::NotIn)
    }
}

/// One filter value, already converted to the field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    Int(i64),
    Text(String),
}

/// What a condition compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// `null` or `""`: "the field is empty" (NULL, or `''` for text).
    Empty,
    One(Scalar),
    /// A list (an empty list matches nothing, or everything when negated).
    Many(Vec<Scalar>),
}

/// One filter entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition<F = ListField> {
    pub field: F,
    pub op: Op,
    pub operand: Operand,
}

/// One sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey<F = ListField> {
    pub field: F,
    pub descending: bool,
}

/// Which page: an offset with a total count, or (`start=-1`) the first page without counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Offset(u64),
    NoCount,
}

/// Page size of every Bitrix24 list method.
pub const PAGE_SIZE: u64 = 50;

/// A parsed list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery<F = ListField> {
    pub conditions: Vec<Condition<F>>,
    pub order: Vec<SortKey<F>>,
    pub page: Page,
}

/// The rows a caller may read, as a predicate storage can turn into SQL. It says the same as
/// [`super::permission::can_read`] for every record (a unit test checks that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    Everything,
    Nothing,
    /// Records assigned to `user_id`, or to a user in one of `departments`, or flagged open
    /// when `open` is set.
    Some {
        user_id: i64,
        departments: Vec<i64>,
        open: bool,
    },
}

impl Visibility {
    /// What `reader`, granted `level` on the type, may see.
    pub fn of(reader: &Reader, level: ReadLevel) -> Visibility {
        if reader.is_admin {
            return Visibility::Everything;
        }
        let own_department = || reader.department_id.into_iter().collect::<Vec<_>>();
        let subtree = || {
            let mut all = own_department();
            all.extend(reader.department_subtree.iter().copied());
            all.sort_unstable();
            all.dedup();
            all
        };
        let some = |departments, open| Visibility::Some {
            user_id: reader.user_id,
            departments,
            open,
        };
        match level {
            ReadLevel::None => Visibility::Nothing,
            ReadLevel::Own => some(Vec::new(), false),
            ReadLevel::Department => some(own_department(), false),
            ReadLevel::Subdepartments => some(subtree(), false),
            ReadLevel::Open => some(subtree(), true),
            ReadLevel::All => Visibility::Everything,
        }
    }

    /// The predicate evaluated in memory (what the SQL form must agree with).
    pub fn admits(&self, record: &super::crm::CrmRecordAccess) -> bool {
        match self {
            Visibility::Everything => true,
            Visibility::Nothing => false,
            Visibility::Some {
                user_id,
                departments,
                open,
            } => {
                record.assigned_by_id == Some(*user_id)
                    || record
                        .assigned_department_id
                        .is_some_and(|dept| departments.contains(&dept))
                    || (*open && record.opened)
            }
        }
    }
}

#[cfg(test)]
mod tests;
