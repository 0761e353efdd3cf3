-- Verify prometheus:functions/function_run_fragility on pg
select 'core.run_fragility(text, date, date)'::regprocedure;
