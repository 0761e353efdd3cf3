-- Revert prometheus:functions/function_job_recover from pg
begin;

drop function core.job_recover(double precision, integer, double precision);

commit;
