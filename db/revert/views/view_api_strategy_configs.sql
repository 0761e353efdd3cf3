-- Revert prometheus:views/view_api_strategy_configs from pg
begin;

drop view api.strategy_configs;

commit;
