use super::*;
use serde_json::json;

fn params(value: Value) -> Params {
    serde_json::from_value(value).unwrap()
}

fn id(n: i64) -> CrmEntityId {
    CrmEntityId::new(n).unwrap()
}

#[test]
fn positive_id_takes_php_numbers_above_zero_only() {
    assert_eq!(positive_id(&json!("7"), "X").unwrap(), 7);
    assert_eq!(positive_id(&json!(1), "X").unwrap(), 1);
    assert_eq!(positive_id(&json!(" 42 "), "X").unwrap(), 42);
    for refused in [json!(0), json!("0"), json!(-5), json!("abc"), json!(null)] {
        let error = positive_id(&refused, "CHAT_ID").unwrap_err();
        assert_eq!(
            error.description(),
            "The value of an argument 'CHAT_ID' has an invalid type",
            "{refused}"
        );
    }
}

#[test]
fn crm_record_reads_the_type_and_a_positive_id() {
    assert_eq!(
        crm_record(&params(
            json!({"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": "288"})
        ))
        .unwrap(),
        (Some(CrmEntityType::Deal), id(288))
    );
    // An unknown type is no type (it finds nothing), not an error.
    assert_eq!(
        crm_record(&params(
            json!({"CRM_ENTITY_TYPE": "quote", "CRM_ENTITY": 3})
        ))
        .unwrap(),
        (None, id(3))
    );
    let error = crm_record(&params(
        json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "-1"}),
    ))
    .unwrap_err();
    assert_eq!(
        error.description(),
        "The value of an argument 'CRM_ENTITY' has an invalid type"
    );
}

#[test]
fn either_empty_crm_parameter_counts_as_empty() {
    let empty = |value| crm_params_empty(&params(value));
    assert!(!empty(
        json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "5"})
    ));
    assert!(empty(json!({"CRM_ENTITY_TYPE": "lead"})));
    assert!(empty(json!({"CRM_ENTITY": "5"})));
    assert!(empty(json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "0"})));
    assert!(empty(json!({})));
}

#[test]
fn record_ref_needs_one_of_the_four_types() {
    assert_eq!(
        record_ref(Some(CrmEntityType::Company), id(9)),
        Some(CrmRef {
            entity_type: CrmEntityType::Company,
            id: id(9)
        })
    );
    assert_eq!(record_ref(None, id(9)), None);
}
