-- Verify prometheus:functions/function_run_start on pg
select 'core.run_start(text, jsonb, date, date, text[], text, text, text, text)'::regprocedure;
