-- Revert prometheus:functions/function_run_finish from pg
begin;

drop function core.run_finish(uuid);

commit;
