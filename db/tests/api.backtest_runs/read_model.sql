-- api.backtest_runs: exists, is documented, is readable by web_anon, is empty (not an error) on an empty database,
-- and flattens metrics_json under the seed's metric names.
begin;
select plan(5);

select has_view('api', 'backtest_runs', 'api.backtest_runs exists');
select ok(obj_description('api.backtest_runs'::regclass, 'pg_class') is not null, 'api.backtest_runs has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.backtest_runs', 'select'), 'web_anon may read api.backtest_runs');
select is((select count(*)::int from api.backtest_runs), 0, 'api.backtest_runs returns no rows on an empty database');

-- SETUP: a finished run with its metrics
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids, sleeve_id, status, metrics_json)
values ('00000000-0000-0000-0000-0000000000e3', 'T', '{}', '2023-01-01', '2023-12-31', '{US_EQ}', 'T.core', 'SUCCEEDED',
        '{"cumulative_return": 0.12, "cagr": 0.121, "annualized_return": 0.121, "annual_volatility": 0.15, "annualized_volatility": 0.15,
          "sharpe_ratio": 0.8, "sortino_ratio": 1.1, "calmar_ratio": 1.2, "max_drawdown": -0.1, "trade_count": 7}');

-- TEST
select results_eq($$select sleeve_id, cumulative_return, annualized_return, annualized_volatility, sharpe_ratio, sortino_ratio, calmar_ratio,
                           max_drawdown, trade_count
                      from api.backtest_runs where run_id = '00000000-0000-0000-0000-0000000000e3'$$,
                  $$values ('T.core', 0.12::float8, 0.121::float8, 0.15::float8, 0.8::float8, 1.1::float8, 1.2::float8, -0.1::float8, 7)$$,
                  'metrics_json is flattened under the seed''s names (sharpe_ratio, sortino_ratio, calmar_ratio, ...)');

select * from finish();
rollback;
