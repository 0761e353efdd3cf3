-- Revert prometheus:functions/function_run_fail from pg
begin;

drop function core.run_fail(uuid, text);

commit;
