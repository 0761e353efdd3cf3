-- Revert prometheus:functions/function_check_run_rows from pg
begin;

drop function core.check_run_rows();

commit;
