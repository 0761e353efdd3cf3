-- Verify prometheus:schema/table_runtime_engine_decisions on pg
select decision_id, engine_name, run_id, mode, strategy_id, market_id, as_of_date, config_id, input_refs, output_refs, metadata, created_at
  from runtime.engine_decisions where false;
