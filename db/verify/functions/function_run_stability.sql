-- Verify prometheus:functions/function_run_stability on pg
select 'core.run_stability(text, date, date)'::regprocedure;
