-- core.run_metrics recomputes a run's metrics from its stored equity curve (empyrical conventions).
begin;
select plan(7);

-- SETUP: a run of three sessions: +1%, -2%, +3%
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-0000000000aa', 'T', '{}', '2023-01-01', '2023-01-31', '{US_EQ}');
insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, drawdown, cash, gross_exposure, net_exposure, daily_return)
values ('00000000-0000-0000-0000-0000000000aa', '2023-01-03', 101, 0, 101, 0, 0, 0.01),
       ('00000000-0000-0000-0000-0000000000aa', '2023-01-04', 98.98, -0.02, 98.98, 0, 0, -0.02),
       ('00000000-0000-0000-0000-0000000000aa', '2023-01-05', 101.9494, 0, 101.9494, 0, 0, 0.03);

-- TEST
select is(round((core.run_metrics('00000000-0000-0000-0000-0000000000aa') ->> 'cumulative_return')::numeric, 10), 0.019494, 'cumulative return = 1.01 * 0.98 * 1.03 - 1');
select is(round((core.run_metrics('00000000-0000-0000-0000-0000000000aa') ->> 'max_drawdown')::numeric, 10), -0.02, 'max drawdown on wealth starting at 1');
select is(round((core.run_metrics('00000000-0000-0000-0000-0000000000aa') ->> 'annual_volatility')::numeric, 10),
          round((stddev_samp(x) * sqrt(252))::numeric, 10), 'annual volatility = stddev(ddof=1) * sqrt(252)')
  from unnest(array[0.01, -0.02, 0.03]) x;
select is(round((core.run_metrics('00000000-0000-0000-0000-0000000000aa') ->> 'sharpe_ratio')::numeric, 10),
          round((avg(x) / stddev_samp(x) * sqrt(252))::numeric, 10), 'Sharpe = mean / stddev * sqrt(252), risk-free 0')
  from unnest(array[0.01, -0.02, 0.03]) x;
select is(round((core.run_metrics('00000000-0000-0000-0000-0000000000aa') ->> 'sortino_ratio')::numeric, 10),
          round((avg(x) * 252 / (sqrt(avg(least(x, 0) ^ 2)) * sqrt(252)))::numeric, 10), 'Sortino over all days')
  from unnest(array[0.01, -0.02, 0.03]::float8[]) x;
select is((core.run_metrics('00000000-0000-0000-0000-0000000000aa') ->> 'days')::int, 3, 'three days');
select is(core.run_metrics('00000000-0000-0000-0000-0000000000ff'), '{}'::jsonb, 'an unknown run gives {}');

select * from finish();
rollback;
