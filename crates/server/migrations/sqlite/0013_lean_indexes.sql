-- Fewer B-trees for the same answers. Keep in step with postgres/0013_lean_indexes.sql.
--
-- 1. chat.get with ACTIVE_ONLY=Y reads a record's rows from the chat index's own key range
--    and lets SQLite sort that handful of rows: an index holding every row again in that
--    order cost more on every write and import than the sort costs the read. The answer
--    order of ACTIVE_ONLY=N keeps its covering index (crm_chat_index_any): reading it in order
--    is what the busiest call does, and sorting there measured 8 k more instructions a call.
DROP INDEX IF EXISTS crm_chat_index_active;

-- 2. A session's bindings are one range of their key, which starts with the session: the
--    table is clustered by that key (no separate rowid tree and key index), and the index by
--    session that repeated the key's prefix goes.
CREATE TABLE session_crm_bindings_clustered (
    session_id  INTEGER NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    PRIMARY KEY (session_id, entity_type, entity_id)
) WITHOUT ROWID;
INSERT INTO session_crm_bindings_clustered (session_id, entity_type, entity_id)
    SELECT session_id, entity_type, entity_id FROM session_crm_bindings;
DROP TABLE session_crm_bindings;
ALTER TABLE session_crm_bindings_clustered RENAME TO session_crm_bindings;
CREATE INDEX session_crm_bindings_by_entity ON session_crm_bindings (entity_type, entity_id);
