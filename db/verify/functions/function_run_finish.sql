-- Verify prometheus:functions/function_run_finish on pg
select 'core.run_finish(uuid)'::regprocedure;
