-- Verify prometheus:functions/function_purge_run on pg
select 'core.purge_run(uuid)'::regprocedure;
