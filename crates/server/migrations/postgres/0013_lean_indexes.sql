-- Fewer indexes for the same answers. Keep in step with sqlite/0013_lean_indexes.sql.
--
-- 1. chat.get with ACTIVE_ONLY=Y reads a record's rows through the chat index's key and lets
--    PostgreSQL sort that handful of rows: an index holding every row again in that order
--    cost more on every write and import than the sort costs the read. ACTIVE_ONLY=N keeps
--    its covering index (crm_chat_index_any).
DROP INDEX IF EXISTS crm_chat_index_active;

-- 2. The index by session repeated the prefix of the bindings' key.
DROP INDEX IF EXISTS session_crm_bindings_by_session;
