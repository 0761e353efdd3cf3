-- api.equity_curve: exists, is documented, is readable by web_anon, and is empty (not an error) on an empty database.
begin;
select plan(4);

select has_view('api', 'equity_curve', 'api.equity_curve exists');
select ok(obj_description('api.equity_curve'::regclass, 'pg_class') is not null, 'api.equity_curve has a comment (its OpenAPI text)');
select ok(has_table_privilege('web_anon', 'api.equity_curve', 'select'), 'web_anon may read api.equity_curve');
select is((select count(*)::int from api.equity_curve), 0, 'api.equity_curve returns no rows on an empty database');

select * from finish();
rollback;
