//! CRM list pages: the one statement shape behind `crm.*.list` and `crm.item.list`.
//!
//! A list statement is assembled from fixed pieces: the column expression of each
//! [`ListField`], the SQL form of each [`Op`], the rights predicate of a [`Visibility`]. Every
//! value from the caller is a bound parameter, so the text only varies in its shape (which
//! fields, which operators, how many list items); the catalog prepares one statement of every
//! piece on both engines ([`catalog_samples`]).
//!
//! Cost: records are stored clustered by `(entity_type, id)`. The fast pattern SDKs use
//! (`>ID` + `ORDER BY ID ASC` + no count) is a range read on that key, the same per page at
//! any depth. `start`-offset paging makes the database step over `start` rows first, and
//! counting `total` visits every matching row: both cost O(offset or matches) per page.

use super::crm::CrmRecordRow;
use super::db::{query, Arg, Query};
use super::{Store, StoreError};
use crate::domain::crm::CrmEntityType;
use crate::domain::crm_list::{
    Condition, FieldSet, ListField, ListQuery, Op, Operand, Page, Scalar, SortKey, Visibility,
    PAGE_SIZE,
};

/// The table and the join the department rules need.
pub(super) const FROM_RECORDS: &str = "FROM crm_records r";
pub(super) const JOIN_OWNER: &str = " LEFT JOIN users u ON u.id = r.assigned_by_id";
pub(super) const SELECT_ROWS: &str = "SELECT r.id, r.title, r.assigned_by_id, r.opened ";
pub(super) const SELECT_COUNT: &str = "SELECT COUNT(*) ";

/// One page of a list and, unless the caller asked not to count, the number of matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub rows: Vec<CrmRecordRow>,
    pub total: Option<u64>,
}

/// A value to bind, in statement order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bind {
    Int(i64),
    Text(String),
}

/// A statement text and its parameters.
#[derive(Debug, Clone, Default)]
struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

impl Bind {
    fn arg(&self) -> Arg<'_> {
        match self {
            Bind::Int(int) => Arg::Int(*int),
            Bind::Text(text) => Arg::Text(text),
        }
    }
}

impl Statement {
    /// The statement, ready to run.
    fn query(&self) -> Query<'_> {
        query(&self.sql).bind_all(self.binds.iter().map(Bind::arg))
    }

    /// Adds a parameter and returns its placeholder (`$n`).
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn bind_scalar(&mut self, value: &Scalar) -> String {
        match value {
            Scalar::Int(int) => self.bind(Bind::Int(*int)),
            Scalar::Text(text) => self.bind(Bind::Text(text.clone())),
        }
    }
}

/// The SQL expression of a field.
fn column(field: ListField) -> &'static str {
    match field {
        ListField::Id => "r.id",
        ListField::Title => "r.title",
        ListField::AssignedById => "r.assigned_by_id",
        ListField::Opened => "(CASE WHEN r.opened THEN 'Y' ELSE 'N' END)",
    }
}

/// A column as lower-case text, for the LIKE operators (which the portal's MySQL runs
/// case-insensitively; LOWER on both sides gives that on both engines).
fn as_lower_text(col: &str) -> String {
    format!("LOWER(CAST({col} AS TEXT))")
}

/// `%` and `_` in a substring search are literal: escape them for `LIKE … ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn scalar_text(value: &Scalar) -> String {
    match value {
        Scalar::Int(int) => int.to_string(),
        Scalar::Text(text) => text.clone(),
    }
}

/// The positive form of a condition on an empty operand: "the field has no value".
fn is_empty_sql(col: &str, integer: bool) -> String {
    if integer {
        format!("{col} IS NULL")
    } else {
        format!("({col} IS NULL OR {col} = '')")
    }
}

/// One condition as SQL; `None` when it constrains nothing (a comparison with an empty value).
fn condition_sql(statement: &mut Statement, condition: &Condition) -> Option<String> {
    let Condition { field, op, operand } = condition;
    condition_on(statement, column(*field), field.is_integer(), *op, operand)
}

/// A condition on the SQL expression `col` (an integer column when `integer`).
fn condition_on(
    statement: &mut Statement,
    col: &str,
    integer: bool,
    op: Op,
    operand: &Operand,
) -> Option<String> {
    let positive = match (op, operand) {
        (Op::Gt | Op::Ge | Op::Lt | Op::Le, Operand::Empty) => return None,
        (_, Operand::Empty) => is_empty_sql(col, integer),
        (Op::Eq | Op::Ne | Op::In | Op::NotIn, Operand::Many(values)) => {
            if values.is_empty() {
                "1 = 0".to_owned()
            } else {
                let placeholders: Vec<String> =
                    values.iter().map(|v| statement.bind_scalar(v)).collect();
                format!("{col} IN ({})", placeholders.join(", "))
            }
        }
        (Op::Eq | Op::Ne | Op::In | Op::NotIn, Operand::One(value)) => {
            format!("{col} = {}", statement.bind_scalar(value))
        }
        (Op::Gt | Op::Ge | Op::Lt | Op::Le, operand) => {
            let sign = match op {
                Op::Gt => ">",
                Op::Ge => ">=",
                Op::Lt => "<",
                _ => "<=",
            };
            // A list for a comparison: its first value, as PHP's filter code would read it.
            let value = match operand {
                Operand::One(value) => value,
                Operand::Many(values) => values.first()?,
                Operand::Empty => return None,
            };
            format!("{col} {sign} {}", statement.bind_scalar(value))
        }
        (Op::Contains | Op::NotContains | Op::Like | Op::NotLike, operand) => {
            let patterns: Vec<String> = match operand {
                Operand::One(value) => vec![scalar_text(value)],
                Operand::Many(values) => values.iter().map(scalar_text).collect(),
                Operand::Empty => Vec::new(),
            };
            if patterns.is_empty() {
                "1 = 0".to_owned()
            } else {
                let text = as_lower_text(col);
                let alternatives: Vec<String> = patterns
                    .iter()
                    .map(|pattern| {
                        let pattern = match op {
                            Op::Contains | Op::NotContains => {
                                format!("%{}%", escape_like(pattern))
                            }
                            _ => pattern.clone(),
                        };
                        let placeholder = statement.bind(Bind::Text(pattern.to_lowercase()));
                        format!("{text} LIKE {placeholder} ESCAPE '\\'")
                    })
                    .collect();
                format!("({})", alternatives.join(" OR "))
            }
        }
    };
    Some(if op.is_negative() {
        // NOT (x = v) is unknown for a NULL x; the portal's "not equal" keeps empty fields.
        format!("NOT COALESCE({positive}, FALSE)")
    } else {
        positive
    })
}

/// The rights predicate, and whether it needs the owner's department (the join).
fn visibility_sql(statement: &mut Statement, visibility: &Visibility) -> (Option<String>, bool) {
    match visibility {
        Visibility::Everything => (None, false),
        Visibility::Nothing => (Some("1 = 0".to_owned()), false),
        Visibility::Some {
            user_id,
            departments,
            open,
        } => {
            let mut any = vec![format!(
                "r.assigned_by_id = {}",
                statement.bind(Bind::Int(*user_id))
            )];
            if !departments.is_empty() {
                let placeholders: Vec<String> = departments
                    .iter()
                    .map(|dept| statement.bind(Bind::Int(*dept)))
                    .collect();
                any.push(format!("u.department_id IN ({})", placeholders.join(", ")));
            }
            if *open {
                any.push("r.opened = TRUE".to_owned());
            }
            (
                Some(format!("({})", any.join(" OR "))),
                !departments.is_empty(),
            )
        }
    }
}

/// `FROM … WHERE …` shared by the page and the count.
fn from_where(
    statement: &mut Statement,
    entity_type: CrmEntityType,
    query: &ListQuery,
    visibility: &Visibility,
) -> String {
    let mut clauses = vec![format!(
        "r.entity_type = {}",
        statement.bind(Bind::Text(entity_type.as_str().to_owned()))
    )];
    let (rights, join) = visibility_sql(statement, visibility);
    clauses.extend(rights);
    for condition in &query.conditions {
        clauses.extend(condition_sql(statement, condition));
    }
    format!(
        "{FROM_RECORDS}{} WHERE {}",
        if join { JOIN_OWNER } else { "" },
        clauses.join(" AND ")
    )
}

/// `ORDER BY`, with `ID` last as the tie-breaker so pages never overlap or skip.
fn order_sql(order: &[SortKey]) -> String {
    let mut keys: Vec<String> = order
        .iter()
        .map(|key| {
            let direction = if key.descending { "DESC" } else { "ASC" };
            // MySQL puts NULLs first when ascending; PostgreSQL would put them last.
            let nulls = match (key.field, key.descending) {
                (ListField::AssignedById, false) => " NULLS FIRST",
                (ListField::AssignedById, true) => " NULLS LAST",
                _ => "",
            };
            format!("{} {direction}{nulls}", column(key.field))
        })
        .collect();
    if !order.iter().any(|key| key.field == ListField::Id) {
        keys.push("r.id ASC".to_owned());
    }
    format!(" ORDER BY {}", keys.join(", "))
}

/// The page statement and, when counting, the count statement.
fn statements(
    entity_type: CrmEntityType,
    query: &ListQuery,
    visibility: &Visibility,
) -> (Statement, Option<Statement>) {
    let mut page = Statement::default();
    let from_where_page = from_where(&mut page, entity_type, query, visibility);
    let offset = match query.page {
        Page::Offset(offset) => offset,
        Page::NoCount => 0,
    };
    let limit = page.bind(Bind::Int(PAGE_SIZE as i64));
    let offset = page.bind(Bind::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    page.sql = format!(
        "{SELECT_ROWS}{from_where_page}{} LIMIT {limit} OFFSET {offset}",
        order_sql(&query.order)
    );
    let count = match query.page {
        Page::NoCount => None,
        Page::Offset(_) => {
            let mut count = Statement::default();
            let from_where_count = from_where(&mut count, entity_type, query, visibility);
            count.sql = format!("{SELECT_COUNT}{from_where_count}");
            Some(count)
        }
    };
    (page, count)
}

impl Store {
    /// One page of `entity_type` records matching `query`, limited to what `visibility` admits.
    pub async fn list_crm_records(
        &self,
        entity_type: CrmEntityType,
        query: &ListQuery,
        visibility: &Visibility,
    ) -> Result<ListPage, StoreError> {
        let (page, count) = statements(entity_type, query, visibility);
        let rows: Vec<CrmRecordRow> = page.query().fetch_all(self.db()).await?;
        let total = match count {
            None => None,
            Some(count) => {
                let total: i64 = count.query().fetch_scalar(self.db()).await?;
                Some(u64::try_from(total).unwrap_or(0))
            }
        };
        Ok(ListPage { rows, total })
    }
}

mod samples;
pub use samples::catalog_samples;

pub mod activities;

#[cfg(test)]
mod tests;
