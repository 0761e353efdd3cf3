-- Verify prometheus:schema/table_runtime_backtest_trades on pg
select trade_id, run_id, strategy_id, sleeve_id, as_of_date, instrument_id, side, quantity, price, regime_id, universe_id, profile_version_id, decision_metadata_json, config_snapshot, pnl, commission, fill_id, decision_id, mode
  from runtime.backtest_trades where false;
