-- Verify prometheus:functions/function_job_heartbeat on pg
select 'core.job_heartbeat(text, bigint[], double precision)'::regprocedure;
