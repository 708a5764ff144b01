-- Options an application keeps on the portal (app.option.*) and per user (user.option.*).
-- Values are stored as JSON text so a number or an array comes back as it was set.
-- Keep in step with migrations/sqlite/0007_options.sql.
CREATE TABLE app_options (
    client_id TEXT NOT NULL,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (client_id, name)
);

CREATE TABLE user_options (
    client_id TEXT    NOT NULL,
    user_id   BIGINT  NOT NULL,
    name      TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (client_id, user_id, name)
);
