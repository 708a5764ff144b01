use super::*;

#[test]
fn binds_numbered_parameters_by_name_whatever_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let setup = Connection::open(&path).unwrap();
    setup
        .execute_batch(
            "CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y');",
        )
        .unwrap();
    let reader = SqliteReader::new(&path);
    let rows: Vec<(i64, String)> = reader
        .fetch_all(
            "SELECT a, b FROM t WHERE b = $2 AND a = $1",
            &[&2_i64, &"y"],
        )
        .unwrap();
    assert_eq!(rows, vec![(2, "y".to_owned())]);
    let none: Option<(i64,)> = reader
        .fetch_optional("SELECT a FROM t WHERE a = $1", &[&7_i64])
        .unwrap();
    assert_eq!(none, None);
}

#[test]
fn sees_writes_committed_through_another_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (a INTEGER);")
        .unwrap();
    let reader = SqliteReader::new(&path);
    let count = |reader: &SqliteReader| {
        reader
            .fetch_optional::<(i64,)>("SELECT COUNT(*) FROM t", &[])
            .unwrap()
            .unwrap()
            .0
    };
    assert_eq!(count(&reader), 0);
    writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
    assert_eq!(count(&reader), 1);
}

#[test]
fn remembered_rows_are_read_again_after_any_write_by_another_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE k (id TEXT, title TEXT);
             CREATE TABLE other (a INTEGER); INSERT INTO k VALUES ('x', 'X');",
        )
        .unwrap();
    let reader = SqliteReader::new(&path);
    const TITLES: &str = "SELECT title FROM k WHERE id = $1";
    let titles = |reader: &SqliteReader, id: &str| -> Vec<String> {
        let rows = reader.fetch_all_memo::<(String,)>(TITLES, &[&id]).unwrap();
        rows.iter().map(|(title,)| title.clone()).collect()
    };
    assert_eq!(titles(&reader, "x"), ["X"]);
    assert_eq!(titles(&reader, "y"), Vec::<String>::new());
    // Remembered: the very same rows come back while nothing is written.
    let first = reader.fetch_all_memo::<(String,)>(TITLES, &[&"x"]).unwrap();
    let again = reader.fetch_all_memo::<(String,)>(TITLES, &[&"x"]).unwrap();
    assert!(Arc::ptr_eq(&first, &again));

    writer
        .execute("UPDATE k SET title = 'renamed'", [])
        .unwrap();
    assert_eq!(titles(&reader, "x"), ["renamed"]);
    writer
        .execute("INSERT INTO k VALUES ('y', 'Y')", [])
        .unwrap();
    assert_eq!(titles(&reader, "y"), ["Y"]);
    // A write to any table forgets everything: the memo does not know what a row depends on.
    let before = reader.fetch_all_memo::<(String,)>(TITLES, &[&"x"]).unwrap();
    writer.execute("INSERT INTO other VALUES (1)", []).unwrap();
    let after = reader.fetch_all_memo::<(String,)>(TITLES, &[&"x"]).unwrap();
    assert!(!Arc::ptr_eq(&before, &after));
    assert_eq!(*after, vec![("renamed".to_owned(),)]);
}

#[test]
fn refuses_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (a INTEGER);")
        .unwrap();
    let reader = SqliteReader::new(&path);
    let err = reader
        .fetch_all::<(i64,)>("INSERT INTO t VALUES (1) RETURNING a", &[])
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
}
