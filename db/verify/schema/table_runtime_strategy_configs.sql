-- Verify prometheus:schema/table_runtime_strategy_configs on pg
select strategy_id, config_json, updated_at, version, is_active, created_by, source_proposal_id
  from runtime.strategy_configs where false;
