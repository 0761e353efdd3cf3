-- Verify prometheus:schema/schema_api on pg
select pg_catalog.has_schema_privilege('api', 'usage');
