-- Revert prometheus:functions/function_job_heartbeat from pg
begin;

drop function core.job_heartbeat(text, bigint[], double precision);

commit;
