-- Verify prometheus:schema/table_runtime_fragility_measures on pg
select fragility_id, entity_type, entity_id, as_of_date, fragility_score, scenario_losses, metadata, created_at, run_id, mode, model_id
  from runtime.fragility_measures where false;
