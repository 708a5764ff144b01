-- The record half of a non-admin's read check (chat.get and every CRM read) reads the record's
-- owner and `opened` by its key. With only the primary key that was two B-tree searches on
-- SQLite (the key index, then the table); this index answers it alone. Keep in step with
-- postgres/0012_record_owner_index.sql.
CREATE INDEX crm_records_owner ON crm_records (entity_type, id, assigned_by_id, opened);
