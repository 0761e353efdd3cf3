-- api.run_comparison: exists, is documented, is readable by web_anon, is empty (not an error) on an empty database,
-- and sets runs side by side with the seed's metric names and the normalized curve.
begin;
select plan(5);

select has_view('api', 'run_comparison', 'api.run_comparison exists');
select ok(obj_description('api.run_comparison'::regclass, 'pg_class') is not null, 'api.run_comparison has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.run_comparison', 'select'), 'web_anon may read api.run_comparison');
select is((select count(*)::int from api.run_comparison), 0, 'api.run_comparison returns no rows on an empty database');

-- SETUP: a finished run with two sessions
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids, status, metrics_json)
values ('00000000-0000-0000-0000-0000000000e4', 'T', '{}', '2023-01-01', '2023-01-31', '{US_EQ}', 'SUCCEEDED',
        '{"sharpe_ratio": 0.8, "sortino_ratio": 1.1, "calmar_ratio": 1.2}');
insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, drawdown, cash, gross_exposure, net_exposure, daily_return)
values ('00000000-0000-0000-0000-0000000000e4', '2023-01-03', 200, 0, 200, 0, 0, 0),
       ('00000000-0000-0000-0000-0000000000e4', '2023-01-04', 210, 0, 210, 0, 0, 0.05);

-- TEST
select results_eq($$select sharpe_ratio, sortino_ratio, calmar_ratio, dates, equity_normalized from api.run_comparison
                     where run_id = '00000000-0000-0000-0000-0000000000e4'$$,
                  $$values (0.8::float8, 1.1::float8, 1.2::float8, array['2023-01-03', '2023-01-04']::date[], array[1, 1.05]::float8[])$$,
                  'a run''s sharpe_ratio, sortino_ratio, calmar_ratio and its curve normalized to 1');

select * from finish();
rollback;
