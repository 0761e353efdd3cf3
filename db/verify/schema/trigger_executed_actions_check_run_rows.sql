-- Verify prometheus:schema/trigger_executed_actions_check_run_rows on pg
select 1/count(*) from pg_trigger where tgname = 'executed_actions_check_run_rows' and tgrelid = 'runtime.executed_actions'::regclass;
