-- Verify prometheus:schema/schema_hist on pg
select pg_catalog.has_schema_privilege('hist', 'usage');
