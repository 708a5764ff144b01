use super::*;
use crate::storage::import_sql::{CHATS, SESSIONS, SHORTHAND_SESSIONS};

#[test]
fn a_plain_upsert_becomes_a_copy_of_the_same_columns() {
    let copy = CopySql::of(&CHATS).expect("chats are plain values");
    assert_eq!(
        copy.statement,
        "COPY chats (id, connector_id, line_id, title, external_chat_id, external_user_id) FROM STDIN"
    );
}

#[test]
fn a_row_of_nulls_and_repeated_parameters_is_copied_as_written() {
    let copy = CopySql::of(&SHORTHAND_SESSIONS).expect("plain values and NULL");
    let mut out = Vec::new();
    let values: Vec<Value> = vec![7.into(), 70.into(), 20.into(), 1_700_000_000.into()];
    copy.encode(&values, &mut out);
    // id, chat_id, status, operator_id, created_at, modified_at, shorthand_chat_id
    assert_eq!(out, b"7\t70\t20\t\\N\t1700000000\t1700000000\t70\n");
}

#[test]
fn a_row_with_expressions_stays_an_upsert() {
    assert_eq!(CopySql::of(&SESSIONS), None);
}

#[test]
fn text_is_escaped_and_missing_values_are_null() {
    let copy = CopySql::of(&CHATS).expect("chats are plain values");
    let mut out = Vec::new();
    let values: Vec<Value> = vec![
        1.into(),
        "tele\tgram".into(),
        Value::Int(None),
        "line one\nline two\r\\ end ünï".into(),
        Value::Text(None),
        "".into(),
    ];
    copy.encode(&values, &mut out);
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "1\ttele\\tgram\t\\N\tline one\\nline two\\r\\\\ end ünï\t\\N\t\n"
    );
}

#[test]
fn an_id_is_copied_the_first_time_only_and_only_into_an_empty_table() {
    let mut copy = CopyIn::new(true, false);
    assert!(copy.fresh_chat(5));
    assert!(
        !copy.fresh_chat(5),
        "the second line for chat 5 must upsert"
    );
    assert!(copy.fresh_chat(6));
    assert!(
        !copy.fresh_crm("deal", 1),
        "crm_records held rows: every record upserts"
    );
    let mut copy = CopyIn::new(false, true);
    assert!(!copy.fresh_chat(5));
    assert!(copy.fresh_crm("deal", 1));
    assert!(copy.fresh_crm("lead", 1), "each type has its own ids");
    assert!(!copy.fresh_crm("deal", 1));
    assert!(
        !copy.fresh_crm("quote", 1),
        "an unknown type is never copied"
    );
}

#[test]
fn a_full_bitmap_sends_new_ids_as_upserts() {
    let mut sent = IdBitmap::with_max_blocks(1);
    assert!(first_time(&mut sent, 1));
    assert!(first_time(&mut sent, 2), "same block");
    assert!(
        !first_time(&mut sent, 1_000_000),
        "no room for a second block"
    );
    assert!(!first_time(&mut sent, 1_000_000), "and still none later");
}

#[test]
fn rows_wait_per_table_and_are_taken_with_their_lines() {
    let mut copy = CopyIn::new(true, true);
    let values: Vec<Value> = vec![7.into(), 70.into(), 20.into(), 1.into()];
    assert!(copy.push(Table::ShorthandSessions, 3, &values));
    assert!(copy.push(Table::ShorthandSessions, 9, &values));
    assert!(
        !copy.push(Table::Sessions, 10, &vec![Value::Int(None); 7]),
        "sessions are not copied"
    );
    assert!(!copy.due(Table::ShorthandSessions));
    assert_eq!(copy.waiting_tables(), vec![Table::ShorthandSessions]);
    let rows = copy.take(Table::ShorthandSessions).expect("two rows wait");
    assert_eq!((rows.first_line, rows.last_line), (3, 9));
    assert_eq!(rows.data.iter().filter(|&&byte| byte == b'\n').count(), 2);
    assert!(copy.take(Table::ShorthandSessions).is_none());
    assert!(copy.waiting_tables().is_empty());
}
