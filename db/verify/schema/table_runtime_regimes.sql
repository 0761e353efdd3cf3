-- Verify prometheus:schema/table_runtime_regimes on pg
select regime_record_id, as_of_date, region, regime_label, regime_embedding, embedding_ref, confidence, metadata, created_at, run_id, mode, model_id
  from runtime.regimes where false;
