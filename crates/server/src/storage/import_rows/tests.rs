use super::*;

const SHAPE: RowsSql = RowsSql {
    head: "INSERT INTO t (id, a, b) VALUES",
    row: "($1, COALESCE($2, 'x'), COALESCE(CAST($3 AS BIGINT), $1))",
    params: 3,
    conflict: "ON CONFLICT (id)",
    always: &[],
    optional: &["a = excluded.a", "b = excluded.b"],
};

#[test]
fn rows_are_renumbered_in_order() {
    assert_eq!(
        SHAPE.sql(2, 0b11, StatementSize::Postgres),
        "INSERT INTO t (id, a, b) VALUES ($1, COALESCE($2, 'x'), COALESCE(CAST($3 AS BIGINT), $1)), \
         ($4, COALESCE($5, 'x'), COALESCE(CAST($6 AS BIGINT), $4)) \
         ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b"
    );
}

#[test]
fn sqlite_rows_take_anonymous_placeholders_and_values_in_their_order() {
    assert_eq!(
        SHAPE.sql(2, 0, StatementSize::Sqlite),
        "INSERT INTO t (id, a, b) VALUES (?, COALESCE(?, 'x'), COALESCE(CAST(? AS BIGINT), ?)), \
         (?, COALESCE(?, 'x'), COALESCE(CAST(? AS BIGINT), ?)) ON CONFLICT (id) DO NOTHING"
    );
    let mut batch = Batch::new(&SHAPE, StatementSize::Sqlite);
    let row = |id: i64| vec![Value::Int(Some(id)), "a".into(), Value::Int(None)];
    assert!(batch.push(Some(key_of(&1)), 0, 1, row(1)).is_empty());
    assert!(batch.push(Some(key_of(&2)), 0, 2, row(2)).is_empty());
    let sent = batch.drain();
    // `$1` appears twice in a row, so each row binds its id twice: first and last.
    let expected: Vec<Value> = [1, 2]
        .into_iter()
        .flat_map(|id| {
            [
                Value::Int(Some(id)),
                "a".into(),
                Value::Int(None),
                Value::Int(Some(id)),
            ]
        })
        .collect();
    assert_eq!(sent[0].values, expected);
}

#[test]
fn only_given_optional_values_are_updated() {
    assert!(SHAPE
        .sql(1, 0b10, StatementSize::Postgres)
        .ends_with("DO UPDATE SET b = excluded.b"));
    assert!(SHAPE
        .sql(1, 0, StatementSize::Postgres)
        .ends_with("ON CONFLICT (id) DO NOTHING"));
}

#[test]
fn a_plain_insert_has_no_conflict_clause() {
    let plain = RowsSql {
        conflict: "",
        ..SHAPE
    };
    assert!(plain.sql(1, 0, StatementSize::Postgres).ends_with("$1))"));
}

#[test]
fn rows_group_by_mask_and_a_full_group_comes_out() {
    static SMALL: RowsSql = RowsSql {
        params: 4_000,
        ..SHAPE
    };
    let mut batch = Batch::new(&SMALL, StatementSize::Postgres);
    assert_eq!(batch.full, 2);
    let row = || vec![Value::Int(Some(1)); 4_000];
    assert!(batch.push(Some(key_of(&1)), 0, 10, row()).is_empty());
    assert!(batch.push(Some(key_of(&2)), 1, 11, row()).is_empty());
    let full = batch.push(Some(key_of(&3)), 0, 12, row());
    assert_eq!(full.len(), 1);
    assert_eq!((full[0].first_line, full[0].last_line), (10, 12));
    assert!(full[0].persistent);
    let rest = batch.drain();
    assert_eq!(rest.len(), 1);
    assert_eq!((rest[0].first_line, rest[0].last_line), (11, 11));
    assert!(!rest[0].persistent);
    assert!(batch.drain().is_empty());
}

/// A full statement's text is built once per mask and kept ([`Batch::full_sql`]): each mask's
/// full groups still get that mask's own `SET` clause.
#[test]
fn each_mask_keeps_its_own_full_statement() {
    static SMALL: RowsSql = RowsSql {
        params: 2_000,
        ..SHAPE
    };
    let mut batch = Batch::new(&SMALL, StatementSize::Sqlite);
    assert_eq!(batch.full, 2);
    let row = || vec![Value::Int(Some(1)); 2_000];
    let mut sent = Vec::new();
    for (line, mask) in [
        (1, 0b01),
        (2, 0b10),
        (3, 0b01),
        (4, 0b10),
        (5, 0b01),
        (6, 0b01),
    ] {
        sent.extend(batch.push(None, mask, line, row()));
    }
    let texts: Vec<(i64, &str)> = sent
        .iter()
        .map(|ready| (ready.first_line, &*ready.sql))
        .collect();
    let full = |mask| SMALL.sql(2, mask, StatementSize::Sqlite);
    assert_eq!(
        texts,
        [(1, &*full(0b01)), (2, &*full(0b10)), (5, &*full(0b01))]
    );
    assert!(
        Arc::ptr_eq(&sent[0].sql, &sent[2].sql),
        "built once, then reused"
    );
}

#[test]
fn a_key_that_already_waits_sends_everything_waiting_first() {
    let mut batch = Batch::new(&SHAPE, StatementSize::Postgres);
    let row = || vec![Value::Int(Some(1)); 3];
    assert!(batch.push(Some(key_of(&1)), 0, 10, row()).is_empty());
    assert!(batch.push(Some(key_of(&2)), 0b01, 11, row()).is_empty());
    assert!(batch.push(None, 0, 12, row()).is_empty());
    // Key 1 again: both groups go out before it, and it waits alone.
    let sent = batch.push(Some(key_of(&1)), 0, 13, row());
    let lines: Vec<(i64, i64)> = sent.iter().map(|r| (r.first_line, r.last_line)).collect();
    assert_eq!(lines, [(10, 12), (11, 11)]);
    let rest = batch.drain();
    assert_eq!(rest.len(), 1);
    assert_eq!((rest[0].first_line, rest[0].last_line), (13, 13));
}
