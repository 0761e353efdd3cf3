-- Verify prometheus:functions/function_job_finish on pg
select 'core.job_finish(bigint, text, text, text)'::regprocedure;
