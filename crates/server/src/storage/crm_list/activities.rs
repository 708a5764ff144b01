//! `crm.activity.list`'s statements: open-line sessions bound to at least one CRM record,
//! the session as the activity. Built from the same pieces as the record lists; the owner
//! conditions (`OWNER_TYPE_ID`, `OWNER_ID`) apply together to one binding, and a session is
//! visible when the caller may read at least one of the records it is bound to.

use super::{condition_on, visibility_sql, Bind, Statement};
use crate::domain::crm::CrmEntityType;
use crate::domain::crm_list::{ActivityField, FieldSet, ListQuery, Page, Visibility, PAGE_SIZE};
use crate::storage::{Store, StoreError};

/// A session as an activity.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub status: i64,
    pub operator_id: Option<i64>,
    pub created_at: i64,
    pub modified_at: i64,
    pub title: String,
}

/// One page of activities, the records each is bound to, and (when counting) the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPage {
    pub rows: Vec<ActivityRow>,
    /// `(session id, entity type, entity id)` of every binding of the page's sessions.
    pub bindings: Vec<(i64, String, i64)>,
    pub total: Option<u64>,
}

/// Bitrix24's type number of a stored entity type, as SQL.
const TYPE_NUMBER: &str =
    "(CASE ob.entity_type WHEN 'lead' THEN 1 WHEN 'deal' THEN 2 WHEN 'contact' THEN 3 WHEN 'company' THEN 4 END)";

fn column(field: ActivityField) -> &'static str {
    match field {
        ActivityField::Id => "s.id",
        ActivityField::OwnerTypeId => TYPE_NUMBER,
        ActivityField::OwnerId => "ob.entity_id",
        ActivityField::ResponsibleId => "s.operator_id",
        ActivityField::Completed => "(CASE WHEN s.status >= 60 THEN 'Y' ELSE 'N' END)",
    }
}

fn is_owner_field(field: ActivityField) -> bool {
    matches!(field, ActivityField::OwnerTypeId | ActivityField::OwnerId)
}

/// `FROM … WHERE …` shared by the page and the count. `rights` holds the visibility of each
/// type; `None` means everything (an admin).
fn from_where(
    statement: &mut Statement,
    query: &ListQuery<ActivityField>,
    rights: Option<&[(CrmEntityType, Visibility)]>,
) -> String {
    let mut owner = vec!["ob.session_id = s.id".to_owned()];
    let mut own = Vec::new();
    for condition in &query.conditions {
        let col = column(condition.field);
        let integer = condition.field.is_integer();
        let sql = condition_on(statement, col, integer, condition.op, &condition.operand);
        if is_owner_field(condition.field) {
            owner.extend(sql);
        } else {
            own.extend(sql);
        }
    }
    let mut clauses = vec![format!(
        "EXISTS (SELECT 1 FROM session_crm_bindings ob WHERE {})",
        owner.join(" AND ")
    )];
    if let Some(rights) = rights {
        let mut any = Vec::new();
        for (entity_type, visibility) in rights {
            let kind = statement.bind(Bind::Text(entity_type.as_str().to_owned()));
            match visibility_sql(statement, visibility) {
                (None, _) => any.push(format!("r.entity_type = {kind}")),
                (Some(predicate), _) => {
                    any.push(format!("(r.entity_type = {kind} AND {predicate})"));
                }
            }
        }
        let any = if any.is_empty() {
            "1 = 0".to_owned()
        } else {
            any.join(" OR ")
        };
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM session_crm_bindings vb \
             JOIN crm_records r ON r.entity_type = vb.entity_type AND r.id = vb.entity_id \
             LEFT JOIN users u ON u.id = r.assigned_by_id \
             WHERE vb.session_id = s.id AND ({any}))"
        ));
    }
    clauses.extend(own);
    format!(
        "FROM sessions s JOIN chats c ON c.id = s.chat_id WHERE {}",
        clauses.join(" AND ")
    )
}

/// `ORDER BY` on the session's own fields (owner fields are not sortable), `ID` last.
fn order_sql(query: &ListQuery<ActivityField>) -> String {
    let mut keys: Vec<String> = query
        .order
        .iter()
        .filter(|key| !is_owner_field(key.field))
        .map(|key| {
            let direction = if key.descending { "DESC" } else { "ASC" };
            let nulls = match (key.field, key.descending) {
                (ActivityField::ResponsibleId, false) => " NULLS FIRST",
                (ActivityField::ResponsibleId, true) => " NULLS LAST",
                _ => "",
            };
            format!("{} {direction}{nulls}", column(key.field))
        })
        .collect();
    if !query.order.iter().any(|key| key.field == ActivityField::Id) {
        keys.push("s.id ASC".to_owned());
    }
    format!(" ORDER BY {}", keys.join(", "))
}

/// The page statement and, when counting, the count statement.
pub(super) fn statements(
    query: &ListQuery<ActivityField>,
    rights: Option<&[(CrmEntityType, Visibility)]>,
) -> (Statement, Option<Statement>) {
    let mut page = Statement::default();
    let from_where_page = from_where(&mut page, query, rights);
    let offset = match query.page {
        Page::Offset(offset) => offset,
        Page::NoCount => 0,
    };
    let limit = page.bind(Bind::Int(PAGE_SIZE as i64));
    let offset = page.bind(Bind::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    page.sql = [
        "SELECT s.id, s.status, s.operator_id, s.created_at, s.modified_at, c.title ",
        &from_where_page,
        &order_sql(query),
        &format!(" LIMIT {limit} OFFSET {offset}"),
    ]
    .concat();
    let count = match query.page {
        Page::NoCount => None,
        Page::Offset(_) => {
            let mut count = Statement::default();
            let from_where_count = from_where(&mut count, query, rights);
            count.sql = ["SELECT COUNT(*) ", &from_where_count].concat();
            Some(count)
        }
    };
    (page, count)
}

/// The bindings of the given sessions, ordered.
pub(super) fn bindings_statement(sessions: &[i64]) -> Statement {
    let mut statement = Statement::default();
    let placeholders: Vec<String> = sessions
        .iter()
        .map(|id| statement.bind(Bind::Int(*id)))
        .collect();
    statement.sql = [
        "SELECT session_id, entity_type, entity_id FROM session_crm_bindings WHERE session_id IN (",
        &placeholders.join(", "),
        ") ORDER BY session_id, entity_type, entity_id",
    ]
    .concat();
    statement
}

impl Store {
    /// One page of activities matching `query` that `rights` admit (`None`: all).
    pub async fn list_activities(
        &self,
        query: &ListQuery<ActivityField>,
        rights: Option<&[(CrmEntityType, Visibility)]>,
    ) -> Result<ActivityPage, StoreError> {
        let (page, count) = statements(query, rights);
        let rows: Vec<ActivityRow> = page.query().fetch_all(self.db()).await?;
        let bindings = if rows.is_empty() {
            Vec::new()
        } else {
            let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
            let statement = bindings_statement(&ids);
            statement.query().fetch_all(self.db()).await?
        };
        let total = match count {
            None => None,
            Some(count) => {
                let total: i64 = count.query().fetch_scalar(self.db()).await?;
                Some(u64::try_from(total).unwrap_or(0))
            }
        };
        Ok(ActivityPage {
            rows,
            bindings,
            total,
        })
    }
}
