-- Verify prometheus:functions/function_strategy_targets on pg
select 1 / count(*) from pg_catalog.pg_proc
 where oid = 'core.strategy_targets(text, date, jsonb)'::regprocedure and prosecdef
   and proowner = (select oid from pg_catalog.pg_roles where rolname = 'strategy_sandbox');
