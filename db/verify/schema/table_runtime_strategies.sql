-- Verify prometheus:schema/table_runtime_strategies on pg
select strategy_id, kind, code, config_schema, description, created_at, created_by from runtime.strategies where false;
