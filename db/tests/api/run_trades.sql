-- api.run_trades: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'run_trades', 'api.run_trades exists');
select ok(obj_description('api.run_trades'::regclass, 'pg_class') is not null, 'api.run_trades has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.run_trades', 'select'), 'web_anon may read api.run_trades');
select is((select count(*)::int from api.run_trades), 0, 'api.run_trades returns no rows on an empty database');

select * from finish();
rollback;
