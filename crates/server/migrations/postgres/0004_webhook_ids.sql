-- Webhook ids come from the database (`webhook add`, fixture webhooks). SQLite's INTEGER
-- PRIMARY KEY gives them from the rowid; PostgreSQL needs a sequence. (A sequence rather
-- than an identity column: CockroachDB and YugabyteDB take this form too.)
CREATE SEQUENCE webhooks_id_seq OWNED BY webhooks.id;
SELECT setval('webhooks_id_seq', COALESCE((SELECT MAX(id) FROM webhooks), 0) + 1, FALSE);
ALTER TABLE webhooks ALTER COLUMN id SET DEFAULT nextval('webhooks_id_seq');
