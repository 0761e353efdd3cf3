-- Verify prometheus:functions/function_job_requeue on pg
select 'core.job_requeue(bigint, text, text, integer, double precision)'::regprocedure;
