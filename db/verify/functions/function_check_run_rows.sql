-- Verify prometheus:functions/function_check_run_rows on pg
select 'core.check_run_rows()'::regprocedure;
