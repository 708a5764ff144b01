-- Custom connectors (imconnector.register and friends). Keep in step with
-- migrations/postgres/0009_custom_connectors.sql.

-- A registered connector is a row of `connectors` like the standard ones (so imconnector.list
-- and chat.get's CONNECTOR_TITLE read it unchanged), owned by the application that registered
-- it. Standard connectors have no owner (NULL).
ALTER TABLE connectors ADD COLUMN client_id TEXT;
-- ICON and ICON_DISABLED as given, JSON text.
ALTER TABLE connectors ADD COLUMN icon TEXT NOT NULL DEFAULT '{}';
ALTER TABLE connectors ADD COLUMN icon_disabled TEXT NOT NULL DEFAULT '{}';
ALTER TABLE connectors ADD COLUMN placement_handler TEXT NOT NULL DEFAULT '';
-- The boolean options of imconnector.register (NEED_SIGNATURE, CHAT_GROUP, …), JSON text.
ALTER TABLE connectors ADD COLUMN options TEXT NOT NULL DEFAULT '{}';

-- One row per connector and open line it was ever activated on (imconnector.activate), with
-- the channel settings of imconnector.connector.data.set (JSON text).
CREATE TABLE connector_lines (
    connector_id TEXT    NOT NULL,
    line_id      INTEGER  NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT FALSE,
    data         TEXT    NOT NULL DEFAULT '{}',
    PRIMARY KEY (connector_id, line_id)
);

-- What an external system tells about a message: its own id (incoming messages of
-- imconnector.send.messages) and when the operator's message was delivered and read there
-- (imconnector.send.status.delivery / .reading).
ALTER TABLE messages ADD COLUMN external_id TEXT;
ALTER TABLE messages ADD COLUMN delivered_at INTEGER;
ALTER TABLE messages ADD COLUMN read_at INTEGER;
