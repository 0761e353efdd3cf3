-- api.backtest_runs: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'backtest_runs', 'api.backtest_runs exists');
select ok(obj_description('api.backtest_runs'::regclass, 'pg_class') is not null, 'api.backtest_runs has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.backtest_runs', 'select'), 'web_anon may read api.backtest_runs');
select is((select count(*)::int from api.backtest_runs), 0, 'api.backtest_runs returns no rows on an empty database');

select * from finish();
rollback;
