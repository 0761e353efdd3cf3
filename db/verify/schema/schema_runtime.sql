-- Verify prometheus:schema/schema_runtime on pg
select pg_catalog.has_schema_privilege('runtime', 'usage');
