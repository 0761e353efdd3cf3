-- Verify prometheus:schema/table_runtime_backtest_runs on pg
select run_id, run_seq, strategy_id, config_json, start_date, end_date, universe_id, metrics_json, created_at, mode, portfolio_id, sleeve_id, market_ids, status, error, started_at, finished_at
  from runtime.backtest_runs where false;
