-- Verify prometheus:functions/function_job_progress on pg
select 'core.job_progress(bigint, text, double precision, date, uuid, double precision)'::regprocedure;
