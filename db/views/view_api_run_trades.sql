-- Deploy prometheus:views/view_api_run_trades to pg
begin;

create view api.run_trades as
select t.run_id, t.trade_id::text as trade_id, t.trade_date, t.ticker as instrument_id, i.name, i.gics_sector,
       t.direction, t.size, t.price, t.size * t.price as notional, t.commission, t.realized_pnl, t.decision_id::text as decision_id
  from runtime.backtest_trades t
  join hist.instruments i on i.instrument_id = t.ticker;

comment on view api.run_trades is 'Trades (fills) of a run with realized P&L (SELL: quantity * (price - average cost) - commission; BUY: -commission). Ids are text (they exceed 2^53). Filter with run_id=eq.<uuid>.';

notify pgrst, 'reload schema';

commit;
