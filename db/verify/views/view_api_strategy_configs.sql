-- Verify prometheus:views/view_api_strategy_configs on pg
select strategy_id from api.strategy_configs where false;
