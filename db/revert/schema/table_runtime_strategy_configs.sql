-- Revert prometheus:schema/table_runtime_strategy_configs from pg
begin;

drop table runtime.strategy_configs;

commit;
