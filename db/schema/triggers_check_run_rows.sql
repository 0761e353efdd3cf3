-- Deploy prometheus:schema/triggers_check_run_rows to pg
-- The tables a run bulk-loads check their rows' run (and instrument) once per statement, set-based, in place of
-- per-row foreign keys.
begin;

create trigger orders_check_run_rows after insert on runtime.orders
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id');
comment on trigger orders_check_run_rows on runtime.orders is 'Checks its run_id and instrument_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

create trigger fills_check_run_rows after insert on runtime.fills
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id');
comment on trigger fills_check_run_rows on runtime.fills is 'Checks its run_id and instrument_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

create trigger positions_snapshots_check_run_rows after insert on runtime.positions_snapshots
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id');
comment on trigger positions_snapshots_check_run_rows on runtime.positions_snapshots is 'Checks its run_id and instrument_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

create trigger executed_actions_check_run_rows after insert on runtime.executed_actions
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id');
comment on trigger executed_actions_check_run_rows on runtime.executed_actions is 'Checks its run_id and instrument_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

create trigger backtest_trades_check_run_rows after insert on runtime.backtest_trades
  referencing new table as new_rows for each statement execute function core.check_run_rows('instrument_id');
comment on trigger backtest_trades_check_run_rows on runtime.backtest_trades is 'Checks its run_id and instrument_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

create trigger backtest_daily_equity_check_run_rows after insert on runtime.backtest_daily_equity
  referencing new table as new_rows for each statement execute function core.check_run_rows();
comment on trigger backtest_daily_equity_check_run_rows on runtime.backtest_daily_equity is 'Checks its run_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

create trigger target_portfolios_check_run_rows after insert on runtime.target_portfolios
  referencing new table as new_rows for each statement execute function core.check_run_rows();
comment on trigger target_portfolios_check_run_rows on runtime.target_portfolios is 'Checks its run_id once per statement, set-based (core.check_run_rows), in place of a per-row foreign key.';

commit;
