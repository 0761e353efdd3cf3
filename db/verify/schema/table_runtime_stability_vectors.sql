-- Verify prometheus:schema/table_runtime_stability_vectors on pg
select stability_id, entity_type, entity_id, as_of_date, vector_components, overall_score, metadata, created_at, run_id, mode, model_id
  from runtime.stability_vectors where false;
