-- Revert prometheus:functions/function_job_requeue from pg
begin;

drop function core.job_requeue(bigint, text, text, integer, double precision);

commit;
