-- Verify prometheus:functions/function_run_universe on pg
select 'core.run_universe(uuid, text, text, date[], jsonb)'::regprocedure;
