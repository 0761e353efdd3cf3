-- Deploy prometheus:views/view_api_status_portfolio to pg
begin;

-- Positions of each portfolio at the close of its latest finished run, beside the latest target weights.
create or replace view api.status_portfolio as
with portfolios as (
  select distinct b.portfolio_id from runtime.backtest_runs b where b.status = 'SUCCEEDED' and b.portfolio_id is not null
)
select p.portfolio_id, r.run_id, last.as_of_date, k.instrument_id, i.name, i.gics_sector as sector,
       pos.quantity, pos.avg_cost, pos.last_price, coalesce(pos.market_value, 0) as market_value,
       coalesce(pos.weight, 0) as weight, coalesce(pos.unrealized_pnl, 0) as unrealized_pnl,
       case when pos.avg_cost > 0 then pos.last_price / pos.avg_cost - 1 end as unrealized_return,
       coalesce((tgt.target_positions ->> k.instrument_id)::float8, 0) as target_weight,
       coalesce(pos.weight, 0) - coalesce((tgt.target_positions ->> k.instrument_id)::float8, 0) as weight_vs_target,
       tgt.as_of_date as target_as_of_date,
       last.equity, last.cash, last.gross_exposure, last.net_exposure
  from portfolios p
  cross join lateral (
    select b.run_id from runtime.backtest_runs b
     where b.portfolio_id = p.portfolio_id and b.status = 'SUCCEEDED' order by b.finished_at desc limit 1) r
  cross join lateral (
    select e.as_of_date, e.equity, e.cash, e.gross_exposure, e.net_exposure from runtime.backtest_daily_equity e
     where e.run_id = r.run_id order by e.as_of_date desc limit 1) last
  left join lateral (
    select t.target_positions, t.as_of_date from runtime.target_portfolios t
     where t.run_id = r.run_id order by t.as_of_date desc limit 1) tgt on true
  cross join lateral (
    select ps.instrument_id from runtime.positions_snapshots ps where ps.run_id = r.run_id and ps.as_of_date = last.as_of_date
    union
    select jsonb_object_keys(coalesce(tgt.target_positions, '{}'))) k
  left join runtime.positions_snapshots pos on pos.run_id = r.run_id and pos.as_of_date = last.as_of_date and pos.instrument_id = k.instrument_id
  join hist.instruments i on i.instrument_id = k.instrument_id;

comment on view api.status_portfolio is 'Positions of each portfolio at the close of its latest finished run (quantity, average cost, last price, market value, weight, unrealized P&L, sector) beside the latest target weights (names targeted but not held appear with quantity null). Real P&L from the run. Filter portfolio_id=eq.<id>&order=market_value.desc.';

notify pgrst, 'reload schema';

commit;
