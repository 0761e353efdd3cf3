-- Verify prometheus:schema/roles on pg
select 1 / (count(*) = 5)::int
  from pg_catalog.pg_roles
 where rolname in ('authenticator', 'web_anon', 'operator', 'pycore_writer', 'strategy_sandbox');
