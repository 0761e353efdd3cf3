-- Deploy prometheus:schema/table_runtime_backtest_daily_equity to pg
begin;

create table runtime.backtest_daily_equity (
  run_id uuid not null,
  as_of_date date not null,
  equity double precision not null check (equity > 0),
  drawdown double precision check (drawdown between -1 and 0),
  exposure_metrics_json jsonb check (jsonb_typeof(exposure_metrics_json) = 'object'),
  mode text not null default 'BACKTEST' check (mode in ('BACKTEST', 'PAPER', 'LIVE')),
  cash double precision not null check (cash >= 0 or mode <> 'BACKTEST'),
  gross_exposure double precision not null check (gross_exposure >= 0),
  net_exposure double precision not null,
  daily_return double precision not null,
  primary key (run_id, as_of_date)
);
comment on table runtime.backtest_daily_equity is 'The equity curve: one row per run and session, at the close. Bulk-loaded by the run''s binary COPY, with only the indexes reads use and no per-row foreign keys: run_id is checked once per statement by core.check_run_rows, the ids of the run''s own decisions, orders and fills by core.run_finish.';
comment on column runtime.backtest_daily_equity.run_id is 'Run that wrote the row (runtime.backtest_runs).';
comment on column runtime.backtest_daily_equity.as_of_date is 'Session.';
comment on column runtime.backtest_daily_equity.equity is 'Equity = cash + market value of positions, in the base currency.';
comment on column runtime.backtest_daily_equity.drawdown is 'equity / running peak - 1 (fraction, <= 0).';
comment on column runtime.backtest_daily_equity.exposure_metrics_json is 'Exposure details: gross, net, long_value, cash, n_positions.';
comment on column runtime.backtest_daily_equity.mode is 'Execution mode of the run that wrote the row: BACKTEST, PAPER or LIVE.';
comment on column runtime.backtest_daily_equity.cash is 'Cash at the close.';
comment on column runtime.backtest_daily_equity.gross_exposure is 'Sum of |market value| / equity (fraction).';
comment on column runtime.backtest_daily_equity.net_exposure is 'Sum of market value / equity (fraction).';
comment on column runtime.backtest_daily_equity.daily_return is 'equity / previous equity - 1 (the first day against the initial capital).';

commit;
