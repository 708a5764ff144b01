-- Nothing changes on PostgreSQL; the version keeps the two folders in step with sqlite/0015,
-- which clusters SQLite's CRM records by their key. PostgreSQL keeps every table as a heap
-- beside its indexes, and a clustered order there would not last past the next writes.
SELECT 1;
