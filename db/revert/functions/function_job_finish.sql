-- Revert prometheus:functions/function_job_finish from pg
begin;

drop function core.job_finish(bigint, text, text, text);

commit;
