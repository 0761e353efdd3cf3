-- api.equity_curve: exists, is documented, is readable by web_anon, is empty (not an error) on an empty database,
-- and shows a run's curve under the seed's names (as_of_date, equity).
begin;
select plan(5);

select has_view('api', 'equity_curve', 'api.equity_curve exists');
select ok(obj_description('api.equity_curve'::regclass, 'pg_class') is not null, 'api.equity_curve has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.equity_curve', 'select'), 'web_anon may read api.equity_curve');
select is((select count(*)::int from api.equity_curve), 0, 'api.equity_curve returns no rows on an empty database');

-- SETUP: a run of two sessions
insert into runtime.backtest_runs (run_id, strategy_id, config_json, start_date, end_date, market_ids)
values ('00000000-0000-0000-0000-0000000000e1', 'T', '{}', '2023-01-01', '2023-01-31', '{US_EQ}');
insert into runtime.backtest_daily_equity (run_id, as_of_date, equity, drawdown, cash, gross_exposure, net_exposure, daily_return)
values ('00000000-0000-0000-0000-0000000000e1', '2023-01-03', 101, 0, 1, 0.99, 0.99, 0.01),
       ('00000000-0000-0000-0000-0000000000e1', '2023-01-04', 98.98, -0.02, 1, 0.99, 0.99, -0.02);

-- TEST
select results_eq($$select as_of_date, equity, drawdown from api.equity_curve
                     where run_id = '00000000-0000-0000-0000-0000000000e1' order by as_of_date$$,
                  $$values ('2023-01-03'::date, 101::float8, 0::float8), ('2023-01-04', 98.98, -0.02)$$,
                  'the curve reads as_of_date, equity and drawdown from runtime.backtest_daily_equity');

select * from finish();
rollback;
