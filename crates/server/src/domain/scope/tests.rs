use super::*;

#[test]
fn lists_round_trip() {
    let scopes = parse_scope_list("imopenlines, crm,imopenlines").unwrap();
    assert_eq!(scopes, vec![Scope::Imopenlines, Scope::Crm]);
    assert_eq!(format_scope_list(&scopes), "imopenlines,crm");
    assert!(parse_scope_list("imopenlines,tasks").is_err());
    assert_eq!(parse_scope_list("").unwrap(), vec![]);
}
