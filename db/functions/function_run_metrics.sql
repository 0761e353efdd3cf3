-- Deploy prometheus:functions/function_run_metrics to pg
-- Run metrics recomputed in SQL from the stored equity curve and trades (empyrical conventions).
begin;

create function core.run_metrics(p_run_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with e as (
    select e.as_of_date, e.daily_return as r, e.equity as equity,
           row_number() over (order by e.as_of_date) as k
      from runtime.backtest_daily_equity e
     where e.run_id = p_run_id
  ),
  w as (
    select e.*, exp(sum(ln(1 + e.r)) over (order by e.k)) as wealth from e
  ),
  dd as (
    -- drawdown on wealth that starts at 1, so a first-day loss counts
    select w.*, w.wealth / greatest(1.0, max(w.wealth) over (order by w.k)) - 1 as drawdown from w
  ),
  agg as (
    select count(*) as n, avg(r) as mean_r, stddev_samp(r) as sd, sqrt(avg(least(r, 0) ^ 2)) as downside,
           (array_agg(wealth order by k desc))[1] as final_wealth, least(min(drawdown), 0) as mdd,
           avg(equity) as mean_equity, (array_agg(equity order by k desc))[1] as final_equity
      from dd
  ),
  trades as (
    select coalesce(sum(t.quantity * t.price), 0) as traded, count(*) as n_trades,
           count(*) filter (where t.side = 'SELL') as closing,
           count(*) filter (where t.side = 'SELL' and t.pnl > 0) as winning
      from runtime.backtest_trades t where t.run_id = p_run_id
  ),
  m as (
    select a.*, t.*,
           a.final_wealth - 1 as cum,
           power(a.final_wealth, 252.0 / a.n) - 1 as cagr
      from agg a, trades t
     where a.n > 0
  )
  select coalesce((
    select jsonb_strip_nulls(jsonb_build_object(
             'days', m.n,
             'cumulative_return', m.cum,
             'cagr', m.cagr,
             'annualized_return', m.cagr,
             'annual_volatility', m.sd * sqrt(252),
             'annualized_volatility', m.sd * sqrt(252),
             'sharpe_ratio', case when m.sd > 0 then m.mean_r / m.sd * sqrt(252) end,
             'sortino_ratio', case when m.downside > 0 then m.mean_r * 252 / (m.downside * sqrt(252)) end,
             'max_drawdown', m.mdd,
             'calmar_ratio', case when m.mdd < 0 then m.cagr / abs(m.mdd) end,
             'annual_turnover', case when m.mean_equity > 0 then m.traded / 2 / m.mean_equity / (m.n / 252.0) end,
             'trade_count', m.n_trades,
             'closing_trades', m.closing,
             'hit_rate', case when m.closing > 0 then m.winning::float8 / m.closing end,
             'final_equity', m.final_equity))
      from m), '{}'::jsonb)
$$;

comment on function core.run_metrics(uuid) is
'Metrics of a run recomputed from runtime.backtest_daily_equity and runtime.backtest_trades, with empyrical''s conventions (simple daily returns, 252 periods, ddof=1, risk-free 0, max drawdown on wealth starting at 1, Sortino over all days, Calmar = CAGR / |MDD|, annual turnover = traded value / 2 / mean equity / years, hit rate = winning SELL fills / SELL fills). Keys: days, cumulative_return, cagr and annualized_return (the same number), annual_volatility and annualized_volatility (the same number), sharpe_ratio, sortino_ratio, max_drawdown, calmar_ratio, annual_turnover, trade_count, closing_trades, hit_rate, final_equity. Equals backtest_runs.metrics_json for the same keys. An unknown run or a run with no days gives {}.';

create function core.run_decision_outcomes(p_run_id uuid, p_horizons int[] default '{21}')
returns integer
language sql
volatile
set search_path = ''
as $$
  with e as (
    select e.as_of_date, e.equity, e.daily_return as r, row_number() over (order by e.as_of_date) as k
      from runtime.backtest_daily_equity e where e.run_id = p_run_id
  ),
  d as (
    select ed.decision_id, ed.mode, e.k as k0, e.equity as e0, h.h
      from runtime.engine_decisions ed
      join e on e.as_of_date = ed.as_of_date
      cross join unnest(p_horizons) as h(h)
     where ed.run_id = p_run_id
  ),
  path as (
    select d.decision_id, d.mode, d.h, d.e0, e.k, e.equity, e.r,
           max(e.equity) over (partition by d.decision_id, d.h order by e.k) as peak
      from d join e on e.k > d.k0 and e.k <= d.k0 + d.h
  ),
  outcome as (
    select p.decision_id, p.mode, p.h, max(p.e0) as e0,
           (array_agg(p.equity order by p.k desc))[1] as e1, count(*) as n,
           least(min(p.equity / greatest(p.peak, p.e0) - 1), 0) as dd,
           stddev_samp(p.r) * sqrt(252) as vol
      from path p group by 1, 2, 3
  ),
  del as (
    delete from runtime.decision_outcomes o where o.run_id = p_run_id returning 1
  ),
  ins as (
    insert into runtime.decision_outcomes
      (outcome_id, decision_id, horizon_days, realized_return, realized_pnl, realized_drawdown, realized_vol, metadata, run_id, mode)
    select (select run_seq from runtime.backtest_runs where run_id = p_run_id) * 4294967296
             + row_number() over (order by o.decision_id, o.h),
           o.decision_id, o.h, o.e1 / o.e0 - 1, o.e1 - o.e0, o.dd, o.vol,
           jsonb_build_object('sessions_observed', o.n, 'complete', o.n = o.h),
           p_run_id, o.mode
      from outcome o
     where (select count(*) from del) >= 0
    returning 1
  )
  select count(*)::int from ins;
$$;

comment on function core.run_decision_outcomes(uuid, int[]) is
'Fills runtime.decision_outcomes for every engine decision of a run: the portfolio''s realized return and P&L over each horizon (sessions after the decision''s close), the worst drawdown within it and the annualized volatility of its daily returns. Horizons running past the end of the run use the sessions there are (metadata.complete = false). Replaces the run''s outcomes; returns the row count.';

grant execute on function core.run_metrics(uuid) to pycore_writer;
grant execute on function core.run_decision_outcomes(uuid, int[]) to pycore_writer;

commit;
