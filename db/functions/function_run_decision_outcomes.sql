-- Deploy prometheus:functions/function_run_decision_outcomes to pg
-- What each engine decision of a run led to: realized return, P&L, drawdown and volatility per horizon.
begin;

create or replace function core.run_decision_outcomes(p_run_id uuid, p_horizons int[] default '{21}')
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
      from d
      -- the sessions of the horizon by number, joined by equality (hashed), never a range join of every decision
      -- with the whole curve
      cross join lateral generate_series(d.k0 + 1, d.k0 + d.h) as g(k)
      join e on e.k = g.k
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

grant execute on function core.run_decision_outcomes(uuid, int[]) to pycore_writer;

commit;
