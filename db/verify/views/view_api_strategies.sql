-- Verify prometheus:views/view_api_strategies on pg
select strategy_id, kind, code, description, active_version, versions, config_json, default_config, config_schema
  from api.strategies where false;
