-- Verify prometheus:schema/data_strategy_config_us_core_long_eq on pg
select 1 / count(*) from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ';
