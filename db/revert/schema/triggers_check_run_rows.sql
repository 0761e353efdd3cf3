-- Revert prometheus:schema/triggers_check_run_rows from pg
begin;

drop trigger orders_check_run_rows on runtime.orders;
drop trigger fills_check_run_rows on runtime.fills;
drop trigger positions_snapshots_check_run_rows on runtime.positions_snapshots;
drop trigger executed_actions_check_run_rows on runtime.executed_actions;
drop trigger backtest_trades_check_run_rows on runtime.backtest_trades;
drop trigger backtest_daily_equity_check_run_rows on runtime.backtest_daily_equity;
drop trigger target_portfolios_check_run_rows on runtime.target_portfolios;

commit;
