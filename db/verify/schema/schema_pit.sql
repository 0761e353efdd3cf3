-- Verify prometheus:schema/schema_pit on pg
select 1 / count(*) from pg_catalog.pg_namespace where nspname = 'pit';
