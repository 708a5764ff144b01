-- CRM records clustered by their key. Every read of a record names its key (type and id):
-- chat.get's read check for a user who is not an admin, the record methods, the importer's
-- reference checks, the export in key order. As a rowid table with a separate key index each
-- such read searched two B-trees (the key, then the row); clustered by the key it searches one,
-- and at 1 M records and more that is one page fewer to read from the operating system per
-- check. The rows are small (a title, an owner, a flag), as WITHOUT ROWID tables should be.
-- Keep in step with postgres/0015.
CREATE TABLE crm_records_clustered (
    entity_type    TEXT    NOT NULL,
    id             INTEGER NOT NULL,
    title          TEXT    NOT NULL DEFAULT '',
    assigned_by_id INTEGER,
    opened         BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (entity_type, id)
) WITHOUT ROWID;
INSERT INTO crm_records_clustered (entity_type, id, title, assigned_by_id, opened)
    SELECT entity_type, id, title, assigned_by_id, opened FROM crm_records;
DROP TABLE crm_records;
ALTER TABLE crm_records_clustered RENAME TO crm_records;
