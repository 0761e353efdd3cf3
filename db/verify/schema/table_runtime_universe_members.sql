-- Verify prometheus:schema/table_runtime_universe_members on pg
select universe_member_id, universe_id, as_of_date, entity_type, entity_id, tier, included, score, reasons, created_at, run_id, mode, model_id
  from runtime.universe_members where false;
