-- Verify prometheus:functions/function_run_fail on pg
select 'core.run_fail(uuid, text)'::regprocedure;
