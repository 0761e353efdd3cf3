-- Verify prometheus:schema/schema_core on pg
select pg_catalog.has_schema_privilege('core', 'usage');
