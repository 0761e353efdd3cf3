-- Revert prometheus:functions/function_strategy_schema from pg
begin;

drop function core.strategy_schema(text);

commit;
