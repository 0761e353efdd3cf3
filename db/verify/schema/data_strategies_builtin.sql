-- Verify prometheus:schema/data_strategies_builtin on pg
select 1 / (count(*) = 3)::int from runtime.strategies where strategy_id in ('XMOM50', 'SECTOR_MOM3', 'LOWVOL100');
