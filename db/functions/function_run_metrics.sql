-- Deploy prometheus:functions/function_run_metrics to pg
-- A run's metrics from its stored equity curve, trades and decisions, with empyrical's conventions: the one
-- implementation, stored as backtest_runs.metrics_json when the run finishes (core.run_finish).
begin;

create or replace function core.run_metrics(p_run_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with run as (
    select r.config_json -> 'initial_capital' as initial_capital
      from runtime.backtest_runs r
     where r.run_id = p_run_id
  ),
  e as (
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
    select coalesce(sum(t.quantity * t.price), 0)::float8 as traded, count(*) as n_trades,
           count(*) filter (where t.side = 'SELL') as closing,
           count(*) filter (where t.side = 'SELL' and t.pnl > 0) as winning
      from runtime.backtest_trades t where t.run_id = p_run_id
  ),
  decisions as (
    -- the portfolio engine decides once per rebalance
    select count(*) as rebalances
      from runtime.engine_decisions d where d.run_id = p_run_id and d.engine_name = 'PORTFOLIO'
  ),
  m as (
    select a.*, t.*, d.rebalances, run.initial_capital,
           a.final_wealth - 1 as cum,
           -- CAGR = wealth^(252/N) - 1; past float8's range it is undefined (null), as a non-finite value in Python
           case when a.n > 0 and ln(a.final_wealth) * (252.0::float8 / a.n) < 709
                then power(a.final_wealth, 252.0::float8 / a.n) - 1 end as cagr,
           a.n / 252.0::float8 as years
      from run, agg a, trades t, decisions d
  )
  select coalesce((
    select case when m.n = 0 then
             jsonb_build_object('days', 0, 'trade_count', m.n_trades, 'final_equity', m.initial_capital,
                                'initial_capital', m.initial_capital, 'rebalances', m.rebalances)
           else jsonb_build_object(
             'days', m.n,
             'trade_count', m.n_trades,
             'cumulative_return', m.cum,
             'cagr', m.cagr,
             'annualized_return', m.cagr,
             'annual_volatility', m.sd * sqrt(252::float8),
             'annualized_volatility', m.sd * sqrt(252::float8),
             'sharpe_ratio', case when m.sd > 0 then m.mean_r / m.sd * sqrt(252::float8) end,
             'sortino_ratio', case when m.downside > 0 then m.mean_r * 252 / (m.downside * sqrt(252::float8)) end,
             'max_drawdown', m.mdd,
             'calmar_ratio', case when m.mdd < 0 then m.cagr / abs(m.mdd) end,
             'annual_turnover', case when m.mean_equity <> 0 then m.traded / 2 / m.mean_equity / m.years end,
             'hit_rate', case when m.closing > 0 then m.winning::float8 / m.closing end,
             'closing_trades', m.closing,
             'final_equity', m.final_equity,
             'initial_capital', m.initial_capital,
             'rebalances', m.rebalances) end
      from m), '{}'::jsonb)
$$;

comment on function core.run_metrics(uuid) is
'The metrics of a run (what runtime.backtest_runs.metrics_json holds once it finished), computed from runtime.backtest_daily_equity, runtime.backtest_trades and runtime.engine_decisions with empyrical''s conventions: simple daily returns, 252 periods a year, sample standard deviation (ddof=1), risk-free rate 0, max drawdown on wealth starting at 1 (a first-day loss counts), Sortino over all days, CAGR = wealth^(252/days) - 1, Calmar = CAGR / |max drawdown|, annual turnover = traded value / 2 / mean equity / years, hit rate = winning SELL trades / SELL trades. Keys: days, trade_count, cumulative_return, cagr and annualized_return (the same number), annual_volatility and annualized_volatility (the same number), sharpe_ratio, sortino_ratio, max_drawdown, calmar_ratio, annual_turnover, hit_rate, closing_trades, final_equity, initial_capital (from the run''s config), rebalances (portfolio decisions); a value that is undefined (one day: no volatility; no SELL trade: no hit rate) is null. A run with no days yet: days 0, trade_count, final_equity = initial_capital, rebalances. An unknown run: {}.';

grant execute on function core.run_metrics(uuid) to pycore_writer;

commit;
