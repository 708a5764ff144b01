-- Webhook ids come from the database. SQLite's INTEGER PRIMARY KEY already gives them from
-- the rowid; this file keeps the version numbers of both folders in step with
-- migrations/postgres/0004_webhook_ids.sql, which adds a sequence.
SELECT 1;
