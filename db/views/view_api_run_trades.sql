-- Deploy prometheus:views/view_api_run_trades to pg
begin;

create or replace view api.run_trades as
select t.run_id, t.trade_id::text as trade_id, t.as_of_date, t.instrument_id, i.name, i.gics_sector,
       t.side, t.quantity, t.price, t.quantity * t.price as notional, t.commission, t.pnl, t.decision_id::text as decision_id,
       t.strategy_id, t.sleeve_id
  from runtime.backtest_trades t
  join hist.instruments i on i.instrument_id = t.instrument_id;

comment on view api.run_trades is 'Trades (fills) of a run with realized P&L (SELL: quantity * (price - average cost) - commission; BUY: -commission). Ids are text (they exceed 2^53). Filter with run_id=eq.<uuid>&order=as_of_date.';
comment on column api.run_trades.as_of_date is 'Session of the fill.';
comment on column api.run_trades.side is 'BUY or SELL.';
comment on column api.run_trades.quantity is 'Shares filled.';
comment on column api.run_trades.pnl is 'Realized P&L of the fill, commission included.';

notify pgrst, 'reload schema';

commit;
