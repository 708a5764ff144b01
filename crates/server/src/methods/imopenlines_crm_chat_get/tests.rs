use super::*;

fn params(value: Value) -> Params {
    match value {
        Value::Object(map) => map,
        _ => Params::new(),
    }
}

fn error_of(value: Value) -> String {
    parse(&params(value)).unwrap_err().description().to_owned()
}

#[test]
fn checks_run_in_the_portal_order() {
    assert_eq!(
        error_of(json!({})),
        "Argument 'CRM_ENTITY_TYPE' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY": 5})),
        "Argument 'CRM_ENTITY_TYPE' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY_TYPE": "lead"})),
        "Argument 'CRM_ENTITY' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "0"})),
        "Argument 'CRM_ENTITY' is null or empty"
    );
    assert_eq!(
        error_of(json!({"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": -3})),
        "The value of an argument 'CRM_ENTITY' has an invalid type"
    );
}

#[test]
fn only_exact_n_lists_everything() {
    for (flag, expected) in [
        (json!("N"), SessionFilter::All),
        (json!("n"), SessionFilter::ActiveOnly),
        (json!(false), SessionFilter::ActiveOnly),
        (json!("Y"), SessionFilter::ActiveOnly),
    ] {
        let parsed = parse(&params(
            json!({"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":"288","ACTIVE_ONLY":flag}),
        ))
        .unwrap();
        assert_eq!(parsed.filter, expected);
    }
}
