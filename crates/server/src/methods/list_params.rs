//! `filter`, `order`, `select` and `start` of the CRM list methods, read into a
//! [`ListQuery`]. The two families differ in field spelling and strictness: `crm.*.list`
//! (upper case, unknown fields ignored) and `crm.item.list` (camelCase, unknown filter or
//! order fields refused), so both come through [`Naming`].

use super::args::php_numeric_int;
use crate::domain::crm::CrmEntityType;
use crate::domain::crm_list::{
    Condition, FieldSet, ListField, ListQuery, Op, Operand, Page, Scalar, SortKey, ValueKind,
};
use openlines_wire::params::{php_string, Params};
use serde_json::Value;

/// How a family spells its fields and how it treats names it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `crm.lead.list` & co.: `ID`, `TITLE`, `ASSIGNED_BY_ID`, `OPENED`; unknown names ignored.
    Upper,
    /// `crm.item.list`: `id`, `title`, `assignedById`, `opened`; unknown names refused.
    Camel,
}

impl Naming {
    /// The wire name of `field` for records of `entity_type`.
    pub fn name(self, entity_type: CrmEntityType, field: ListField) -> &'static str {
        let contact = entity_type == CrmEntityType::Contact;
        match (self, field) {
            (Naming::Upper, ListField::Id) => "ID",
            (Naming::Upper, ListField::Title) if contact => "NAME",
            (Naming::Upper, ListField::Title) => "TITLE",
            (Naming::Upper, ListField::AssignedById) => "ASSIGNED_BY_ID",
            (Naming::Upper, ListField::Opened) => "OPENED",
            (Naming::Camel, ListField::Id) => "id",
            (Naming::Camel, ListField::Title) if contact => "name",
            (Naming::Camel, ListField::Title) => "title",
            (Naming::Camel, ListField::AssignedById) => "assignedById",
            (Naming::Camel, ListField::Opened) => "opened",
        }
    }

    /// The field a name means (any letter case).
    pub fn field(self, entity_type: CrmEntityType, name: &str) -> Option<ListField> {
        FIELDS
            .into_iter()
            .find(|field| self.name(entity_type, *field).eq_ignore_ascii_case(name))
    }
}

/// Every field, in the order results show them.
pub const FIELDS: [ListField; 4] = [
    ListField::Id,
    ListField::Title,
    ListField::AssignedById,
    ListField::Opened,
];

/// Why list parameters were refused; each family words these its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListParamError {
    FilterNotArray,
    OrderNotArray,
    /// A filter names a field the family refuses (strict naming only).
    FilterField(String),
    /// A filter value the field cannot hold (strict naming only).
    FilterValue(String),
    OrderField(String),
    /// `(direction, field)`.
    OrderDirection(String, String),
}

/// A parameter by name in any letter case.
pub fn param<'p>(params: &'p Params, name: &str) -> Option<&'p Value> {
    params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// Reads `filter`, `order` and `start`.
pub fn list_query(
    params: &Params,
    entity_type: CrmEntityType,
    naming: Naming,
) -> Result<ListQuery, ListParamError> {
    list_query_of(
        params,
        |name| naming.field(entity_type, name),
        naming == Naming::Camel,
    )
}

/// Reads `filter`, `order` and `start` for any field set: `resolve` names the fields, and
/// `strict` refuses unknown names and values (the newer API) instead of ignoring them.
pub fn list_query_of<F: FieldSet>(
    params: &Params,
    resolve: impl Fn(&str) -> Option<F>,
    strict: bool,
) -> Result<ListQuery<F>, ListParamError> {
    Ok(ListQuery {
        conditions: filter(param(params, "filter"), &resolve, strict)?,
        order: order(param(params, "order"), &resolve, strict)?,
        page: page(param(params, "start")),
    })
}

/// `start`: missing, negative or not a number is the first page; `-1` turns counting off.
fn page(start: Option<&Value>) -> Page {
    match start.and_then(php_numeric_int) {
        Some(-1) => Page::NoCount,
        Some(offset) if offset > 0 => Page::Offset(offset.unsigned_abs()),
        _ => Page::Offset(0),
    }
}

/// An object or a list (PHP has one array type); anything else is not an array.
fn entries(value: &Value) -> Option<Vec<(String, &Value)>> {
    match value {
        Value::Object(map) => Some(map.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(index, v)| (index.to_string(), v))
                .collect(),
        ),
        _ => None,
    }
}

fn filter<F: FieldSet>(
    value: Option<&Value>,
    resolve: &impl Fn(&str) -> Option<F>,
    strict: bool,
) -> Result<Vec<Condition<F>>, ListParamError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let entries = entries(value).ok_or(ListParamError::FilterNotArray)?;
    let mut conditions = Vec::new();
    for (key, value) in entries {
        let (op, name) = Op::split_key(&key);
        let Some(field) = resolve(name) else {
            if strict {
                return Err(ListParamError::FilterField(name.to_owned()));
            }
            continue;
        };
        let operand = operand(field, op, value, strict)
            .ok_or_else(|| ListParamError::FilterValue(name.to_owned()))?;
        conditions.push(Condition { field, op, operand });
    }
    Ok(conditions)
}

/// The filter value in the field's type; `None` only when strict naming refuses it.
fn operand<F: FieldSet>(field: F, op: Op, value: &Value, strict: bool) -> Option<Operand> {
    let textual = matches!(op, Op::Contains | Op::NotContains | Op::Like | Op::NotLike);
    let convert = |value: &Value| scalar(field, textual, value, strict);
    match value {
        Value::Null => Some(Operand::Empty),
        Value::String(text) if text.is_empty() => Some(Operand::Empty),
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_array() && !item.is_object())
            .map(convert)
            .collect::<Option<Vec<_>>>()
            .map(Operand::Many),
        Value::Object(map) => map
            .values()
            .filter(|item| !item.is_array() && !item.is_object())
            .map(convert)
            .collect::<Option<Vec<_>>>()
            .map(Operand::Many),
        scalar_value => convert(scalar_value).map(Operand::One),
    }
}

/// One value in the field's type. Integer fields take PHP's `intval`, so a word is 0 (the
/// portal's filter code casts the same way); strict naming refuses it instead.
fn scalar<F: FieldSet>(field: F, textual: bool, value: &Value, strict: bool) -> Option<Scalar> {
    if field.value_kind() == ValueKind::YesNo {
        let text = match value {
            Value::Bool(flag) => if *flag { "Y" } else { "N" }.to_owned(),
            other => php_string(other)?.to_ascii_uppercase(),
        };
        return Some(Scalar::Text(text));
    }
    if textual || !field.is_integer() {
        return php_string(value).map(Scalar::Text);
    }
    match php_numeric_int(value) {
        Some(int) => Some(Scalar::Int(int)),
        None if strict => None,
        None => Some(Scalar::Int(0)),
    }
}

fn order<F: FieldSet>(
    value: Option<&Value>,
    resolve: &impl Fn(&str) -> Option<F>,
    strict: bool,
) -> Result<Vec<SortKey<F>>, ListParamError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let entries = entries(value).ok_or(ListParamError::OrderNotArray)?;
    let mut keys = Vec::new();
    for (name, direction) in entries {
        let Some(field) = resolve(&name) else {
            if strict {
                return Err(ListParamError::OrderField(name));
            }
            continue;
        };
        let direction = php_string(direction).unwrap_or_default();
        let descending = match direction.to_ascii_uppercase().as_str() {
            "DESC" => true,
            "ASC" => false,
            _ if strict => {
                return Err(ListParamError::OrderDirection(direction, name));
            }
            // The legacy CRM methods read anything but DESC as ascending.
            _ => false,
        };
        if !keys.iter().any(|key: &SortKey<F>| key.field == field) {
            keys.push(SortKey { field, descending });
        }
    }
    Ok(keys)
}

/// The fields `select` asks for, in result order. Empty, missing or `*` mean every field;
/// unknown names are ignored; the id is always included (paging by id needs it).
pub fn selected(params: &Params, entity_type: CrmEntityType, naming: Naming) -> Vec<ListField> {
    let names: Vec<String> = match param(params, "select") {
        Some(value) => entries(value)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, name)| php_string(name))
            .collect(),
        None => Vec::new(),
    };
    let wanted: Vec<ListField> = names
        .iter()
        .filter_map(|name| naming.field(entity_type, name))
        .collect();
    if names.is_empty() || names.iter().any(|name| name == "*") {
        return FIELDS.to_vec();
    }
    FIELDS
        .into_iter()
        .filter(|field| *field == ListField::Id || wanted.contains(field))
        .collect()
}

#[cfg(test)]
mod tests;
