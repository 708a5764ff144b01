-- Ids come from the engine, and chat.get reads one clustered table.
-- Keep in step with migrations/sqlite/0006_engine_ids_and_chat_index.sql.
--
-- 1. New chats, sessions and messages take their ids from sequences, so concurrent inserts
--    never pick the same id (MAX(id) + 1 did, and answered 500). Sequences rather than
--    identity columns, as for webhooks (0004). Each starts above the largest stored id.
CREATE SEQUENCE chats_id_seq OWNED BY chats.id;
SELECT setval('chats_id_seq', COALESCE((SELECT MAX(id) FROM chats), 0) + 1, FALSE);
ALTER TABLE chats ALTER COLUMN id SET DEFAULT nextval('chats_id_seq');

CREATE SEQUENCE sessions_id_seq OWNED BY sessions.id;
SELECT setval('sessions_id_seq', COALESCE((SELECT MAX(id) FROM sessions), 0) + 1, FALSE);
ALTER TABLE sessions ALTER COLUMN id SET DEFAULT nextval('sessions_id_seq');

CREATE SEQUENCE messages_id_seq OWNED BY messages.id;
SELECT setval('messages_id_seq', COALESCE((SELECT MAX(id) FROM messages), 0) + 1, FALSE);
ALTER TABLE messages ALTER COLUMN id SET DEFAULT nextval('messages_id_seq');

-- 2. CRM ids are counted per type, one sequence each, starting above every stored id and
--    above the deleted-id marks they replace: a sequence never goes back, so a deleted id is
--    never handed out again.
CREATE SEQUENCE crm_lead_id_seq;
CREATE SEQUENCE crm_deal_id_seq;
CREATE SEQUENCE crm_contact_id_seq;
CREATE SEQUENCE crm_company_id_seq;
SELECT setval('crm_' || t.entity_type || '_id_seq',
              GREATEST(COALESCE((SELECT MAX(id) FROM crm_records r WHERE r.entity_type = t.entity_type), 0),
                       COALESCE((SELECT last_id FROM crm_deleted_ids d WHERE d.entity_type = t.entity_type), 0)) + 1,
              FALSE)
FROM (VALUES ('lead'), ('deal'), ('contact'), ('company')) AS t (entity_type);
DROP TABLE crm_deleted_ids;

-- Raises a sequence so that its next value is above `floor` (after an import wrote ids of its
-- own); never lowers it.
CREATE FUNCTION openlines_raise_sequence(seq regclass, floor BIGINT) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    used BIGINT;
BEGIN
    -- A sequence reads as a one-row relation; `seq` names the one this schema resolves.
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %s', seq)
        INTO used;
    IF floor > COALESCE(used, 0) THEN
        PERFORM setval(seq, floor, TRUE);
    END IF;
END $$;

-- 3. chat.get's read model (see the SQLite migration for the why). PostgreSQL keeps the
--    table as a heap; the covering indexes give the same one-range read without a sort.
CREATE TABLE crm_chat_index (
    entity_type        TEXT    NOT NULL,
    entity_id          BIGINT  NOT NULL,
    chat_id            BIGINT  NOT NULL,
    connector_id       TEXT    NOT NULL,
    any_modified_at    BIGINT  NOT NULL,
    any_session_id     BIGINT  NOT NULL,
    active_modified_at BIGINT,
    active_session_id  BIGINT,
    PRIMARY KEY (entity_type, entity_id, chat_id)
);
CREATE INDEX crm_chat_index_any ON crm_chat_index
    (entity_type, entity_id, any_modified_at DESC, any_session_id DESC) INCLUDE (chat_id, connector_id);
CREATE INDEX crm_chat_index_active ON crm_chat_index
    (entity_type, entity_id, active_modified_at DESC, active_session_id DESC) INCLUDE (chat_id, connector_id);
CREATE INDEX crm_chat_index_by_chat ON crm_chat_index (chat_id);
INSERT INTO crm_chat_index (entity_type, entity_id, chat_id, connector_id, any_modified_at, any_session_id,
                            active_modified_at, active_session_id)
    SELECT b.entity_type, b.entity_id, s.chat_id, c.connector_id, MAX(s.modified_at), MAX(s.id),
           MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.modified_at END),
           MAX(CASE WHEN s.status >= 10 AND s.status < 50 THEN s.id END)
    FROM session_crm_bindings b JOIN sessions s ON s.id = b.session_id JOIN chats c ON c.id = s.chat_id
    GROUP BY b.entity_type, b.entity_id, s.chat_id, c.connector_id;
