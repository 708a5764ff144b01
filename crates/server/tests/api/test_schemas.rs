//! The names of the tests' PostgreSQL schemas, and the sweep `.ci/run` uses to clean them up:
//! a run drops its own schemas and a killed run's old ones, never those of a run still going
//! on the same server.

use crate::services::{self, run_part, PgSchema};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor, Row};

#[test]
fn the_run_part_is_the_start_time_unless_ci_names_the_run() {
    assert_eq!(run_part(None, 1_796_000_000), "1796000000");
    assert_eq!(run_part(Some(""), 1_796_000_000), "1796000000");
    assert_eq!(
        run_part(Some("1796000000r4242"), 5),
        "1796000000r4242",
        "the run id .ci/run sets is used as it is"
    );
}

#[test]
#[should_panic(expected = "OPENLINES_TEST_RUN")]
fn a_run_id_postgres_would_fold_is_refused() {
    run_part(Some("1796000000R4242"), 5);
}

#[test]
#[should_panic(expected = "OPENLINES_TEST_RUN")]
fn a_run_id_without_its_start_time_is_refused() {
    run_part(Some("ci42"), 5);
}

#[tokio::test]
async fn a_schema_is_named_after_its_run() {
    let Some(schema) = PgSchema::create().await else {
        return;
    };
    let prefix = format!("t_{}_", services::schema_run());
    let random = schema.name.strip_prefix(&prefix).unwrap_or_else(|| {
        panic!("{} does not start with {prefix}", schema.name);
    });
    assert_eq!(random.len(), 16, "{}", schema.name);
    assert!(random
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
}

/// Runs the query of `.ci/sweep-test-schemas.sql` (psql's `:'run'` and `:max_age` bound as
/// parameters) and returns the statements it would execute.
async fn sweep(admin: &mut PgConnection, run: &str, max_age: i64) -> Vec<String> {
    let script = include_str!("../../../../.ci/sweep-test-schemas.sql");
    let query: String = script
        .lines()
        .filter(|line| !line.starts_with("--") && !line.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(":'run'", "$1::text")
        .replace(":max_age", "$2::bigint");
    let rows = sqlx::query(&query)
        .bind(run)
        .bind(max_age)
        .fetch_all(&mut *admin)
        .await
        .unwrap_or_else(|error| panic!("the sweep query fails: {error}\n{query}"));
    rows.iter().map(|row| row.get::<String, _>(0)).collect()
}

#[tokio::test]
async fn the_ci_sweep_drops_its_own_and_stale_schemas_only() {
    let url = services::postgres_url();
    let mut admin = match PgConnection::connect(&url).await {
        Ok(admin) => admin,
        Err(error) => return services::absent("PostgreSQL", &url, &error).unwrap_or(()),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or_default();
    let tag = format!("{:04x}", rand::random::<u16>());
    let name =
        |start: u64, run: &str| format!("t_{start:010}{run}{tag}_{:016x}", rand::random::<u64>());
    let mine = name(now, "mine");
    let live = name(now - 60, "live");
    let killed = name(now - 86_400, "killed");
    let old_form = format!("t_{:016x}", rand::random::<u64>());
    let created = [&mine, &live, &killed, &old_form];
    for schema in created {
        admin
            .execute(format!("CREATE SCHEMA {schema}").as_str())
            .await
            .unwrap_or_else(|error| panic!("CREATE SCHEMA {schema}: {error}"));
    }

    let my_run = format!("{now:010}mine{tag}");
    let at_the_end = sweep(&mut admin, &my_run, 12 * 3600).await;
    let at_the_start = sweep(&mut admin, "", 12 * 3600).await;

    for schema in created {
        let _ = admin
            .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
            .await;
    }
    let drops = |list: &[String], schema: &str| {
        list.contains(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
    };
    assert!(drops(&at_the_end, &mine), "its own: {at_the_end:?}");
    assert!(
        drops(&at_the_end, &killed),
        "a killed run's: {at_the_end:?}"
    );
    assert!(!drops(&at_the_end, &live), "a live run's: {at_the_end:?}");
    assert!(
        !drops(&at_the_end, &old_form),
        "not ours to judge: {at_the_end:?}"
    );
    assert!(drops(&at_the_start, &killed), "{at_the_start:?}");
    assert!(
        !drops(&at_the_start, &mine),
        "young, so kept: {at_the_start:?}"
    );
    assert!(!drops(&at_the_start, &live), "{at_the_start:?}");
}
