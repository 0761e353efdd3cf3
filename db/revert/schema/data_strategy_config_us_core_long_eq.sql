-- Revert prometheus:schema/data_strategy_config_us_core_long_eq from pg
begin;

delete from runtime.strategy_configs where strategy_id = 'US_CORE_LONG_EQ' and version = 1 and created_by = 'sqitch';
delete from runtime.strategies where strategy_id = 'US_CORE_LONG_EQ' and created_by = 'sqitch'
   and not exists (select from runtime.strategy_configs c where c.strategy_id = 'US_CORE_LONG_EQ');

commit;
