-- Verify prometheus:functions/function_run_regimes on pg
select 'core.run_regimes(text, date, date)'::regprocedure;
