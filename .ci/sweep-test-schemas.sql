-- Drops the PostgreSQL schemas test runs made, and only those this run may drop (psql, with
-- `-v run=<id>` and `-v max_age=<seconds>`):
--   * this run's own: `t_<run>_<16 hex>` (`run` empty: none);
--   * any run's that began more than `max_age` seconds ago: a run that was killed before its
--     tests could drop them. A run still going on the same server is younger, so it keeps its
--     schemas.
-- Test schema names are `t_<ten-digit Unix start time><[a-z0-9]*>_<16 hex>` (see
-- crates/server/tests/services/mod.rs); anything else, including the older `t_<16 hex>`
-- form, is left alone. crates/server/tests/api/test_schemas.rs runs this query.
SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', nspname)
FROM pg_namespace
WHERE nspname ~ '^t_[0-9]{10}[a-z0-9]*_[0-9a-f]{16}$'
  AND ((:'run' <> '' AND starts_with(nspname, 't_' || :'run' || '_'))
       OR substr(nspname, 3, 10)::bigint < extract(epoch FROM now())::bigint - :max_age)
ORDER BY 1
\gexec
