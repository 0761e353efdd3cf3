-- Revert prometheus:schema/table_runtime_strategies from pg
begin;

drop table runtime.strategies;

commit;
