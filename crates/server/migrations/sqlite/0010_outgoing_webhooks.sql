-- Outgoing webhooks: a handler URL bound to events without an application, made from the
-- command line (`openlines webhook outgoing add`). Its bindings are ordinary rows of
-- event_handlers whose client_id is 'webhook:<id>', and its application_token is kept in
-- event_app_tokens under the same name: every delivery sends it, so it is stored as it is,
-- not hashed. Keep in step with postgres/0010_outgoing_webhooks.sql.
CREATE TABLE outgoing_webhooks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    handler    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
