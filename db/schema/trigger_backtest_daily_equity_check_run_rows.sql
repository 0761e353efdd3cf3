-- Deploy prometheus:schema/trigger_backtest_daily_equity_check_run_rows to pg
-- runtime.backtest_daily_equity checks its rows' references once per statement, set-based, in place of per-row foreign keys.
begin;

create trigger backtest_daily_equity_check_run_rows after insert on runtime.backtest_daily_equity
  referencing new table as new_rows for each statement execute function core.check_run_rows();
comment on trigger backtest_daily_equity_check_run_rows on runtime.backtest_daily_equity is 'Checks its run_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

commit;
