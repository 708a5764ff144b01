use super::*;
use serde_json::json;

fn params(value: Value) -> Params {
    match value {
        Value::Object(map) => map,
        _ => Params::new(),
    }
}

#[test]
fn upper_naming_reads_every_prefix_and_ignores_unknown_fields() {
    let p = params(json!({
        "FILTER": {">=id": "10", "!@ASSIGNED_BY_ID": ["1", 2], "%title": "web", "STAGE_ID": "NEW"},
        "order": {"title": "desc", "NOPE": "ASC", "ID": "sideways"},
        "start": "50"
    }));
    let query = list_query(&p, CrmEntityType::Deal, Naming::Upper).unwrap();
    assert_eq!(
        query.conditions,
        vec![
            Condition {
                field: ListField::Id,
                op: Op::Ge,
                operand: Operand::One(Scalar::Int(10))
            },
            Condition {
                field: ListField::AssignedById,
                op: Op::NotIn,
                operand: Operand::Many(vec![Scalar::Int(1), Scalar::Int(2)])
            },
            Condition {
                field: ListField::Title,
                op: Op::Contains,
                operand: Operand::One(Scalar::Text("web".into()))
            },
        ]
    );
    assert_eq!(
        query.order,
        vec![
            SortKey {
                field: ListField::Title,
                descending: true
            },
            SortKey {
                field: ListField::Id,
                descending: false
            }
        ]
    );
    assert_eq!(query.page, Page::Offset(50));
}

#[test]
fn contacts_filter_by_name_not_title() {
    let p = params(json!({"filter": {"NAME": "Maria", "TITLE": "x"}}));
    let query = list_query(&p, CrmEntityType::Contact, Naming::Upper).unwrap();
    assert_eq!(query.conditions.len(), 1);
    assert_eq!(query.conditions[0].field, ListField::Title);
}

#[test]
fn start_minus_one_turns_counting_off() {
    for (start, page) in [
        (json!(-1), Page::NoCount),
        (json!("-1"), Page::NoCount),
        (json!(-7), Page::Offset(0)),
        (json!("abc"), Page::Offset(0)),
        (json!(100), Page::Offset(100)),
    ] {
        let p = params(json!({ "start": start }));
        assert_eq!(
            list_query(&p, CrmEntityType::Lead, Naming::Upper)
                .unwrap()
                .page,
            page
        );
    }
}

#[test]
fn non_arrays_are_refused() {
    let p = params(json!({"filter": "ID=1"}));
    assert_eq!(
        list_query(&p, CrmEntityType::Lead, Naming::Upper),
        Err(ListParamError::FilterNotArray)
    );
    let p = params(json!({"order": "ID"}));
    assert_eq!(
        list_query(&p, CrmEntityType::Lead, Naming::Upper),
        Err(ListParamError::OrderNotArray)
    );
}

#[test]
fn camel_naming_refuses_what_it_does_not_know() {
    let refuse = |value: Value| list_query(&params(value), CrmEntityType::Deal, Naming::Camel);
    assert_eq!(
        refuse(json!({"filter": {"stageId": "NEW"}})),
        Err(ListParamError::FilterField("stageId".into()))
    );
    assert_eq!(
        refuse(json!({"filter": {">id": "many"}})),
        Err(ListParamError::FilterValue("id".into()))
    );
    assert_eq!(
        refuse(json!({"order": {"stageId": "ASC"}})),
        Err(ListParamError::OrderField("stageId".into()))
    );
    assert_eq!(
        refuse(json!({"order": {"id": "UP"}})),
        Err(ListParamError::OrderDirection("UP".into(), "id".into()))
    );
}

#[test]
fn select_keeps_known_fields_and_always_the_id() {
    let pick = |value: Value| selected(&params(value), CrmEntityType::Deal, Naming::Upper);
    assert_eq!(pick(json!({})), FIELDS.to_vec());
    assert_eq!(pick(json!({"select": ["*", "UF_*"]})), FIELDS.to_vec());
    assert_eq!(
        pick(json!({"select": ["OPENED", "STAGE_ID"]})),
        vec![ListField::Id, ListField::Opened]
    );
    assert_eq!(pick(json!({"select": ["STAGE_ID"]})), vec![ListField::Id]);
}

#[test]
fn opened_values_read_as_y_or_n() {
    let p = params(json!({"filter": {"OPENED": true, "!OPENED": "n"}}));
    let query = list_query(&p, CrmEntityType::Deal, Naming::Upper).unwrap();
    assert_eq!(
        query.conditions[0].operand,
        Operand::One(Scalar::Text("Y".into()))
    );
    assert_eq!(
        query.conditions[1].operand,
        Operand::One(Scalar::Text("N".into()))
    );
}
