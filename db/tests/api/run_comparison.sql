-- api.run_comparison: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'run_comparison', 'api.run_comparison exists');
select ok(obj_description('api.run_comparison'::regclass, 'pg_class') is not null, 'api.run_comparison has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.run_comparison', 'select'), 'web_anon may read api.run_comparison');
select is((select count(*)::int from api.run_comparison), 0, 'api.run_comparison returns no rows on an empty database');

select * from finish();
rollback;
