-- Verify prometheus:schema/table_runtime_backtest_daily_equity on pg
select run_id, as_of_date, equity, drawdown, exposure_metrics_json, mode, cash, gross_exposure, net_exposure, daily_return
  from runtime.backtest_daily_equity where false;
