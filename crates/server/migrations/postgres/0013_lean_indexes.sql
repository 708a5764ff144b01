-- Fewer indexes for the same answers. Keep in step with sqlite/0013_lean_indexes.sql.
--
-- 1. chat.get reads a record's rows from the chat index's key range and orders them in the
--    server (storage/chats.rs): a record has a handful of chats, so sorting them costs less
--    than keeping two more copies of every index row, one per answer order, up to date on each
--    write and built on each import. The key carries every other column, so the read stays
--    an index-only scan.
DROP INDEX IF EXISTS crm_chat_index_any;
DROP INDEX IF EXISTS crm_chat_index_active;
ALTER TABLE crm_chat_index DROP CONSTRAINT crm_chat_index_pkey;
ALTER TABLE crm_chat_index ADD CONSTRAINT crm_chat_index_pkey PRIMARY KEY (entity_type, entity_id, chat_id)
    INCLUDE (connector_id, any_modified_at, any_session_id, active_modified_at, active_session_id);

-- 2. The index by session repeated the prefix of the bindings' key.
DROP INDEX IF EXISTS session_crm_bindings_by_session;
