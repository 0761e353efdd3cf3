-- Revert prometheus:functions/function_run_metrics from pg
begin;

drop function core.run_metrics(uuid);

commit;
