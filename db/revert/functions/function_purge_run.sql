-- Revert prometheus:functions/function_purge_run from pg
begin;

drop function core.purge_run(uuid);

commit;
