-- Verify prometheus:functions/function_strategy_config_schema on pg
select 1 / (jsonb_typeof(core.strategy_config_schema() -> 'properties') = 'object')::int;
