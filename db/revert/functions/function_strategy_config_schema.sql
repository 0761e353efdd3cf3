-- Revert prometheus:functions/function_strategy_config_schema from pg
begin;

drop function core.strategy_config_schema();

commit;
