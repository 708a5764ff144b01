-- Indexes for the reads of every chat.get. Keep in step with sqlite/0011_read_path_indexes.sql.

-- chat.get joins every chat row to its connector for the connector's title and whether it is
-- switched on. With only the primary key, each join was two B-tree searches on SQLite (the key
-- index, then the table); this index answers the join by itself.
CREATE INDEX connectors_lookup ON connectors (id, active, title);

-- A department-level read check walks the reader's department subtree by parent. Without an
-- index SQLite built a temporary one over the whole table on every such call.
CREATE INDEX departments_by_parent ON departments (parent_id, id);
