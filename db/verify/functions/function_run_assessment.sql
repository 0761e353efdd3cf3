-- Verify prometheus:functions/function_run_assessment on pg
select 'core.run_assessment(uuid, text, text, date[], jsonb)'::regprocedure;
