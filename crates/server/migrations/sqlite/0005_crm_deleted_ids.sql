-- The largest id of each CRM type that was handed out and then deleted. New records get ids
-- above it as well as above every stored id: a portal (MySQL AUTO_INCREMENT) never hands an
-- id out twice, and a client may still hold the deleted one.
CREATE TABLE crm_deleted_ids (
    entity_type TEXT   PRIMARY KEY,
    last_id     BIGINT NOT NULL
);
