-- Revert prometheus:functions/function_job_start from pg
begin;

drop function core.job_start(bigint, text, bigint, double precision);

commit;
