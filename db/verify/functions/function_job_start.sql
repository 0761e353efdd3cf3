-- Verify prometheus:functions/function_job_start on pg
select 'core.job_start(bigint, text, bigint, double precision)'::regprocedure;
