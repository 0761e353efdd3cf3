-- Revert prometheus:schema/table_runtime_executed_actions from pg
begin;

drop table runtime.executed_actions;

commit;
