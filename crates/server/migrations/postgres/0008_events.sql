-- Events: the handlers applications bind, the outbox of online deliveries, the offline queue,
-- and each application's application_token. Keep in step with sqlite/0008_events.sql.
-- Times: *_at in Unix seconds, *_at_ms in Unix milliseconds (retry backoff is sub-second).

-- One row per event.bind. `auth_type` 0 means "the user whose action raised the event".
CREATE TABLE event_handlers (
    id             BIGSERIAL PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    event          TEXT    NOT NULL,
    handler        TEXT    NOT NULL,
    auth_type      BIGINT  NOT NULL DEFAULT 0,
    offline        BOOLEAN NOT NULL DEFAULT FALSE,
    auth_connector TEXT    NOT NULL DEFAULT '',
    options        TEXT    NOT NULL DEFAULT '{}',
    bound_by       BIGINT  NOT NULL,
    scopes         TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    UNIQUE (client_id, event, handler, auth_type, offline)
);
-- The fan-out of every write reads handlers by event name.
CREATE INDEX event_handlers_by_event ON event_handlers (event, offline);

-- One row per (write, online handler), written in the write's own transaction.
-- `state`: 'pending' until a 2xx answer ('delivered') or the last attempt ('failed').
CREATE TABLE event_outbox (
    id              BIGSERIAL PRIMARY KEY,
    handler_id      BIGINT  NOT NULL,
    handler_url     TEXT    NOT NULL,
    event           TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    actor_id        BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    due_at_ms       BIGINT  NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        BIGINT  NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_at_ms   BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    last_attempt_at_ms BIGINT,
    last_duration_ms   BIGINT,
    delivered_at_ms    BIGINT
);
-- The head of each handler URL's queue: a URL receives its events in the order they were
-- raised, whichever of its bindings they came through.
CREATE INDEX event_outbox_by_url ON event_outbox (handler_url, state, id);
CREATE INDEX event_outbox_due ON event_outbox (state, due_at_ms);
-- Whether a handler still has an undelivered ONOFFLINEEVENT notification.
CREATE INDEX event_outbox_by_handler ON event_outbox (handler_id, state);

-- The offline queue: one row per application, source, event and object (`message_id`); a
-- later change of the same object moves the row's time rather than adding a row, unless a
-- reader has reserved it (`process_id`), as the portal's queue does.
CREATE TABLE event_offline (
    id             BIGSERIAL PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    auth_connector TEXT    NOT NULL DEFAULT '',
    event          TEXT    NOT NULL,
    message_id     TEXT    NOT NULL,
    data           TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    process_id     TEXT    NOT NULL DEFAULT '',
    error          BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (client_id, auth_connector, event, message_id, process_id)
);

-- The application_token each application's handlers receive (made on its first bind).
CREATE TABLE event_app_tokens (
    client_id         TEXT PRIMARY KEY,
    application_token TEXT NOT NULL
);
