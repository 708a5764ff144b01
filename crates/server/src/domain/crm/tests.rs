use super::*;

#[test]
fn entity_type_ignores_case() {
    for text in ["lead", "LEAD", "Lead", "lEaD"] {
        assert_eq!(text.parse(), Ok(CrmEntityType::Lead));
    }
    assert!("invoice".parse::<CrmEntityType>().is_err());
    assert!("".parse::<CrmEntityType>().is_err());
}

#[test]
fn entity_ids_are_positive() {
    assert!(CrmEntityId::new(0).is_none());
    assert!(CrmEntityId::new(-3).is_none());
    assert_eq!(CrmEntityId::new(12).map(CrmEntityId::get), Some(12));
}
