-- Verify prometheus:schema/table_runtime_meta_config_proposals on pg
select proposal_id, run_id, strategy_id, market_id, proposal_type, target_component, current_value, proposed_value, confidence_score, expected_sharpe_improvement, expected_return_improvement, expected_risk_reduction, rationale, supporting_metrics, status, approved_by, approved_at, applied_at, reverted_at, metadata, created_at, mode
  from runtime.meta_config_proposals where false;
