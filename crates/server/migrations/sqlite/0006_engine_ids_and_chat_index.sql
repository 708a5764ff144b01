-- Ids come from the engine, and chat.get reads one clustered table.
-- Keep in step with migrations/postgres/0006_engine_ids_and_chat_index.sql.
--
-- 1. New chats, sessions and messages take AUTOINCREMENT ids: above every id the table ever
--    held, as a portal's MySQL AUTO_INCREMENT does. SQLite can only add AUTOINCREMENT by
--    rebuilding the table; the copy keeps every row and id, and sqlite_sequence starts at
--    the largest id copied.
CREATE TABLE chats_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    connector_id     TEXT    NOT NULL,
    line_id          INTEGER NOT NULL,
    title            TEXT    NOT NULL DEFAULT '',
    external_chat_id TEXT    NOT NULL DEFAULT '',
    external_user_id TEXT    NOT NULL DEFAULT ''
);
INSERT INTO chats_new (id, connector_id, line_id, title, external_chat_id, external_user_id)
    SELECT id, connector_id, line_id, title, external_chat_id, external_user_id FROM chats;
DROP TABLE chats;
ALTER TABLE chats_new RENAME TO chats;
CREATE INDEX chats_by_user_code ON chats (connector_id, line_id, external_chat_id, external_user_id);

CREATE TABLE sessions_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id           INTEGER NOT NULL,
    status            INTEGER NOT NULL,
    operator_id       INTEGER,
    created_at        INTEGER NOT NULL,
    modified_at       INTEGER NOT NULL,
    shorthand_chat_id INTEGER UNIQUE
);
INSERT INTO sessions_new (id, chat_id, status, operator_id, created_at, modified_at, shorthand_chat_id)
    SELECT id, chat_id, status, operator_id, created_at, modified_at, shorthand_chat_id FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_by_chat ON sessions (chat_id);

CREATE TABLE messages_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    author_id  INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO messages_new (id, chat_id, author_id, text, created_at)
    SELECT id, chat_id, author_id, text, created_at FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_by_chat ON messages (chat_id);

-- 2. CRM ids are counted per type (lead 7 and deal 7 both exist), which AUTOINCREMENT cannot
--    do on one table; this is SQLite's stand-in for PostgreSQL's four sequences. A new record
--    takes last_id + 1 in its insert's write transaction (SQLite has one writer at a time),
--    and the counter never goes down, so a deleted id is never handed out again. It starts
--    above every stored id and above the deleted-id marks it replaces.
CREATE TABLE crm_id_counters (
    entity_type TEXT    PRIMARY KEY,
    last_id     INTEGER NOT NULL
);
INSERT INTO crm_id_counters (entity_type, last_id)
    SELECT t.entity_type, MAX(COALESCE((SELECT MAX(id) FROM crm_records r WHERE r.entity_type = t.entity_type), 0),
                              COALESCE((SELECT last_id FROM crm_deleted_ids d WHERE d.entity_type = t.entity_type), 0))
    FROM (SELECT 'lead' AS entity_type UNION ALL SELECT 'deal' UNION ALL SELECT 'contact' UNION ALL SELECT 'company') t;
DROP TABLE crm_deleted_ids;

-- 3. chat.get's read model: one row per CRM record and chat bound to it through a session,
--    clustered by record, with the sort keys of both ACTIVE_ONLY answers precomputed, so the
--    method is one index range read with no sort. Every write that changes sessions or
--    bindings rewrites the rows of its chat in the same transaction (storage/chat_index.rs).
CREATE TABLE crm_chat_index (
    entity_type        TEXT    NOT NULL,
    entity_id          INTEGER NOT NULL,
    chat_id            INTEGER NOT NULL,
    connector_id       TEXT    NOT NULL,
    -- MAX(modified_at) and MAX(id) of the chat's sessions bound to the record.
    any_modified_at    INTEGER NOT NULL,
    any_session_id     INTEGER NOT NULL,
    -- The same over the active ones (10 <= status < 50); NULL when none is active.
    active_modified_at INTEGER,
    active_session_id  INTEGER,
    PRIMARY KEY (entity_type, entity_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX crm_chat_index_any ON crm_chat_index
    (entity_type, entity_id, any_modified_at DESC, any_session_id DESC, chat_id, connector_id);
CREATE INDEX crm_chat_index_active ON crm_chat_index
    (entity_type, entity_id, active_modified_at DESC, active_session_id DESC, chat_id, connector_id);
CREATE INDEX crm_chat_index_by_chat ON crm_chat_index (chat_id);
INSERT INTO crm_chat_index (entity_type, entity_id, chat_id, connector_id, any_modified_at, any_session_id,
                            active_modified_at, active_session_id)
    SELECT b.entity_type, b.entity_id, s.chat_id, c.connector_id, MAX(s.modified_at), MAX(s.id),
           MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.modified_at END),
           MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.id END)
    FROM session_crm_bindings b JOIN sessions s ON s.id = b.session_id JOIN chats c ON c.id = s.chat_id
    GROUP BY b.entity_type, b.entity_id, s.chat_id, c.connector_id;
