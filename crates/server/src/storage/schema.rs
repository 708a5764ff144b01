//! Whether a database holds openlines' schema, and how far it is migrated: read-only commands
//! (`export`, `webhook list`, …) refuse a database that is missing or was never migrated,
//! rather than create one, and `migrate` says what it did.

use super::db::query;
use super::{Backend, Store, StoreError};

/// SQLite: whether sqlx's migration table exists (1 or 0).
pub const SQLITE_HAS_MIGRATIONS_TABLE: &str = "SELECT COUNT(*) FROM sqlite_master
     WHERE type = 'table' AND name = '_sqlx_migrations'";
/// PostgreSQL: whether sqlx's migration table exists in the current schema (1 or 0).
pub const POSTGRES_HAS_MIGRATIONS_TABLE: &str = "SELECT COUNT(*) FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'";
/// Both engines: how many migrations were applied successfully.
pub const APPLIED_MIGRATIONS: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE";

/// How far a database's schema is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// No openlines schema at all (a new or foreign database).
    Missing,
    /// Migrated, but not to this version of openlines.
    Behind { applied: usize, known: usize },
    /// Every migration this version knows is applied.
    Current { applied: usize },
}

/// How many migrations this build carries for the store's engine.
fn known_migrations(backend: &Backend) -> usize {
    match backend {
        Backend::Sqlite(_) => sqlx::migrate!("migrations/sqlite").iter().count(),
        Backend::Postgres(_) => sqlx::migrate!("migrations/postgres").iter().count(),
    }
}

impl Store {
    /// Where the schema stands, without changing anything.
    pub async fn schema_state(&self) -> Result<SchemaState, StoreError> {
        let db = self.db();
        let has_table = db
            .engine()
            .pick(SQLITE_HAS_MIGRATIONS_TABLE, POSTGRES_HAS_MIGRATIONS_TABLE);
        let tables: i64 = query(has_table).fetch_scalar(db).await?;
        if tables == 0 {
            return Ok(SchemaState::Missing);
        }
        let applied: i64 = query(APPLIED_MIGRATIONS).fetch_scalar(db).await?;
        let applied = usize::try_from(applied).unwrap_or(0);
        let known = known_migrations(self.backend());
        Ok(if applied >= known {
            SchemaState::Current { applied }
        } else {
            SchemaState::Behind { applied, known }
        })
    }
}
