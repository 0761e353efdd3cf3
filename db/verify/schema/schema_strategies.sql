-- Verify prometheus:schema/schema_strategies on pg
select 1 / count(*) from pg_catalog.pg_namespace where nspname = 'strategies';
