-- The whole data model of openlines. Times are Unix seconds; booleans are 0/1.
-- Keep in step with migrations/postgres/0001_init.sql (a test compares the two).

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    parent_id   INTEGER
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL DEFAULT '',
    last_name     TEXT    NOT NULL DEFAULT '',
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    department_id INTEGER
);

CREATE TABLE crm_permissions (
    user_id     INTEGER NOT NULL,
    entity_type TEXT    NOT NULL,
    read_level  TEXT    NOT NULL,
    PRIMARY KEY (user_id, entity_type)
);

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    code_sha256 TEXT    NOT NULL UNIQUE,
    scopes      TEXT    NOT NULL,
    expires_at  INTEGER,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX webhooks_by_user ON webhooks (user_id);

CREATE TABLE oauth_tokens (
    access_sha256  TEXT    PRIMARY KEY,
    refresh_sha256 TEXT    UNIQUE,
    user_id        INTEGER NOT NULL,
    scopes         TEXT    NOT NULL,
    expires_at     INTEGER NOT NULL,
    client_id      TEXT
);

CREATE TABLE crm_records (
    entity_type    TEXT    NOT NULL,
    id             INTEGER NOT NULL,
    title          TEXT    NOT NULL DEFAULT '',
    assigned_by_id INTEGER,
    opened         BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (entity_type, id)
);

CREATE TABLE connectors (
    id     TEXT    PRIMARY KEY,
    title  TEXT    NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE lines (
    id     INTEGER PRIMARY KEY,
    name   TEXT    NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE chats (
    id               INTEGER PRIMARY KEY,
    connector_id     TEXT    NOT NULL,
    line_id          INTEGER NOT NULL,
    title            TEXT    NOT NULL DEFAULT '',
    external_chat_id TEXT    NOT NULL DEFAULT '',
    external_user_id TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
    id                INTEGER PRIMARY KEY,
    chat_id           INTEGER NOT NULL,
    status            INTEGER NOT NULL,
    operator_id       INTEGER,
    created_at        INTEGER NOT NULL,
    modified_at       INTEGER NOT NULL,
    -- Set on the one session a fixture's chat shorthand creates, so re-import finds it again.
    shorthand_chat_id INTEGER UNIQUE
);
CREATE INDEX sessions_by_chat ON sessions (chat_id);

-- The CRM records a session's activity is bound to (spec §8.3): what chat.get reads.
CREATE TABLE session_crm_bindings (
    session_id  INTEGER NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    PRIMARY KEY (session_id, entity_type, entity_id)
);
CREATE INDEX session_crm_bindings_by_entity ON session_crm_bindings (entity_type, entity_id);

INSERT INTO lines (id, name, active) VALUES (1, 'Default open line', TRUE);
