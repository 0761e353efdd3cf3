-- Verify prometheus:schema/table_runtime_executed_actions on pg
select action_id, decision_id, run_id, portfolio_id, instrument_id, trade_date, side, quantity, price, slippage, fees, metadata, created_at, mode
  from runtime.executed_actions where false;
