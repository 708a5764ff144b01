-- The whole data model of openlines. Times are Unix seconds; booleans are BOOLEAN.
-- Keep in step with migrations/sqlite/0001_init.sql (a test compares the two).

CREATE TABLE departments (
    id          BIGINT PRIMARY KEY,
    name        TEXT    NOT NULL DEFAULT '',
    parent_id   BIGINT
);

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    name          TEXT    NOT NULL DEFAULT '',
    last_name     TEXT    NOT NULL DEFAULT '',
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    department_id BIGINT
);

CREATE TABLE crm_permissions (
    user_id     BIGINT  NOT NULL,
    entity_type TEXT    NOT NULL,
    read_level  TEXT    NOT NULL,
    PRIMARY KEY (user_id, entity_type)
);

CREATE TABLE webhooks (
    id          BIGINT PRIMARY KEY,
    user_id     BIGINT  NOT NULL,
    code_sha256 TEXT    NOT NULL UNIQUE,
    scopes      TEXT    NOT NULL,
    expires_at  BIGINT,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX webhooks_by_user ON webhooks (user_id);

CREATE TABLE oauth_tokens (
    access_sha256  TEXT    PRIMARY KEY,
    refresh_sha256 TEXT    UNIQUE,
    user_id        BIGINT  NOT NULL,
    scopes         TEXT    NOT NULL,
    expires_at     BIGINT  NOT NULL,
    client_id      TEXT
);

CREATE TABLE crm_records (
    entity_type    TEXT    NOT NULL,
    id             BIGINT  NOT NULL,
    title          TEXT    NOT NULL DEFAULT '',
    assigned_by_id BIGINT,
    opened         BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (entity_type, id)
);

CREATE TABLE connectors (
    id     TEXT    PRIMARY KEY,
    title  TEXT    NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE lines (
    id     BIGINT PRIMARY KEY,
    name   TEXT    NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE chats (
    id               BIGINT PRIMARY KEY,
    connector_id     TEXT    NOT NULL,
    line_id          BIGINT  NOT NULL,
    title            TEXT    NOT NULL DEFAULT '',
    external_chat_id TEXT    NOT NULL DEFAULT '',
    external_user_id TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
    id                BIGINT PRIMARY KEY,
    chat_id           BIGINT  NOT NULL,
    status            BIGINT  NOT NULL,
    operator_id       BIGINT,
    created_at        BIGINT  NOT NULL,
    modified_at       BIGINT  NOT NULL,
    -- Set on the one session a fixture's chat shorthand creates, so re-import finds it again.
    shorthand_chat_id BIGINT  UNIQUE
);
CREATE INDEX sessions_by_chat ON sessions (chat_id);

-- The CRM records a session's activity is bound to (spec §8.3): what chat.get reads.
CREATE TABLE session_crm_bindings (
    session_id  BIGINT  NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   BIGINT  NOT NULL,
    PRIMARY KEY (session_id, entity_type, entity_id)
);
CREATE INDEX session_crm_bindings_by_entity ON session_crm_bindings (entity_type, entity_id);

INSERT INTO lines (id, name, active) VALUES (1, 'Default open line', TRUE);
