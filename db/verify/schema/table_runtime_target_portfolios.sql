-- Verify prometheus:schema/table_runtime_target_portfolios on pg
select target_id, strategy_id, portfolio_id, as_of_date, target_positions, metadata, optimization_params, created_at, run_id, mode, decision_id
  from runtime.target_portfolios where false;
