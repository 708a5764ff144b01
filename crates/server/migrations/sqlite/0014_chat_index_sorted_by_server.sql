-- Nothing changes on SQLite; the version keeps the two folders in step with postgres/0014.
--
-- PostgreSQL dropped its ACTIVE_ONLY=N index and sorts a record's rows itself. SQLite keeps
-- crm_chat_index_any: reading the table's key range and sorting the rows in Rust measured
-- 7 k more instructions per chat.get (two more columns decoded per row, and the sort) for
-- 0.5 s less of a 1 M-chat import, and its import folds a chat's sessions into one row
-- through the key (entity_type, entity_id, chat_id), so the key cannot take the answer order.
SELECT 1;
