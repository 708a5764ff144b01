-- The caller cache's version stamp. Keep in step with postgres/0012_caller_version.sql.
--
-- Only PostgreSQL instances keep callers between calls and read this column (there triggers
-- restamp it on every write that changes a webhook check). A SQLite server reads the caller
-- afresh, from one snapshot per request, and never looks at it; the column is here so that
-- both engines have the same tables and columns.
ALTER TABLE users ADD COLUMN auth_version INTEGER NOT NULL DEFAULT 0;
