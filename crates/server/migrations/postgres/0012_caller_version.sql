-- The caller cache's version stamp (docs/ARCHITECTURE.md, "The caller cache on PostgreSQL").
--
-- An instance keeps each webhook user's live webhooks and user row in memory and checks, inside
-- the first statement of the next read-only call, that `users.auth_version` still holds the
-- value it cached. Every write that changes what a webhook check sees sets the column to the
-- writing transaction's id: a row of `users` written, or a webhook of that user added,
-- changed or removed. A transaction id is never reused (txid_current() carries the epoch), so a
-- value names one committed state of the user and their webhooks; a deleted user has no row,
-- which no cached value matches. The value is visible to other instances exactly when the
-- write commits, as the rows it stamps are.
ALTER TABLE users ADD COLUMN auth_version BIGINT NOT NULL DEFAULT 0;
UPDATE users SET auth_version = txid_current();

-- Any insert or update of a user, whatever it sets auth_version to (a snapshot restore or an
-- import carries old values), takes the writing transaction's id.
CREATE FUNCTION stamp_user_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.auth_version := txid_current();
    RETURN NEW;
END
$$;
CREATE TRIGGER users_auth_version BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION stamp_user_auth_version();

-- A webhook written or removed restamps its user (both users, should one move).
CREATE FUNCTION restamp_webhook_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE users SET auth_version = 0 WHERE id = OLD.user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE users SET auth_version = 0 WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER webhooks_restamp_user AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH ROW EXECUTE FUNCTION restamp_webhook_user();

-- TRUNCATE fires no row triggers: restamp every user.
CREATE FUNCTION restamp_all_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET auth_version = 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER webhooks_truncate_restamp AFTER TRUNCATE ON webhooks
    FOR EACH STATEMENT EXECUTE FUNCTION restamp_all_users();
