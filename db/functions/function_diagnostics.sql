-- Deploy prometheus:functions/function_diagnostics to pg
-- The meta layer: diagnose a strategy from its finished runs, by market regime and by config.
begin;

create or replace function api.diagnostics(strategy_id text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with runs as (
    select b.run_id, b.config_json, b.metrics_json, b.start_date, b.end_date
      from runtime.backtest_runs b
     where b.strategy_id = diagnostics.strategy_id and b.status = 'SUCCEEDED' and b.metrics_json ? 'sharpe_ratio'
  ),
  days as (
    select e.run_id, e.as_of_date, e.daily_return as r, coalesce(g.regime_label, 'UNKNOWN') as regime
      from runs
      join runtime.backtest_daily_equity e on e.run_id = runs.run_id
      left join runtime.regimes g on g.run_id is null and g.region = 'US' and g.as_of_date = e.as_of_date
  ),
  overall as (
    select count(*) as n, avg(r) * 252 as annual_return,
           case when stddev_samp(r) > 0 then avg(r) / stddev_samp(r) * sqrt(252) end as sharpe,
           avg((r > 0)::int) as hit_rate
      from days
  ),
  by_regime as (
    select d.regime, count(*) as days, count(distinct d.run_id) as runs, avg(d.r) * 252 as annual_return,
           case when stddev_samp(d.r) > 0 then avg(d.r) / stddev_samp(d.r) * sqrt(252) end as sharpe,
           stddev_samp(d.r) * sqrt(252) as volatility, min(d.r) as worst_day, avg((d.r > 0)::int) as hit_rate
      from days d group by d.regime
  ),
  by_config as (
    select core.config_key(r.config_json) as config, count(*) as runs,
           avg((r.metrics_json ->> 'sharpe_ratio')::float8) as sharpe,
           avg((r.metrics_json ->> 'cagr')::float8) as annual_return,
           avg((r.metrics_json ->> 'max_drawdown')::float8) as max_drawdown,
           avg((r.metrics_json ->> 'hit_rate')::float8) as hit_rate,
           array_agg(r.run_id order by r.start_date) as run_ids
      from runs r group by 1
  ),
  median_sharpe as (
    select percentile_cont(0.5) within group (order by sharpe) as m, count(*) as n from by_config
  )
  select jsonb_build_object(
    'strategy_id', strategy_id,
    'runs', (select count(*) from runs),
    'min_runs', 3,
    'enough_evidence', (select count(*) from runs) >= 3,
    'message', case when not exists (select 1 from runtime.strategy_configs c where c.strategy_id = diagnostics.strategy_id)
                    then 'unknown strategy ' || strategy_id
                    when (select count(*) from runs) < 3
                    then format('not enough runs: %s finished run(s) of %s; diagnostics need at least 3 (run a campaign)',
                                (select count(*) from runs), strategy_id)
                    else format('%s runs, %s simulated days', (select count(*) from runs), (select n from overall)) end,
    'overall', (select jsonb_build_object('days', o.n, 'annual_return', o.annual_return, 'sharpe_ratio', o.sharpe, 'hit_rate', o.hit_rate) from overall o),
    'by_regime', coalesce((select jsonb_agg(jsonb_build_object(
        'regime', b.regime, 'days', b.days, 'runs', b.runs, 'annual_return', b.annual_return, 'sharpe_ratio', b.sharpe,
        'volatility', b.volatility, 'worst_day', b.worst_day, 'hit_rate', b.hit_rate,
        'flagged', b.days >= 20 and (b.annual_return < 0 or b.sharpe < (select sharpe from overall) - 0.5),
        'reason', case when b.days < 20 then 'fewer than 20 days: not judged'
                       when b.annual_return < 0 then 'loses money in this regime'
                       when b.sharpe < (select sharpe from overall) - 0.5 then 'lags: Sharpe more than 0.5 below its overall Sharpe' end)
        order by b.days desc) from by_regime b), '[]'::jsonb),
    'by_config', coalesce((select jsonb_agg(jsonb_build_object(
        'config', c.config, 'runs', c.runs, 'sharpe_ratio', c.sharpe, 'annual_return', c.annual_return,
        'max_drawdown', c.max_drawdown, 'hit_rate', c.hit_rate, 'run_ids', to_jsonb(c.run_ids),
        'flagged', (select n from median_sharpe) >= 2 and c.sharpe < (select m from median_sharpe) - 0.25,
        'reason', case when (select n from median_sharpe) >= 2 and c.sharpe < (select m from median_sharpe) - 0.25
                       then 'Sharpe more than 0.25 below the median config' end)
        order by c.sharpe desc nulls last) from by_config c), '[]'::jsonb))
$$;

comment on function api.diagnostics(text) is
'Diagnostics of a strategy from its finished runs: overall performance (days, annual_return, sharpe_ratio, hit_rate), performance by market regime (days, runs, annual_return, sharpe_ratio, volatility, worst_day, hit_rate) and by config (runs grouped by their tunable parameters: sharpe_ratio, annual_return, max_drawdown, hit_rate), with underperforming regimes and configs flagged and the reason. With fewer than 3 runs it says "not enough runs" (enough_evidence = false). POST /rpc/diagnostics {"strategy_id": "US_CORE_LONG_EQ"} or GET /rpc/diagnostics?strategy_id=US_CORE_LONG_EQ.';

revoke execute on function api.diagnostics(text) from public;
grant execute on function api.diagnostics(text) to web_anon;

notify pgrst, 'reload schema';

commit;
