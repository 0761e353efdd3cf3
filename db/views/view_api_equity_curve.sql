-- Deploy prometheus:views/view_api_equity_curve to pg
begin;

create or replace view api.equity_curve as
select e.run_id, e.as_of_date, e.equity, e.drawdown, e.daily_return, e.cash,
       e.gross_exposure, e.net_exposure, (e.exposure_metrics_json ->> 'n_positions')::int as n_positions
  from runtime.backtest_daily_equity e;

comment on view api.equity_curve is 'Equity curve of a run, one row per session, for charts: equity, drawdown (fraction <= 0), daily return, cash, gross and net exposure. Always filter by run: run_id=eq.<uuid>&order=as_of_date.';
comment on column api.equity_curve.as_of_date is 'Session.';
comment on column api.equity_curve.equity is 'Equity at the close (cash + positions), base currency.';

notify pgrst, 'reload schema';

commit;
