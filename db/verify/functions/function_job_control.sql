-- Verify prometheus:functions/function_job_control on pg
select 'api.run_backtest(text, date, date, text[], jsonb, text)'::regprocedure, 'api.cancel_job(bigint)'::regprocedure,
       'core.request_actor()'::regprocedure;
select job_id from api.jobs where false;
