-- OAuth applications, their authorization codes, and refresh-token expiry.
CREATE TABLE oauth_apps (
    client_id            TEXT    PRIMARY KEY,
    client_secret_sha256 TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    scopes               TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL
);

CREATE TABLE oauth_codes (
    code_sha256 TEXT    PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    user_id     BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);

ALTER TABLE oauth_tokens ADD COLUMN refresh_expires_at BIGINT;
