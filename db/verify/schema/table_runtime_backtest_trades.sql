-- Verify prometheus:schema/table_runtime_backtest_trades on pg
select trade_id, run_id, trade_date, ticker, direction, size, price, regime_id, universe_id, profile_version_id, decision_metadata_json, realized_pnl, commission, fill_id, decision_id, mode
  from runtime.backtest_trades where false;
