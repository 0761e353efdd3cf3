-- Verify prometheus:schema/table_runtime_decision_outcomes on pg
select outcome_id, decision_id, horizon_days, realized_return, realized_pnl, realized_drawdown, realized_vol, metadata, created_at, run_id, mode
  from runtime.decision_outcomes where false;
