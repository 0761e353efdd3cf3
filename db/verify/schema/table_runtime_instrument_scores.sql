-- Verify prometheus:schema/table_runtime_instrument_scores on pg
select score_id, strategy_id, market_id, instrument_id, as_of_date, horizon_days, expected_return, score, confidence, signal_label, alpha_components, metadata, created_at, run_id, mode, model_id
  from runtime.instrument_scores where false;
