-- Verify prometheus:functions/function_cancel_job on pg
select 'api.cancel_job(bigint)'::regprocedure;
