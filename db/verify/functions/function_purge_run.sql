-- Verify prometheus:functions/function_purge_run on pg
select 'core.run_tables()'::regprocedure, 'core.purge_run(uuid)'::regprocedure;
