-- Revert prometheus:functions/function_job_progress from pg
begin;

drop function core.job_progress(bigint, text, double precision, date, uuid, double precision);

commit;
