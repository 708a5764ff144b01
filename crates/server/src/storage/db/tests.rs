//! The query API against a real SQLite file: every parameter kind round-trips, and a
//! transaction dropped without commit leaves nothing behind. (PostgreSQL runs the same API
//! under the whole api suite with `OPENLINES_TEST_BACKEND=postgres`.)

use super::*;
use crate::storage::{Store, StoreOptions};

async fn store(dir: &tempfile::TempDir) -> Store {
    let path = dir.path().join("db.sqlite");
    let store = Store::open(&StoreOptions::new(path.to_string_lossy()))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    store
}

/// One column of each kind [`Arg`] binds, read back.
type AllKinds = (
    i64,
    Option<i64>,
    Option<i64>,
    bool,
    Option<bool>,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Every parameter kind read back, and a statement with more parameters than are kept inline.
async fn round_trip(store: &Store) {
    let owned = String::from("owned");
    let row: AllKinds = query("SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9")
        .bind(7_i64)
        .bind(Some(8_i64))
        .bind(None::<i64>)
        .bind(true)
        .bind(None::<bool>)
        .bind("text")
        .bind(&owned)
        .bind(Some("some"))
        .bind(None::<&str>)
        .fetch_one(store.db())
        .await
        .expect("select");
    assert_eq!(
        row,
        (
            7,
            Some(8),
            None,
            true,
            None,
            "text".to_owned(),
            "owned".to_owned(),
            Some("some".to_owned()),
            None
        )
    );
    let many: i64 =
        query("SELECT $1 + $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 + $10 + $11 + $12 + $13 + $14")
            .bind_all((1..=14).map(Arg::Int))
            .fetch_scalar(store.db())
            .await
            .expect("spilled arguments");
    assert_eq!(many, 105);
}

#[tokio::test]
async fn every_argument_kind_round_trips_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    round_trip(&store(&dir).await).await;
}

/// The same on PostgreSQL, which types each parameter by the Rust type bound (no table
/// needed, so no schema of its own). Runs when `OPENLINES_TEST_POSTGRES` names a server.
#[tokio::test]
async fn every_argument_kind_round_trips_on_postgres() {
    let Ok(url) = std::env::var("OPENLINES_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("OPENLINES_REQUIRE_SERVICES").is_none(),
            "OPENLINES_REQUIRE_SERVICES is set but OPENLINES_TEST_POSTGRES is not"
        );
        return;
    };
    let store = Store::open(&StoreOptions::new(url)).await.expect("connect");
    assert_eq!(store.db().engine(), Engine::Postgres);
    round_trip(&store).await;
    store.close().await;
}

#[tokio::test]
async fn a_transaction_commits_or_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(&dir).await;
    let insert = "INSERT INTO app_options (client_id, name, value) VALUES ($1, $2, '1')";
    let count = "SELECT COUNT(*) FROM app_options WHERE client_id = 'app'";

    let mut tx = store.db().begin_write().await.expect("begin");
    assert_eq!(tx.engine(), Engine::Sqlite);
    let changed = query(insert)
        .bind("app")
        .bind("dropped")
        .execute(&mut tx)
        .await
        .expect("insert");
    assert_eq!(changed, 1);
    drop(tx);
    let rows: i64 = query(count).fetch_scalar(store.db()).await.expect("count");
    assert_eq!(rows, 0);

    let mut tx = store.db().begin_write().await.expect("begin");
    query(insert)
        .bind("app")
        .bind("kept")
        .execute(&mut tx)
        .await
        .expect("insert");
    let inside: Vec<(String,)> = query("SELECT name FROM app_options WHERE client_id = $1")
        .bind("app")
        .fetch_all(&mut tx)
        .await
        .expect("read in tx");
    assert_eq!(inside, vec![("kept".to_owned(),)]);
    tx.commit().await.expect("commit");
    let names: Vec<String> = query("SELECT name FROM app_options WHERE client_id = $1")
        .bind("app")
        .fetch_scalars(store.db())
        .await
        .expect("read");
    assert_eq!(names, vec!["kept".to_owned()]);
    let missing: Option<(i64,)> = query("SELECT 1 FROM app_options WHERE client_id = $1")
        .bind("nobody")
        .fetch_optional(store.db())
        .await
        .expect("optional");
    assert_eq!(missing, None);
}
