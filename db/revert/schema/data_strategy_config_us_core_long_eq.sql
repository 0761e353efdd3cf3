-- Revert prometheus:schema/data_strategy_config_us_core_long_eq from pg
begin;

delete from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ' and version = 1 and created_by = 'sqitch';

commit;
