-- chat.get joins every chat row to its connector for the connector's title and whether it is
-- switched on. With only the primary key, each join was two B-tree searches on SQLite (the key
-- index, then the table); this index answers the join by itself. Keep in step with
-- postgres/0011_connector_lookup_index.sql.
CREATE INDEX connectors_lookup ON connectors (id, active, title);
