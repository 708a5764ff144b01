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

/// A request on one snapshot reads one state of the file from its first read to its end, its
/// memo included, and gives its connection back; the next request sees the write.
#[tokio::test]
async fn a_snapshot_reads_one_state_and_the_next_request_sees_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let writer = Connection::open(&path).unwrap();
    writer
        .execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE k (id TEXT, title TEXT);
             INSERT INTO k VALUES ('x', 'X');",
        )
        .unwrap();
    let reader = Arc::new(SqliteReader::new(&path));
    const TITLES: &str = "SELECT title FROM k WHERE id = $1";
    const COUNT: &str = "SELECT COUNT(*) FROM k";
    let read = |reader: &SqliteReader| {
        let titles = reader.fetch_all_memo::<(String,)>(TITLES, &[&"x"]).unwrap();
        let count = reader
            .fetch_optional::<(i64,)>(COUNT, &[])
            .unwrap()
            .unwrap()
            .0;
        (titles[0].0.clone(), count)
    };
    let during = on_one_snapshot(Arc::clone(&reader), async {
        let first = read(&reader);
        writer
            .execute_batch("UPDATE k SET title = 'renamed'; INSERT INTO k VALUES ('y', 'Y');")
            .unwrap();
        let second = read(&reader);
        (first, second)
    })
    .await;
    assert_eq!(during.0, ("X".to_owned(), 1));
    assert_eq!(
        during.1,
        ("X".to_owned(), 1),
        "one snapshot for the whole request"
    );
    // The snapshot's connection went back to the pool with its transaction ended: the next
    // read, inside a snapshot or not, sees the write.
    assert_eq!(reader.idle.lock().unwrap().len(), 1);
    assert_eq!(read(&reader), ("renamed".to_owned(), 2));
    let next = on_one_snapshot(Arc::clone(&reader), async { read(&reader) }).await;
    assert_eq!(next, ("renamed".to_owned(), 2));
}

/// A snapshot on one reader leaves the reads of another reader alone.
#[tokio::test]
async fn a_snapshot_belongs_to_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one.db"), dir.path().join("two.db"));
    for (path, value) in [(&one, 1), (&two, 2)] {
        Connection::open(path)
            .unwrap()
            .execute_batch(&format!(
                "PRAGMA journal_mode=WAL; CREATE TABLE t (a INTEGER); INSERT INTO t VALUES ({value});"
            ))
            .unwrap();
    }
    let (first, second) = (Arc::new(SqliteReader::new(&one)), SqliteReader::new(&two));
    let values = on_one_snapshot(Arc::clone(&first), async {
        let a = first
            .fetch_optional::<(i64,)>("SELECT a FROM t", &[])
            .unwrap()
            .unwrap()
            .0;
        let b = second
            .fetch_optional::<(i64,)>("SELECT a FROM t", &[])
            .unwrap()
            .unwrap()
            .0;
        (a, b)
    })
    .await;
    assert_eq!(values, (1, 2));
}
