//! One assembled list statement of every piece, for the catalog: the engines test prepares
//! them on SQLite and PostgreSQL like the named statements.

use super::{activities, statements};
use crate::domain::crm::CrmEntityType;
use crate::domain::crm_list::{
    ActivityField, Condition, FieldSet, ListField, ListQuery, Op, Operand, Page, Scalar, SortKey,
    Visibility,
};

/// One statement of every shape piece (each field, each operator, each rights form, each
/// sort key, page and count), for the catalog test to prepare on both engines.
pub fn catalog_samples() -> Vec<(String, String)> {
    use ListField::*;
    let fields = [Id, Title, AssignedById, Opened];
    let ops = [
        Op::Eq,
        Op::Ne,
        Op::Gt,
        Op::Ge,
        Op::Lt,
        Op::Le,
        Op::Contains,
        Op::NotContains,
        Op::Like,
        Op::NotLike,
        Op::In,
        Op::NotIn,
    ];
    let mut conditions = Vec::new();
    for field in fields {
        let value = if field.is_integer() {
            Scalar::Int(1)
        } else {
            Scalar::Text("a".into())
        };
        for op in ops {
            for operand in [
                Operand::Empty,
                Operand::One(value.clone()),
                Operand::Many(vec![value.clone(), value.clone()]),
                Operand::Many(Vec::new()),
            ] {
                conditions.push(Condition { field, op, operand });
            }
        }
    }
    let order = fields
        .iter()
        .flat_map(|field| {
            [false, true].map(|descending| SortKey {
                field: *field,
                descending,
            })
        })
        .collect();
    let everything = ListQuery {
        conditions,
        order,
        page: Page::Offset(50),
    };
    let fast = ListQuery {
        conditions: vec![Condition {
            field: Id,
            op: Op::Gt,
            operand: Operand::One(Scalar::Int(0)),
        }],
        order: vec![SortKey {
            field: Id,
            descending: false,
        }],
        page: Page::NoCount,
    };
    let visibilities = [
        Visibility::Everything,
        Visibility::Nothing,
        Visibility::Some {
            user_id: 1,
            departments: vec![1, 2],
            open: true,
        },
    ];
    let mut out = Vec::new();
    for (index, visibility) in visibilities.iter().enumerate() {
        let (page, count) = statements(CrmEntityType::Deal, &everything, visibility);
        out.push((format!("crm_list::page[rights={index}]"), page.sql));
        if let Some(count) = count {
            out.push((format!("crm_list::count[rights={index}]"), count.sql));
        }
    }
    let (page, _) = statements(CrmEntityType::Deal, &fast, &Visibility::Everything);
    out.push(("crm_list::page[fast]".to_owned(), page.sql));
    out.extend(activity_samples());
    out
}

/// The activity list's statements: every field with every operator, every sort key, with
/// and without rights, and the bindings of a page.
fn activity_samples() -> Vec<(String, String)> {
    use ActivityField::*;
    let fields = [Id, OwnerTypeId, OwnerId, ResponsibleId, Completed];
    let mut conditions = Vec::new();
    for field in fields {
        let value = if field.is_integer() {
            Scalar::Int(1)
        } else {
            Scalar::Text("Y".into())
        };
        for op in [Op::Eq, Op::Ne, Op::Gt, Op::Contains, Op::NotLike, Op::In] {
            for operand in [
                Operand::Empty,
                Operand::One(value.clone()),
                Operand::Many(vec![value.clone(), value.clone()]),
            ] {
                conditions.push(Condition { field, op, operand });
            }
        }
    }
    let order = fields
        .iter()
        .flat_map(|field| {
            [false, true].map(|descending| SortKey {
                field: *field,
                descending,
            })
        })
        .collect();
    let query = ListQuery {
        conditions,
        order,
        page: Page::Offset(50),
    };
    let rights = [
        (CrmEntityType::Lead, Visibility::Nothing),
        (CrmEntityType::Deal, Visibility::Everything),
        (
            CrmEntityType::Company,
            Visibility::Some {
                user_id: 1,
                departments: vec![1, 2],
                open: true,
            },
        ),
    ];
    let mut out = Vec::new();
    for (name, rights) in [("admin", None), ("rights", Some(&rights[..]))] {
        let (page, count) = activities::statements(&query, rights);
        out.push((format!("crm_list::activities[{name}]"), page.sql));
        if let Some(count) = count {
            out.push((format!("crm_list::activities_count[{name}]"), count.sql));
        }
    }
    out.push((
        "crm_list::activity_bindings[2]".to_owned(),
        activities::bindings_statement(&[1, 2]).sql,
    ));
    out
}
