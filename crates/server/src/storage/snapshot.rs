//! Whole-database snapshots, for `POST /_openlines/admin/reset` and named snapshots.
//!
//! A snapshot is every row of every data table, held in memory as one JSON array per table.
//! The tables and their columns are read from the database's own catalog, not from a list in
//! the code, so a table or column added by a later migration is covered without a change
//! here. Restoring empties every data table and writes the snapshot's rows back, in one
//! transaction: a failure leaves the data as it was, and no request sees a half-restored
//! database.
//!
//! The JSON is made and read by the engine itself (`json_group_array` / `json_each` on
//! SQLite, `json_agg` / `json_populate_recordset` on PostgreSQL), so no row passes through
//! Rust types that would need to know each column's type.
//!
//! Table and column names are spliced into the statement templates below. They come only
//! from the database catalog, never from a request, and are quoted as identifiers anyway.

use super::db::{query, Engine, Tx};
use super::{Store, StoreError};

/// SQLite: the data tables (its own `sqlite_*` tables and sqlx's migration table left out).
pub const SQLITE_DATA_TABLES: &str = "SELECT name FROM sqlite_master
     WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'
     ORDER BY name";
/// SQLite: the columns of table `$1`, in order.
pub const SQLITE_COLUMNS: &str = "SELECT name FROM pragma_table_info($1) ORDER BY cid";
/// SQLite: every row of `{table}` as one JSON array of objects (`{pairs}`: `'col', "col", …`).
pub const SQLITE_ROWS_AS_JSON: &str =
    "SELECT COALESCE(json_group_array(json_object({pairs})), '[]') FROM {table}";
/// SQLite: writes the rows of the JSON array `$1` into `{table}` (`{values}`: one
/// `json_extract(value, '$."col"')` per column).
pub const SQLITE_INSERT_FROM_JSON: &str =
    "INSERT INTO {table} ({columns}) SELECT {values} FROM json_each($1)";
/// Both engines: empties `{table}`.
pub const DELETE_ALL: &str = "DELETE FROM {table}";

/// PostgreSQL: the data tables of the current schema (sqlx's migration table left out).
pub const POSTGRES_DATA_TABLES: &str = "SELECT table_name::text FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND table_name <> '_sqlx_migrations'
     ORDER BY table_name";
/// PostgreSQL: the columns of table `$1` of the current schema, in order.
pub const POSTGRES_COLUMNS: &str = "SELECT column_name::text FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1
     ORDER BY ordinal_position";
/// PostgreSQL: every row of `{table}` as one JSON array of objects.
pub const POSTGRES_ROWS_AS_JSON: &str =
    "SELECT COALESCE(json_agg(t), '[]')::text FROM {table} AS t";
/// PostgreSQL: writes the rows of the JSON array `$1` into `{table}`. `OVERRIDING SYSTEM
/// VALUE` lets an identity column take the saved ids.
pub const POSTGRES_INSERT_FROM_JSON: &str =
    "INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE
     SELECT {columns} FROM json_populate_recordset(NULL::{table}, $1::json)";
/// PostgreSQL: holds back writes to every table of `{tables}` until the transaction ends
/// (reads go on), so a write that arrives during a restore lands after it instead of
/// slipping between the emptying and the refilling. SQLite's `BEGIN IMMEDIATE` does the
/// same. (`TRUNCATE` would lock too, but it swaps every table's files: 0.5 s for the
/// demo's seventeen small tables against milliseconds for `DELETE`; BENCHMARKS.md §5.)
pub const POSTGRES_LOCK_FOR_RESTORE: &str = "LOCK TABLE {tables} IN EXCLUSIVE MODE";

/// Both engines: the rows of `{table}`.
pub const COUNT_ROWS: &str = "SELECT COUNT(*) FROM {table}";
/// PostgreSQL: opens a read transaction in which every table is seen at the same moment.
pub const POSTGRES_BEGIN_CONSISTENT_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// SQLite: where each `AUTOINCREMENT` counter stands (see `super::ids`), as a JSON array.
pub const SQLITE_ID_POSITIONS: &str =
    "SELECT COALESCE(json_group_array(json_object('name', name, 'seq', seq)), '[]') FROM sqlite_sequence";
/// SQLite: puts the counters back where `$1` (from [`SQLITE_ID_POSITIONS`]) says; a counter
/// the snapshot did not know restarts above the table's largest id.
pub const SQLITE_SET_ID_POSITIONS: &str = "UPDATE sqlite_sequence SET seq = COALESCE(
         (SELECT json_extract(p.value, '$.seq') FROM json_each($1) p
          WHERE json_extract(p.value, '$.name') = sqlite_sequence.name), 0)";
/// PostgreSQL: where each sequence of the schema stands (`last` is NULL before its first use).
pub const POSTGRES_ID_POSITIONS: &str = "SELECT COALESCE(json_agg(json_build_object(
         'name', sequencename, 'last', last_value)), '[]')::text
     FROM pg_sequences WHERE schemaname = current_schema()";
/// PostgreSQL: puts each sequence of `$1` (from [`POSTGRES_ID_POSITIONS`]) back.
pub const POSTGRES_SET_ID_POSITIONS: &str = "SELECT setval(
         CAST(quote_ident(current_schema()) || '.' || quote_ident(p->>'name') AS regclass),
         COALESCE(CAST(p->>'last' AS BIGINT), 1), p->>'last' IS NOT NULL)
     FROM json_array_elements(CAST($1 AS json)) AS p";

/// The rows of one table.
#[derive(Debug, Clone)]
struct TableRows {
    table: String,
    columns: Vec<String>,
    /// A JSON array with one object per row, keyed by column name.
    rows: String,
}

/// Every data table's rows at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    tables: Vec<TableRows>,
    /// Where the id counters stood (a JSON array), so that a restore hands out the same
    /// ids again as the server did after the snapshot, and never one deleted before it.
    id_positions: String,
}

impl Snapshot {
    /// The tables it holds.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// Roughly how much memory it takes, in bytes.
    pub fn size_bytes(&self) -> usize {
        self.tables.iter().map(|table| table.rows.len()).sum()
    }
}

/// `"name"`, with embedded quotes doubled: an identifier in both engines.
fn quoted(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    out.push_str(&name.replace('"', "\"\""));
    out.push('"');
    out
}

/// `'name'`, a string literal in both engines.
fn literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// A template with its placeholders filled.
fn fill(template: &str, parts: &[(&str, &str)]) -> String {
    parts.iter().fold(template.to_owned(), |sql, (key, value)| {
        sql.replace(key, value)
    })
}

/// The template's statement for a table with these columns (also used by the catalog, which
/// prepares them for a real table).
pub fn filled(template: &str, table: &str, columns: &[String]) -> String {
    let names: Vec<String> = columns.iter().map(|column| quoted(column)).collect();
    let pairs: Vec<String> = columns
        .iter()
        .map(|column| format!("{}, {}", literal(column), quoted(column)))
        .collect();
    let values: Vec<String> = columns
        .iter()
        .map(|column| {
            let path = format!("$.\"{}\"", column.replace('"', "\\\""));
            format!("json_extract(value, {})", literal(&path))
        })
        .collect();
    fill(
        template,
        &[
            ("{pairs}", &pairs.join(", ")),
            ("{columns}", &names.join(", ")),
            ("{values}", &values.join(", ")),
            ("{tables}", &quoted(table)),
            ("{table}", &quoted(table)),
        ],
    )
}

/// The data tables and their columns.
async fn data_tables(tx: &mut Tx) -> Result<Vec<(String, Vec<String>)>, StoreError> {
    let (tables_sql, columns_sql) = tx.engine().pick(
        (SQLITE_DATA_TABLES, SQLITE_COLUMNS),
        (POSTGRES_DATA_TABLES, POSTGRES_COLUMNS),
    );
    let names: Vec<String> = query(tables_sql).fetch_scalars(&mut *tx).await?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        let columns: Vec<String> = query(columns_sql)
            .bind(&name)
            .fetch_scalars(&mut *tx)
            .await?;
        tables.push((name, columns));
    }
    Ok(tables)
}

impl Store {
    /// Every row of every data table, read in one transaction (one consistent moment).
    pub async fn take_snapshot(&self) -> Result<Snapshot, StoreError> {
        let mut tx = self.db().begin_read(POSTGRES_BEGIN_CONSISTENT_READ).await?;
        let rows_sql = tx.engine().pick(SQLITE_ROWS_AS_JSON, POSTGRES_ROWS_AS_JSON);
        let mut tables = Vec::new();
        for (table, columns) in data_tables(&mut tx).await? {
            let sql = filled(rows_sql, &table, &columns);
            let rows: String = query(&sql).fetch_scalar(&mut tx).await?;
            tables.push(TableRows {
                table,
                columns,
                rows,
            });
        }
        let positions_sql = tx.engine().pick(SQLITE_ID_POSITIONS, POSTGRES_ID_POSITIONS);
        let id_positions: String = query(positions_sql).fetch_scalar(&mut tx).await?;
        tx.commit().await?;
        Ok(Snapshot {
            tables,
            id_positions,
        })
    }

    /// Makes the data exactly `snapshot` again: every data table emptied (tables added since
    /// the snapshot too), then refilled, in one transaction.
    pub async fn restore_snapshot(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        let mut tx = self.db().begin_write().await?;
        let engine = tx.engine();
        let tables = data_tables(&mut tx).await?;
        if engine == Engine::Postgres && !tables.is_empty() {
            let list: Vec<String> = tables.iter().map(|(table, _)| quoted(table)).collect();
            let sql = fill(POSTGRES_LOCK_FOR_RESTORE, &[("{tables}", &list.join(", "))]);
            query(&sql).execute(&mut tx).await?;
        }
        for (table, columns) in &tables {
            query(&filled(DELETE_ALL, table, columns))
                .execute(&mut tx)
                .await?;
        }
        let insert_sql = engine.pick(SQLITE_INSERT_FROM_JSON, POSTGRES_INSERT_FROM_JSON);
        for saved in &snapshot.tables {
            // Only columns the table still has: a column dropped since is left out, and one
            // added since takes its default.
            let present = tables
                .iter()
                .find(|(table, _)| *table == saved.table)
                .map(|(_, columns)| columns);
            let Some(present) = present else {
                // The table is gone (a migration dropped it): nothing to put back.
                continue;
            };
            let columns: Vec<String> = saved
                .columns
                .iter()
                .filter(|column| present.contains(column))
                .cloned()
                .collect();
            if saved.rows == "[]" || columns.is_empty() {
                continue;
            }
            let sql = filled(insert_sql, &saved.table, &columns);
            query(&sql).bind(&saved.rows).execute(&mut tx).await?;
        }
        let set_positions = engine.pick(SQLITE_SET_ID_POSITIONS, POSTGRES_SET_ID_POSITIONS);
        query(set_positions)
            .bind(&snapshot.id_positions)
            .execute(&mut tx)
            .await?;
        tx.commit().await
    }

    /// The data tables that hold rows, with their row counts (what `serve --demo` reports
    /// when it finds a database that is not empty).
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut tx = self.db().begin_read(POSTGRES_BEGIN_CONSISTENT_READ).await?;
        let mut counts = Vec::new();
        for (table, columns) in data_tables(&mut tx).await? {
            let sql = filled(COUNT_ROWS, &table, &columns);
            let count: i64 = query(&sql).fetch_scalar(&mut tx).await?;
            if count > 0 {
                counts.push((table, count));
            }
        }
        tx.commit().await?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_identifiers_and_literals() {
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("it's"), "'it''s'");
        let columns = vec!["id".to_owned(), "title".to_owned()];
        assert_eq!(
            filled(SQLITE_INSERT_FROM_JSON, "chats", &columns),
            "INSERT INTO \"chats\" (\"id\", \"title\") SELECT json_extract(value, '$.\"id\"'), \
             json_extract(value, '$.\"title\"') FROM json_each($1)"
        );
        assert_eq!(
            filled(SQLITE_ROWS_AS_JSON, "chats", &columns),
            "SELECT COALESCE(json_group_array(json_object('id', \"id\", 'title', \"title\")), '[]') \
             FROM \"chats\""
        );
    }
}
