use super::*;

fn query(conditions: Vec<Condition>, page: Page) -> ListQuery {
    ListQuery {
        conditions,
        order: Vec::new(),
        page,
    }
}

#[test]
fn values_are_bound_never_written_into_the_text() {
    let hostile = "x' OR 1=1 --";
    let q = query(
        vec![
            Condition {
                field: ListField::Title,
                op: Op::Contains,
                operand: Operand::One(Scalar::Text(hostile.into())),
            },
            Condition {
                field: ListField::Title,
                op: Op::In,
                operand: Operand::Many(vec![Scalar::Text(hostile.into())]),
            },
        ],
        Page::Offset(0),
    );
    let (page, count) = statements(CrmEntityType::Lead, &q, &Visibility::Everything);
    assert!(!page.sql.contains(hostile), "{}", page.sql);
    let pattern = format!("%{}%", escape_like(&hostile.to_lowercase()));
    assert!(page.binds.contains(&Bind::Text(pattern)));
    assert!(count.is_some_and(|count| !count.sql.contains(hostile)));
}

#[test]
fn the_fast_pattern_is_a_key_range_without_count() {
    let q = ListQuery {
        conditions: vec![Condition {
            field: ListField::Id,
            op: Op::Gt,
            operand: Operand::One(Scalar::Int(950)),
        }],
        order: vec![SortKey {
            field: ListField::Id,
            descending: false,
        }],
        page: Page::NoCount,
    };
    let (page, count) = statements(CrmEntityType::Deal, &q, &Visibility::Everything);
    assert!(count.is_none());
    assert_eq!(
        page.sql,
        "SELECT r.id, r.title, r.assigned_by_id, r.opened FROM crm_records r \
         WHERE r.entity_type = $1 AND r.id > $2 ORDER BY r.id ASC LIMIT $3 OFFSET $4"
    );
    assert_eq!(
        page.binds,
        vec![
            Bind::Text("deal".into()),
            Bind::Int(950),
            Bind::Int(50),
            Bind::Int(0)
        ]
    );
}

#[test]
fn like_escapes_wildcards_of_a_substring_search() {
    assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
}

#[test]
fn every_sample_has_a_name() {
    let samples = catalog_samples();
    assert!(samples.len() >= 6);
    assert!(samples
        .iter()
        .all(|(name, sql)| !name.is_empty() && sql.starts_with("SELECT")));
}
