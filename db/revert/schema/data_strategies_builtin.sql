-- Revert prometheus:schema/data_strategies_builtin from pg
begin;

delete from runtime.strategy_configs where strategy_id in ('XMOM50', 'SECTOR_MOM3', 'LOWVOL100');
delete from runtime.strategies where strategy_id in ('XMOM50', 'SECTOR_MOM3', 'LOWVOL100');
update runtime.strategies set config_schema = null where strategy_id = 'US_CORE_LONG_EQ';

commit;
